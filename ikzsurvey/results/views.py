"""The council dashboard, its charts and exports, the public summary, and the organizer's
publication and free-text review.

Who sees what (:class:`Scope`):

* an organizer (``admin``) of the survey's cooperation: every wave, also a running one,
  and the free-text review;
* a viewer of that cooperation: the published waves only (results of a running wave shown
  early would bias the answers still to come);
* anyone: the public summary of a wave the organizer made public — aggregates only, never
  free text, and only cells the viewers' results release as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..audit import audit
from ..auth import is_organizer, organizer_required, role_required
from ..db import db, write_transaction
from ..lru import LRU
from ..models import COMMENT_STATUSES, Comment, Invitation, Survey, Wave
from ..models import Response as StoredResponse
from ..surveys import registry
from ..texts import localize
from . import analysis, tables
from .analysis import Selection
from .service import SurveyResults, survey_results
from .suppression import ALL

bp = Blueprint("results", __name__)

REDACTION_MARK = "[…]"
COMMENTS_PER_PAGE = 25


@dataclass
class Scope:
    survey: Survey
    waves: list[Wave]
    organizer: bool = False
    public_wave: int | None = None  # the wave number of a public summary
    url_args: dict = field(default_factory=dict)

    @property
    def public(self) -> bool:
        return self.public_wave is not None


def _survey_or_404(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return survey


def scope_for(survey_id: int, public_wave: int | None) -> Scope:
    """Who may see what of the survey (see the module docs).

    A public summary is computed over the published waves — so it releases exactly what
    the viewers' results release — but shows its own wave only: no trends, no other wave.
    """
    if public_wave is None and not current_user.is_authenticated:
        from ..auth import login_manager

        abort(login_manager.unauthorized())
    survey = _survey_or_404(survey_id)
    if public_wave is not None:
        published = [w for w in survey.waves if w.published]
        wave = next((w for w in published if w.number == public_wave and w.public), None)
        if wave is None:
            abort(404)
        return Scope(survey, published, public_wave=public_wave,
                     url_args={"public_wave": public_wave})
    if current_user.cooperation_id != survey.cooperation_id:
        abort(404)  # another cooperation's survey does not exist for this account
    if current_user.role == "admin":
        return Scope(survey, list(survey.waves), organizer=True)
    return Scope(survey, [w for w in survey.waves if w.published])


CACHE_SIZE = 16


class ResultsCache(LRU[tuple, SurveyResults]):
    """A few recent results per application (so per database), least recently used out."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        super().__init__(size)


def _fingerprint(scope: Scope) -> tuple:
    """Everything results depend on: the survey's k and pins, the waves shown and their
    state, and how many responses and invitations exist (responses are only ever added,
    or deleted all at once). One cheap query."""
    survey = scope.survey
    responses, invitations = db.session.execute(
        select(
            select(func.count()).where(StoredResponse.survey_id == survey.id).scalar_subquery(),
            select(func.count())
            .select_from(Invitation)
            .join(Wave, Wave.id == Invitation.wave_id)
            .where(Wave.survey_id == survey.id)
            .scalar_subquery(),
        )
    ).one()
    return (
        survey.id,
        survey.min_group_size,
        tuple((p.question_set_id, p.version) for p in survey.question_sets),
        tuple(m.id for m in survey.municipalities),
        tuple(a.id for a in survey.audiences),
        tuple((w.id, w.status) for w in scope.waves),
        responses,
        invitations,
    )


def load(survey_id: int, public_wave: int | None, *, trend: bool = False):
    """Scope, filters and results of a request for a page or chart that needs results.

    404 when the caller sees no wave, or — for ``trend`` views — on a public summary, which
    shows one wave only.
    """
    scope = scope_for(survey_id, public_wave)
    selection = parse_selection(scope, request.args)
    if not scope.waves or (trend and scope.public):
        abort(404)
    return scope, selection, compute(scope)


def question_or_404(results: SurveyResults, set_id: str, question_id: str,
                    aggregations: tuple[str, ...]):
    result = results.question(set_id, question_id)
    if result is None or result.aggregation not in aggregations:
        abort(404)
    return result


