"""The council dashboard and its question pages, for signed-in accounts and as a public
summary; who sees what is :mod:`.scope`'s. The charts (:mod:`.chart_views`), the exports
(:mod:`.export_views`) and the organizer's publication and free-text review (:mod:`.review`)
register their routes on the same blueprint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import (
    Blueprint,
    render_template,
    request,
)
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..auth import is_organizer, role_required
from ..db import db
from ..models import Comment, Survey
from ..texts import localize
from . import analysis
from .analysis import Selection
from .scope import (
    ResultsCache,
    Scope,
    compute,
    load,
    parse_selection,
    question_or_404,
    scope_for,
    selection_args,
)
from .service import SurveyResults
from .suppression import ALL

bp = Blueprint("results", __name__)

# --- Formatting -----------------------------------------------------------------------


def number(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0." + "0" * digits)


def percent(share) -> str:
    if share is None:
        return "–"
    return format_percent(share, format="#,##0.0 %")


@bp.app_template_filter("num")
def _num_filter(value, digits: int = 2):
    return number(value, digits)


@bp.app_template_filter("pct")
def _pct_filter(value):
    return percent(value)


# --- Pages ----------------------------------------------------------------------------


def results_route(path: str):
    """Register a view twice: for signed-in accounts under ``/results/<survey_id>`` and as
    part of a public summary under ``/public/<survey_id>/waves/<n>``."""

    def decorate(view):
        bp.add_url_rule(f"/results/<int:survey_id>{path}", view_func=view,
                        defaults={"public_wave": None})
        bp.add_url_rule(f"/public/<int:survey_id>/waves/<int:public_wave>{path}", view_func=view)
        return view

    return decorate


def own_surveys() -> list[Survey]:
    """The surveys of the signed-in account's (or token's) cooperation."""
    return db.session.scalars(
        select(Survey)
        .where(Survey.cooperation_id == current_user.cooperation_id)
        .order_by(Survey.id)
    ).all()


@bp.route("/results/")
@role_required("admin", "viewer")
def index():
    return render_template("results/index.html", surveys=own_surveys(),
                           organizer=is_organizer())


@results_route("/")
def dashboard(survey_id: int, public_wave: int | None):
    scope = scope_for(survey_id, public_wave)
    selection = parse_selection(scope, request.args)
    releases = release_views.release_state(scope)
    if not scope.waves:
        return render_template("results/dashboard.html", scope=scope, results=None,
                               selection=selection, releases=releases)
    results = compute(scope)
    items = analysis.agreement(results, selection)
    agreeing, diverging = analysis.agree_and_diverge(items)
    comments = {} if scope.public else released_comments(scope, results, selection)
    return render_template(
        "results/dashboard.html",
        scope=scope,
        results=results,
        selection=selection,
        args=selection_args(scope, selection),
        agreeing=agreeing,
        diverging=diverging,
        ipa=analysis.importance_performance(results, selection),
        sets=_sets(results),
        comments=comments,
        analysis=analysis,
        labels=_labels(scope),
        releases=releases,
        partition_choices=release_views.partition_choices(),
    )


@results_route("/questions/<set_id>/<question_id>")
def question(survey_id: int, set_id: str, question_id: str, public_wave: int | None):
    scope, selection, results = load(survey_id, public_wave)
    shown = ("ordinal", "numeric", "nominal", "multiple") + (() if scope.public else ("text",))
    result = question_or_404(results, set_id, question_id, shown)
    if result.aggregation == "text":
        return render_template(
            "results/comments_shown.html",
            scope=scope,
            results=results,
            result=result,
            selection=selection,
            args=selection_args(scope, selection),
            texts=released_comments(scope, results, selection, limit=None).get(result.key),
            labels=_labels(scope),
        )
    return render_template(
        "results/question.html",
        scope=scope,
        results=results,
        result=result,
        selection=selection,
        args=selection_args(scope, selection),
        trends=[] if scope.public else _trends(results, result, selection, _labels(scope)),
        labels=_labels(scope),
    )


def _trends(results, result, selection, labels) -> list[tuple[str, list]]:
    """The mean per wave for the selection and for each municipality: the lines of the
    trend chart, as rows of its table."""
    rows = [(_("Selection"), analysis.question_trend(results, result, selection))]
    for m in results.dimensions[0]:
        partial = Selection(m, selection.audience, selection.wave)
        rows.append((labels["municipality"][m], analysis.question_trend(results, result, partial)))
    return rows


def _sets(results: SurveyResults):
    sets = []
    for result in results.questions:
        if not sets or sets[-1][0].id != result.question_set.id:
            sets.append((result.question_set, []))
        sets[-1][1].append(result)
    return [(qs, questions, results.scores_of(qs.id)) for qs, questions in sets]


def _labels(scope: Scope) -> dict:
    survey = scope.survey
    return {
        "municipality": {m.id: m.name for m in survey.municipalities},
        "audience": {a.id: localize(a.label) for a in survey.audiences},
        "wave": {w.id: w.number for w in survey.waves},
    }


COMMENTS_ON_DASHBOARD = 10


@dataclass
class ShownComments:
    texts: list[str]
    total: int  # released comments of the parts shown
    #: The parts' names, when they are not the selection itself (a note says so).
    parts: list[str] = field(default_factory=list)


def released_comments(
    scope: Scope, results: SurveyResults, selection: Selection,
    limit: int | None = COMMENTS_ON_DASHBOARD,
) -> dict:
    """Released free texts per question: those of the release's parts (one fixed partition,
    :mod:`.comment_parts`) that overlap the selection, whatever the filter — ordered by their
    random ids: shuffled, and never grouped by respondent. At most ``limit`` texts each. A
    question without such a part is missing from the result."""
    shown = {}
    labels = _labels(scope)
    for key in dict.fromkeys(p.question for p in results.comments):
        parts = [p for p in results.comments if p.question == key
                 and p.overlaps(selection.cell)]
        if not parts:
            continue
        # The question outside the parts' OR too, so that the database finds the question's
        # released comments by their index (ix_comment_survey_id_question).
        query = select(Comment).where(Comment.survey_id == scope.survey.id,
                                      Comment.question_set_id == key[0],
                                      Comment.question_id == key[1],
                                      Comment.status.in_(("released", "redacted")),
                                      or_(*(p.condition() for p in parts)))
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        texts = [
            c.shown_text for c in db.session.scalars(query.order_by(Comment.id).limit(limit))
        ]
        exact = len(parts) == 1 and parts[0].cell == selection.cell
        shown[key] = ShownComments(texts, total,
                                   [] if exact else [part_name(p, labels) for p in parts])
    return shown


def part_name(part, labels: dict) -> str:
    """Whose free text a part of a release holds: a municipality, a group, or everyone's."""
    m, a, _wave = part.cell
    if m is not ALL:
        return labels["municipality"][m]
    if a is not ALL:
        return labels["audience"][a]
    return _("the whole cooperation")


@bp.app_template_filter("signed")
def _signed_filter(value):
    """A change with its sign: +0,25 or −0,10 (a real minus sign)."""
    if value is None:
        return "–"
    text = number(abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def quadrant_names() -> dict[str, str]:
    return {
        "focus": _("Focus here"),
        "keep-up": _("Keep up the good work"),
        "low-priority": _("Low priority"),
        "overkill": _("Possible overkill"),
    }


@bp.app_context_processor
def _helpers():
    return {
        "comment_status_label": review.status_label,
        "option_labels": chart_views.option_labels,
        "quadrant_names": _LazyQuadrants(),
    }


class _LazyQuadrants:
    """Quadrant names translated when a template looks one up."""

    def __getitem__(self, key: str) -> str:
        return quadrant_names()[key]


# The other pages of the blueprint (imported once ``bp`` and the helpers above exist).
from . import chart_views, export_views, release_views, review  # noqa: E402, F401


def init_app(app) -> None:
    app.extensions["ikzsurvey.results_cache"] = ResultsCache()
    app.register_blueprint(bp)
