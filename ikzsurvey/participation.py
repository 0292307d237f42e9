"""What organizers see of a survey's participation: nothing the audit does not know of.

Participation — responses and used invitations per wave and segment — is shown on the
survey page (and its total on the page that deletes a survey). Exact counts per segment
would give an organizer the size of every group of 1 … k−1, and with the released tables
what its members answered (docs/privacy.md, "A running wave"). So:

* **A closed wave** shows what the organizers' release shows
  (:func:`.results.scope.organizer_results`, checked by the joint audit): the wave's
  responses are the release's cell (all, all, wave), a segment's its cell (m, a, wave),
  hidden where the release hides them; used invitations only beside responses the release
  shows (without an open link they are the same number). Until a release over the wave is
  ready, the page says so instead of numbers.
* **A running wave** is counted at the first look and kept as a
  :class:`~ikzsurvey.models.ParticipationSnapshot` with the *date* it was taken; it is
  counted again at the first look at least :data:`SNAPSHOT_DAYS` calendar days later, and
  every look in between shows the same. Of the counts, a look shows only
  :func:`.results.participation_knowledge.running_view`: per segment whether it has *k* or
  more responses, and the wave's total where that pins no small group — the knowledge the
  audit assumes an organizer has of the final counts. Rounding was rejected: the moment a
  rounded count changes tells when one person answered, just as the exact count does.
* **A running wave cut by an interim release** (:mod:`.results.interim`) shows what that
  release shows of it, like a closed wave, and is not counted again until it closes: the
  audit of later releases knows of it only what it assumed at the cut.
* **Issued invitations** are exact and live: they depend on the organizer alone, and the
  audit takes them as public.

The snapshots of a wave are deleted when it closes (:func:`forget_snapshots`, called by
:mod:`ikzsurvey.forgetting` before the tables are compacted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from .db import db, write_transaction
from .models import Invitation, ParticipationSnapshot, Response, Survey, Wave
from .results import releases
from .results.participation_knowledge import running_view
from .results.scope import organizer_results
from .results.suppression import ALL

#: A running wave's participation is counted again this many calendar days after the last
#: count, at the earliest.
SNAPSHOT_DAYS = 2

Segment = tuple[int, int]  # (municipality id, audience id)


def today() -> dt.date:
    """The day of a count (tests replace it)."""
    return dt.date.today()


@dataclass(frozen=True)
class WaveParticipation:
    """One wave's participation as organizers see it.

    ``state`` is ``"running"`` (as of the snapshot of ``taken_on``: ``large`` and
    ``total``), ``"released"`` (``total``, ``responses`` and ``used`` from the release,
    ``None`` where hidden), ``"preparing"`` (its release is being computed) or
    ``"unreleased"`` (no release is being computed: it failed, or was never asked for).
    ``issued`` is exact in every state.
    """

    state: str
    issued: dict[Segment, int] = field(default_factory=dict)
    total: int | None = None
    taken_on: dt.date | None = None
    #: A running wave's segments with k or more responses (the others: fewer, or none).
    large: frozenset[Segment] = frozenset()
    responses: dict[Segment, int | None] = field(default_factory=dict)
    used: dict[Segment, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class SurveyParticipation:
    waves: dict[int, WaveParticipation]  # wave id → its participation
    #: Every wave's responses together, where each part is shown (else ``None``).
    total: int | None


def count(wave_id: int) -> list[list[int]]:
    """``[[municipality, audience, responses, used invitations], …]`` of a wave, sorted."""
    segments: dict[Segment, list[int]] = {}
    responses = db.session.execute(
        select(Response.municipality_id, Response.audience_id, func.count())
        .where(Response.wave_id == wave_id)
        .group_by(Response.municipality_id, Response.audience_id))
    for m, a, n in responses:
        segments.setdefault((m, a), [0, 0])[0] = n
    used = db.session.execute(
        select(Invitation.municipality_id, Invitation.audience_id, func.count())
        .where(Invitation.wave_id == wave_id, Invitation.used.is_(True))
        .group_by(Invitation.municipality_id, Invitation.audience_id))
    for m, a, n in used:
        segments.setdefault((m, a), [0, 0])[1] = n
    return [[m, a, n, u] for (m, a), (n, u) in sorted(segments.items())]


def _invitations(survey: Survey) -> dict[int, dict[Segment, tuple[int, int]]]:
    """wave id → segment → (invitations issued, used)."""
    found: dict[int, dict[Segment, tuple[int, int]]] = {}
    for w, m, a, issued, used in db.session.execute(
        select(Invitation.wave_id, Invitation.municipality_id, Invitation.audience_id,
               func.count(), func.count().filter(Invitation.used))
        .join(Wave, Wave.id == Invitation.wave_id)
        .where(Wave.survey_id == survey.id)
        .group_by(Invitation.wave_id, Invitation.municipality_id, Invitation.audience_id)
    ):
        found.setdefault(w, {})[(m, a)] = (issued, used)
    return found


def _due(snapshot: ParticipationSnapshot | None, day: dt.date) -> bool:
    return snapshot is None or day >= snapshot.taken_on + dt.timedelta(days=SNAPSHOT_DAYS)


def _stored(wave_id: int) -> ParticipationSnapshot | None:
    return db.session.scalar(
        select(ParticipationSnapshot).where(ParticipationSnapshot.wave_id == wave_id))


def snapshot(wave: Wave, take: bool = True) -> ParticipationSnapshot | None:
    """A running wave's snapshot — counted now if there is none yet or the last one is
    :data:`SNAPSHOT_DAYS` days old (unless not ``take``: then the stored one, or none)."""
    day = today()
    stored = _stored(wave.id)
    if take and _due(stored, day):
        try:
            with write_transaction() as session:
                stored = session.scalar(select(ParticipationSnapshot)
                                        .where(ParticipationSnapshot.wave_id == wave.id))
                if _due(stored, day):  # not counted meanwhile by a concurrent look
                    if stored is None:
                        stored = ParticipationSnapshot(survey_id=wave.survey_id,
                                                       wave_id=wave.id)
                        session.add(stored)
                    stored.counts, stored.taken_on = count(wave.id), day
        except IntegrityError:  # another look inserted the first snapshot at the same time
            db.session.rollback()
            stored = _stored(wave.id)
    return stored


def _running(survey: Survey, wave: Wave, segments: list[Segment],
             invitations: dict[Segment, tuple[int, int]], take: bool) -> WaveParticipation:
    issued = {s: n for s, (n, _used) in invitations.items()}
    stored = snapshot(wave, take)
    if stored is None:
        return WaveParticipation("running", issued)
    responses = {(m, a): n for m, a, n, _used in stored.counts}
    view = running_view(responses, issued, releases.open_link_segments(survey.id), segments,
                        survey.min_group_size)
    return WaveParticipation("running", issued, view.total, stored.taken_on, view.large)


def survey_participation(survey: Survey, take: bool = True) -> SurveyParticipation:
    """Every wave's participation as organizers see it (see the module docs)."""
    segments = [(m.id, a.id) for m in survey.municipalities for a in survey.audiences]
    invitations = _invitations(survey)
    release, results = organizer_results(survey)
    preparing = {w for r in releases.pending(survey) if r.status in ("queued", "running")
                 for w in r.wave_ids}
    cut = releases.cut_waves(survey)
    waves: dict[int, WaveParticipation] = {}
    for wave in survey.waves:
        of_wave = invitations.get(wave.id, {})
        issued = {s: n for s, (n, _used) in of_wave.items()}
        if wave.status == "open" and wave.id not in cut:
            waves[wave.id] = _running(survey, wave, segments, of_wave, take)
        elif release is not None and wave.id in release.wave_ids:
            responses = {(m, a): results.responses.get((m, a, wave.id)) for m, a in segments}
            used = {s: of_wave.get(s, (0, 0))[1] if responses[s] is not None else None
                    for s in segments}
            waves[wave.id] = WaveParticipation(
                "released", issued, results.responses.get((ALL, ALL, wave.id)),
                responses=responses, used=used)
        else:
            waves[wave.id] = WaveParticipation(
                "preparing" if wave.id in preparing else "unreleased", issued)
    return SurveyParticipation(waves, _total(survey, waves, release, results))


def _total(survey: Survey, waves: dict[int, WaveParticipation], release, results) -> int | None:
    """The survey's responses, from shown figures only: the release's total of the waves
    it covers (or the sum of their shown totals) and a running wave's shown total."""
    if any(p.state in ("preparing", "unreleased") for p in waves.values()):
        return None
    parts = []
    released = [w for w, p in waves.items() if p.state == "released"]
    if released:
        total = (results.responses.get((ALL, ALL, ALL))
                 if set(released) == set(release.wave_ids) else None)
        if total is None and all(waves[w].total is not None for w in released):
            total = sum(waves[w].total for w in released)
        parts.append(total)
    parts.extend(p.total for p in waves.values() if p.state == "running")
    return None if None in parts else sum(parts)


def forget_snapshots(wave_ids: list[int]) -> None:
    """Delete the snapshots of waves that closed (before the tables are compacted)."""
    if not wave_ids:
        return
    with write_transaction() as session:
        session.execute(delete(ParticipationSnapshot)
                        .where(ParticipationSnapshot.wave_id.in_(wave_ids)))