def compute(scope: Scope) -> SurveyResults:
    """The scope's results; the dashboard and its charts share one computation per state
    of the data (a small cache per process, keyed by everything the results depend on)."""
    cache: ResultsCache = current_app.extensions["ikzsurvey.results_cache"]
    key = _fingerprint(scope)
    results = cache.get(key)
    if results is None:
        results = survey_results(scope.survey, registry(), waves=scope.waves)
        cache.put(key, results)
    return results


def parse_selection(scope: Scope, args) -> Selection:
    """The filters from the query string; unknown values are a 400 with a clear message."""
    survey = scope.survey

    names = {"wave": _("Wave"), "municipality": _("Municipality"), "audience": _("Group")}

    def pick(name, options):
        raw = args.get(name, "")
        if raw in ("", "all"):
            return ALL
        if raw not in options:
            abort(400, description=_("There is no such choice for the filter “%(filter)s”: "
                                     "%(value)s", filter=names[name], value=raw[:80]))
        return options[raw]

    wave = pick("wave", {str(w.number): w.id for w in scope.waves})
    if scope.public:
        wave = next(w.id for w in scope.waves if w.number == scope.public_wave)
    return Selection(
        municipality=pick("municipality", {str(m.id): m.id for m in survey.municipalities}),
        audience=pick("audience", {a.key: a.id for a in survey.audiences}),
        wave=wave,
    )


def selection_args(scope: Scope, selection: Selection) -> dict:
    """The query arguments that reproduce ``selection`` in a link."""
    survey = scope.survey
    args = {}
    if selection.municipality is not ALL:
        args["municipality"] = selection.municipality
    if selection.audience is not ALL:
        args["audience"] = next(a.key for a in survey.audiences if a.id == selection.audience)
    if selection.wave is not ALL and not scope.public:
        args["wave"] = next(w.number for w in scope.waves if w.id == selection.wave)
    return args


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
    if not scope.waves:
        return render_template("results/dashboard.html", scope=scope, results=None,
                               selection=selection)
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
    total: int  # released comments in the selection


def released_comments(
    scope: Scope, results: SurveyResults, selection: Selection,
    limit: int | None = COMMENTS_ON_DASHBOARD,
) -> dict:
    """Released free texts of the selection, per question — only where the free-text
    question's cell is released (at least max(k, 10) answers). Ordered by their random
    ids: shuffled, and never grouped by respondent. At most ``limit`` texts each."""
    shown = {}
    for result in results.questions:
        if result.aggregation != "text" or result.cells[selection.cell].suppressed:
            continue
        query = select(Comment).where(
            Comment.survey_id == scope.survey.id,
            Comment.question_set_id == result.question_set.id,
            Comment.question_id == result.question.id,
            Comment.status.in_(("released", "redacted")),
            Comment.wave_id.in_([w.id for w in scope.waves]),
        )
        if selection.municipality is not ALL:
            query = query.where(Comment.municipality_id == selection.municipality)
        if selection.audience is not ALL:
            query = query.where(Comment.audience_id == selection.audience)
        if selection.wave is not ALL:
            query = query.where(Comment.wave_id == selection.wave)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        texts = [
            c.shown_text for c in db.session.scalars(query.order_by(Comment.id).limit(limit))
        ]
        shown[result.key] = ShownComments(texts, total)
    return shown


# --- Charts (SVG, drawn by matplotlib; each has a data table beside it on its page) ---


def _svg(data: bytes) -> Response:
    response = Response(data, mimetype="image/svg+xml")
    # matplotlib writes an inline <style> element; an SVG shown through <img> runs no
    # script, so this relaxation is confined to the picture.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    return response  # Cache-Control: no-store, as every staff answer (ikzsurvey.errors)


def _format_number(value: float) -> str:
    return number(value)


