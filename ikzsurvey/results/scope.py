"""Who sees which results of a survey (:class:`Scope`), the filters of a request, and the
results themselves: read from a stored release (:mod:`.releases`), never from the answers.

Who sees what — each reader the newest ready release over waves they may see:

* an organizer (``admin``) of the survey's cooperation: the closed waves (and running ones
  as far as an interim release cut them), and the free-text review of what the release of
  closed waves shows (:func:`review_scope`);
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
from ..db import db
from ..lru import LRU
from ..models import Release, Survey, Wave
from . import releases
from .analysis import Selection
from .service import SurveyResults
from .suppression import ALL


@dataclass
class Scope:
    survey: Survey
    #: The waves the reader sees: those of :attr:`release` (none without one).
    waves: list[Wave]
    organizer: bool = False
    public_wave: int | None = None  # the wave number of a public summary
    url_args: dict = field(default_factory=dict)
    #: The stored release every number comes from (:mod:`.releases`).
    release: Release | None = None

    @property
    def public(self) -> bool:
        return self.public_wave is not None


def _survey_or_404(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return survey


def _released(survey: Survey, allowed: list[Wave], *, interim: bool = False,
              **kwargs) -> Scope:
    """The scope of the newest ready release over ``allowed`` waves; interim releases
    (organizers only) with ``interim``."""
    release = releases.current(survey, allowed, interim=interim)
    shown = set(release.wave_ids) if release is not None else set()
    return Scope(survey, [w for w in survey.waves if w.id in shown], release=release, **kwargs)


def scope_for(survey_id: int, public_wave: int | None) -> Scope:
    """Who may see what of the survey (see the module docs), and the release they read.

    A public summary reads the viewers' release — so it releases exactly what the viewers'
    results release — but shows its own wave only: no trends, no other wave.
    """
    if public_wave is None and not current_user.is_authenticated:
        from ..auth import login_manager

        abort(login_manager.unauthorized())
    survey = _survey_or_404(survey_id)
    if public_wave is not None:
        scope = _released(survey, published_waves(survey), public_wave=public_wave,
                          url_args={"public_wave": public_wave})
        if not any(w.number == public_wave and w.public for w in scope.waves):
            abort(404)
        return scope
    if current_user.cooperation_id != survey.cooperation_id:
        abort(404)  # another cooperation's survey does not exist for this account
    if current_user.role == "admin":
        return _released(survey, organizer_waves(survey), interim=True, organizer=True)
    return _released(survey, published_waves(survey))


def organizer_scope(survey_id: int) -> Scope:
    """:func:`scope_for` for a page or action of organizers only: 403 for others."""
    scope = scope_for(survey_id, None)
    if not scope.organizer:
        abort(403)
    return scope


def review_scope(survey_id: int) -> Scope:
    """The organizers' release of closed waves, whose free text they review, even while an
    interim release is current (an interim release shows no free text); 403 for others."""
    scope = organizer_scope(survey_id)
    return _released(scope.survey, closed_waves(scope.survey), organizer=True)


def closed_waves(survey: Survey) -> list[Wave]:
    """The waves whose results anyone may see: the closed ones (the module docs)."""
    return [w for w in survey.waves if w.status == "closed"]


def organizer_waves(survey: Survey) -> list[Wave]:
    """The waves organizers may see results of: the closed ones, and running ones as far
    as an interim release cut them (:mod:`.interim`)."""
    return [w for w in survey.waves if w.status in ("closed", "open")]


def published_waves(survey: Survey) -> list[Wave]:
    return [w for w in closed_waves(survey) if w.published]


CACHE_SIZE = 16


class ResultsCache(LRU[tuple, SurveyResults]):
    """A few recently read releases per application (so per database), least recently used
    out. A release never changes, so its id is the key."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        super().__init__(size)


def load(survey_id: int, public_wave: int | None, *, trend: bool = False):
    """Scope, filters and results of a request for a page or chart that needs results.

    404 when the caller sees no release, or — for ``trend`` views — on a public summary,
    which shows one wave only.
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
    """The results of the scope's release, read from storage once per process (a small
    cache: the dashboard and its charts share them)."""
    if scope.release is None:
        abort(404)
    return _read(scope.release, scope.survey)


def _read(release: Release, survey: Survey) -> SurveyResults:
    cache: ResultsCache = current_app.extensions["ikzsurvey.results_cache"]
    key = (release.id,)
    results = cache.get(key)
    if results is None:
        results = releases.load(release, survey)
        cache.put(key, results)
    return results


def organizer_results(survey: Survey) -> tuple[Release | None, SurveyResults | None]:
    """The organizers' release (over the most closed waves, or an interim one) and its
    results — what the survey page shows of closed and cut waves' participation
    (:mod:`ikzsurvey.participation`)."""
    release = releases.current(survey, organizer_waves(survey), interim=True)
    return release, None if release is None else _read(release, survey)


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
