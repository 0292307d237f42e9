"""What organizers see of a running wave: its participation, counted on one day.

An organizer who could watch the live number of responses or used invitations per segment
would learn, by polling, when each response arrived and in which segment — and with the
results or free text of the same moment, what it said (docs/privacy.md, "A running wave").
So a running wave's responses and used invitations per segment are counted at the first
look and kept as a :class:`~ikzsurvey.models.ParticipationSnapshot` with the *date* it was
taken; they are counted again at the first look at least :data:`SNAPSHOT_DAYS` calendar
days later. Every look in between shows the same numbers. Rounding was rejected: the moment
a rounded count changes tells when one person answered, just as the exact count does.

A closed wave's counts no longer change and are shown as they are. The snapshots of a wave
are deleted when it closes (:func:`forget_snapshots`, called by :mod:`ikzsurvey.forgetting`
before the tables are compacted). How many invitations were issued stays live: that
depends on the organizer, not on the respondents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from .db import db, write_transaction
from .models import Invitation, ParticipationSnapshot, Response, Survey, Wave

#: A running wave's participation is counted again this many calendar days after the last
#: count, at the earliest.
SNAPSHOT_DAYS = 2

Segment = tuple[int, int]  # (municipality id, audience id)


def today() -> dt.date:
    """The day of a count (tests replace it)."""
    return dt.date.today()


@dataclass(frozen=True)
class Participation:
    """One wave's responses and used invitations per segment; ``taken_on`` is the day they
    were counted for a running wave, ``None`` for a closed wave (final counts)."""

    responses: dict[Segment, int] = field(default_factory=dict)
    used: dict[Segment, int] = field(default_factory=dict)
    taken_on: dt.date | None = None

    @property
    def total(self) -> int:
        return sum(self.responses.values())

    @classmethod
    def of(cls, counts: list[list[int]], taken_on: dt.date | None) -> Participation:
        return cls({(m, a): n for m, a, n, _used in counts if n},
                   {(m, a): used for m, a, _n, used in counts if used}, taken_on)


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


def _due(snapshot: ParticipationSnapshot | None, day: dt.date) -> bool:
    return snapshot is None or day >= snapshot.taken_on + dt.timedelta(days=SNAPSHOT_DAYS)


def _stored(wave_id: int) -> ParticipationSnapshot | None:
    return db.session.scalar(
        select(ParticipationSnapshot).where(ParticipationSnapshot.wave_id == wave_id))


def snapshot(wave: Wave, take: bool = True) -> Participation:
    """A running wave's participation as of its snapshot's day — counted now if there is
    none yet or the last one is :data:`SNAPSHOT_DAYS` days old (unless not ``take``: then
    the stored one, or nothing); a closed wave's counts."""
    if wave.status != "open":
        return Participation.of(count(wave.id), None)
    day = today()
    stored = _stored(wave.id)
    if not take and stored is None:
        return Participation()
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
    return Participation.of(stored.counts, stored.taken_on)


def survey_participation(survey: Survey, take: bool = True) -> dict[int, Participation]:
    """Every wave's participation (wave id → :class:`Participation`)."""
    return {w.id: snapshot(w, take) for w in survey.waves}


def shown_responses(survey: Survey, take: bool = True) -> int:
    """The survey's responses as organizers may see them: closed waves as they are, a
    running wave as of its snapshot."""
    return sum(p.total for p in survey_participation(survey, take).values())


def forget_snapshots(wave_ids: list[int]) -> None:
    """Delete the snapshots of waves that closed (before the tables are compacted)."""
    if not wave_ids:
        return
    with write_transaction() as session:
        session.execute(delete(ParticipationSnapshot)
                        .where(ParticipationSnapshot.wave_id.in_(wave_ids)))