@results_route("/charts/ipa/<set_id>-<level>.svg")
def ipa_chart(survey_id: int, set_id: str, level: str, public_wave: int | None):
    from .charts import ipa_chart as draw

    if level not in ("factors", "items"):
        abort(404)
    _scope, selection, results = load(survey_id, public_wave)
    view = next(
        (v for v in analysis.importance_performance(results, selection)
         if v.question_set.id == set_id),
        None,
    )
    if view is None:
        abort(404)
    points = view.factors if level == "factors" else view.items
    labelled = [
        (localize(p.label) if level == "factors" else str(i), p.performance, p.importance)
        for i, p in enumerate(points, start=1)
    ]
    return _svg(
        draw(
            labelled,
            x_label=_("Fulfilment (mean, 1–5)"),
            y_label=_("Importance (mean, 1–5)"),
            quadrant_labels=tuple(quadrant_names()[q] for q in analysis.QUADRANTS),
            scale=(1, view.scale),
            cross=view.cross,
            title=_("Importance and fulfilment"),
            empty_text=_("No results to show"),
        )
    )


@results_route("/charts/scores/<set_id>.svg")
def scores_chart(survey_id: int, set_id: str, public_wave: int | None):
    from .charts import trend_chart

    _scope, selection, results = load(survey_id, public_wave, trend=True)
    scores = results.scores_of(set_id)
    if not scores:
        abort(404)
    series = [
        (localize(s.label), [p.value for p in analysis.score_trend(results, s, selection)])
        for s in scores
    ]
    low = min((s.minimum for s in scores if s.minimum is not None), default=None)
    high = max((s.maximum for s in scores if s.maximum is not None), default=None)
    return _svg(
        trend_chart(
            [_("Wave %(number)d", number=w.number) for w in results.waves],
            series,
            y_label=_("Score"),
            y_range=(low, high) if low is not None and high is not None else None,
            title=_("Scores by wave"),
            format_number=_format_number,
            empty_text=_("No results to show"),
        )
    )


@results_route("/charts/questions/<set_id>/<question_id>.svg")
def question_chart(survey_id: int, set_id: str, question_id: str, public_wave: int | None):
    from .charts import distribution_chart

    scope, selection, results = load(survey_id, public_wave)
    result = question_or_404(results, set_id, question_id, ("ordinal", "nominal", "multiple"))
    options = option_labels(result)
    labels = _labels(scope)
    groups = [(_("Selection"), result.cells[selection.cell])]
    for m in results.dimensions[0]:
        groups.append((labels["municipality"][m], result.cells[selection.along(0, m)]))
    shares = [
        [_share(cell, key) for _label, cell in groups] for key, _text in options
    ]
    return _svg(
        distribution_chart(
            [text for _key, text in options],
            shares,
            [label for label, _cell in groups],
            title=localize(result.question.text),
            format_number=lambda v: number(v, 1) + " %",
            x_label=_("Share of answers in %"),
            empty_text=_("No results to show"),
        )
    )


@results_route("/charts/trends/<set_id>/<question_id>.svg")
def trend_chart_view(survey_id: int, set_id: str, question_id: str, public_wave: int | None):
    from .charts import trend_chart

    scope, selection, results = load(survey_id, public_wave, trend=True)
    result = question_or_404(results, set_id, question_id, ("ordinal", "numeric"))
    series = [
        (label, [p.value for p in points])
        for label, points in _trends(results, result, selection, _labels(scope))
    ]
    scale = getattr(result.question, "scale", None)
    return _svg(
        trend_chart(
            [_("Wave %(number)d", number=w.number) for w in results.waves],
            series,
            y_label=_("Mean"),
            y_range=(1, scale) if scale else None,
            title=localize(result.question.text),
            format_number=_format_number,
            empty_text=_("No results to show"),
        )
    )


def option_labels(result) -> list[tuple[str, str]]:
    """(value key, label) of every answer option of a choice or Likert question."""
    q = result.question
    if hasattr(q, "options") and q.options:
        return [(key, localize(label)) for key, label in q.options]
    if hasattr(q, "scale"):
        labels = list(getattr(q, "labels", None) or [])
        return [
            (str(point), localize(labels[point - 1]) if len(labels) == q.scale else str(point))
            for point in range(1, q.scale + 1)
        ]
    return []


def _share(cell, key):
    if cell.suppressed or not cell.n:
        return None
    return round(100 * (cell.counts or {}).get(key, 0) / cell.n, 1)


