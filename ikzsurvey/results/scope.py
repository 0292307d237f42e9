"""Who sees which results of a survey (:class:`Scope`), the filters of a request, and the
results themselves, computed once per state of the data (a small cache per process).

Who sees what:

* an organizer (``admin``) of the survey's cooperation: every closed wave, and the
  free-text review of closed waves;
* a viewer of that cooperation: the published waves only (results of a running wave shown
  early would bias the answers still to come);

a running wave's results, for nobody: polled during a wave, any number that changes with
one response tells when that response came, and with it what it said (docs/privacy.md,
"A running wave"). What organizers see of a running wave is :mod:`ikzsurvey.participation`.
* anyone: the public summary of a wave the organizer made public — aggregates only, never
  free text, and only cells the viewers' results release as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import (
    abort,
    current_app,
    request,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..db import db
from ..lru import LRU
from ..models import Invitation, Survey, Wave
from ..models import Response as StoredResponse
from ..surveys import registry
from .analysis import Selection
from .service import SurveyResults, survey_results
from .suppression import ALL


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
        return Scope(survey, closed_waves(survey), organizer=True)
    return Scope(survey, [w for w in closed_waves(survey) if w.published])


def closed_waves(survey: Survey) -> list[Wave]:
    """The waves whose results anyone may see: the closed ones (the module docs)."""
    return [w for w in survey.waves if w.status == "closed"]


CACHE_SIZE = 16


class ResultsCache(LRU[tuple, SurveyResults]):
    """A few recent results per application (so per database), least recently used out."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        super().__init__(size)


def _fingerprint(scope: Scope) -> tuple:
    """Everything results depend on: the survey's k and pins, the waves shown and their
    state, and how many responses and invitations the shown waves have (responses are only
    ever added, or deleted all at once). One cheap query. Only the shown (closed) waves
    count: a key that changed with a running wave's responses would make the time a page
    takes tell when one arrived."""
    survey = scope.survey
    shown = [w.id for w in scope.waves]
    responses, invitations = db.session.execute(
        select(
            select(func.count())
            .where(StoredResponse.survey_id == survey.id, StoredResponse.wave_id.in_(shown))
            .scalar_subquery(),
            select(func.count())
            .select_from(Invitation)
            .where(Invitation.wave_id.in_(shown))
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