# --- Exports --------------------------------------------------------------------------


def _export_rows(scope: Scope):
    try:
        by = tables.parse_by(request.args.get("by"))
    except tables.BadRequest as exc:
        abort(400, description=str(exc))
    selection = parse_selection(scope, request.args)
    results = compute(scope)
    cells = tables.cells_for(results, by, selection.wave)
    labels = tables.Labels.of(scope.survey)
    text = localize
    summary = list(tables.question_rows(results, cells, labels, text))
    summary += list(tables.score_rows(results, cells, labels, text))
    responses = list(tables.response_rows(results, cells, labels))
    return summary, responses


def _filename(scope: Scope, ext: str) -> str:
    return f"ikzsurvey-{scope.survey.id}-results.{ext}"


@results_route("/export.csv")
def export_csv(survey_id: int, public_wave: int | None):
    scope = scope_for(survey_id, public_wave)
    if not scope.waves:
        abort(404)
    summary, _responses = _export_rows(scope)
    _audit(scope, "export.csv")
    return Response(
        "\ufeff" + tables.to_csv(tables.summary_table(summary)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename(scope, "csv")}"'},
    )


@results_route("/export.xlsx")
def export_xlsx(survey_id: int, public_wave: int | None):
    scope = scope_for(survey_id, public_wave)
    if not scope.waves:
        abort(404)
    summary, responses = _export_rows(scope)
    _audit(scope, "export.xlsx")
    data = tables.to_xlsx(
        {
            _("Results"): tables.summary_table(summary),
            _("Responses"): tables.response_table(responses),
        }
    )
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_filename(scope, "xlsx")}"'},
    )


def _audit(scope: Scope, action: str) -> None:
    """Record an export by a signed-in account or token (public downloads are anonymous
    and not recorded); nothing about respondents is ever part of it."""
    if scope.public:
        return
    args = ", ".join(f"{k}={v}" for k, v in sorted(request.args.items()) if k != "lang")
    audit(scope.survey.cooperation_id, action,
          f"{scope.survey.title.get('de', '')}{' (' + args + ')' if args else ''}",
          summarise=True)  # a script polling the API must not bury everything else


@bp.route("/results/<int:survey_id>/raw.csv")
@organizer_required
def raw_export(survey_id: int):
    """One row per response — segment and answers, no id, no date, no free text — for
    segments of at least k responses only, in random order."""
    from .raw import raw_table

    scope = scope_for(survey_id, None)
    table = raw_table(scope.survey, registry())
    _audit(scope, "export.raw")
    return Response(
        "\ufeff" + tables.to_csv(table),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="ikzsurvey-{survey_id}-responses.csv"'
        },
    )


# --- Organizer: publication and free-text review --------------------------------------


def _organizer_scope(survey_id: int) -> Scope:
    scope = scope_for(survey_id, None)
    if not scope.organizer:
        abort(403)
    return scope


@bp.route("/results/<int:survey_id>/waves/<int:number>/<action>", methods=["POST"])
@organizer_required
def publish(survey_id: int, number: int, action: str):
    scope = _organizer_scope(survey_id)
    wave = next((w for w in scope.waves if w.number == number), None)
    if wave is None or action not in ("publish", "unpublish", "make-public", "withdraw-public"):
        abort(404)
    if action in ("publish", "make-public") and wave.status != "closed":
        flash(_("Results of wave %(number)d can be published once the wave is closed.",
                number=number), "error")
        return redirect(url_for("results.dashboard", survey_id=survey_id))
    with write_transaction():
        wave = db.session.get(Wave, wave.id)
        if action == "publish":
            wave.published = True
        elif action == "unpublish":
            wave.published = wave.public = False
        elif action == "make-public":
            wave.published = wave.public = True
        else:
            wave.public = False
    messages = {
        "publish": _("Wave %(number)d is now visible to the council viewers.", number=number),
        "unpublish": _("Wave %(number)d is hidden from viewers again.", number=number),
        "make-public": _("The public summary of wave %(number)d is online.", number=number),
        "withdraw-public": _("The public summary of wave %(number)d is withdrawn.",
                             number=number),
    }
    audit(scope.survey.cooperation_id, f"wave.{action}",
          f"{scope.survey.title.get('de', '')}, wave {number}")
    flash(messages[action], "success")
    return redirect(url_for("results.dashboard", survey_id=survey_id))


@bp.route("/results/<int:survey_id>/comments")
@organizer_required
def comments(survey_id: int):
    scope = _organizer_scope(survey_id)
    status = request.args.get("status", "pending")
    if status not in COMMENT_STATUSES:
        abort(400, description=_("Unknown status: %(value)s", value=status))
    asked = request.args.get("page", "1")
    base = select(Comment).where(Comment.survey_id == survey_id, Comment.status == status)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    pages = max(1, -(-total // COMMENTS_PER_PAGE))
    # ASCII digits only ("²".isdigit() is true), and a page that exists: no offset past
    # what the database can count.
    if not (asked.isascii() and asked.isdigit()) or not 1 <= int(asked) <= pages:
        abort(400, description=_("There is no page %(value)s; the list has %(pages)d.",
                                 value=asked[:20], pages=pages))
    page = int(asked)
    rows = db.session.scalars(
        base.order_by(Comment.id).limit(COMMENTS_PER_PAGE).offset((page - 1) * COMMENTS_PER_PAGE)
    ).all()
    counts = dict(
        db.session.execute(
            select(Comment.status, func.count())
            .where(Comment.survey_id == survey_id)
            .group_by(Comment.status)
        ).all()
    )
    questions = {}
    for result_set in _question_sets(scope.survey):
        for q in result_set.questions:
            questions[(result_set.id, q.id)] = q
    return render_template(
        "results/comments.html",
        scope=scope,
        rows=rows,
        status=status,
        page=page,
        pages=pages,
        counts=counts,
        questions=questions,
        statuses=COMMENT_STATUSES,
        redaction_mark=REDACTION_MARK,
    )


def _question_sets(survey):
    from ..surveys import pinned_question_sets

    return pinned_question_sets(survey)


@bp.route("/results/<int:survey_id>/comments/<comment_id>", methods=["POST"])
@organizer_required
def review_comment(survey_id: int, comment_id: str):
    _organizer_scope(survey_id)
    action = request.form.get("action")
    back = url_for(
        "results.comments", survey_id=survey_id,
        status=request.form.get("status", "pending")
        if request.form.get("status") in COMMENT_STATUSES else "pending",
    )
    with write_transaction():
        comment = db.session.get(Comment, comment_id)
        if comment is None or comment.survey_id != survey_id:
            abort(404)
        if action == "release":
            comment.status, comment.redacted_text = "released", None
        elif action == "withhold":
            comment.status, comment.redacted_text = "withheld", None
        elif action == "redact":
            redacted = (request.form.get("redacted_text") or "").strip()
            if not redacted or len(redacted) > len(comment.text) + 200:
                flash(_("Please enter the text as it should be shown, with names replaced "
                        "by %(mark)s.", mark=REDACTION_MARK), "error")
                return redirect(back)
            comment.status, comment.redacted_text = "redacted", redacted
        elif action == "pending":
            comment.status, comment.redacted_text = "pending", None
        else:
            abort(400, description=_("Unknown action: %(value)s", value=action or ""))
    flash(_("The answer is saved as: %(status)s.", status=status_label(comment.status)),
          "success")
    return redirect(back)


def status_label(status: str) -> str:
    return {
        "pending": _("waiting for review"),
        "released": _("released"),
        "redacted": _("released with names replaced"),
        "withheld": _("withheld"),
    }[status]


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
        "comment_status_label": status_label,
        "option_labels": option_labels,
        "quadrant_names": _LazyQuadrants(),
    }


class _LazyQuadrants:
    """Quadrant names translated when a template looks one up."""

    def __getitem__(self, key: str) -> str:
        return quadrant_names()[key]


def init_app(app) -> None:
    app.extensions["ikzsurvey.results_cache"] = ResultsCache()
    app.register_blueprint(bp)
