"""What a journey's pages show of its survey and segment, and the statements that read it.

The open link, the invitation and the journey under way are each read by one Core query
(built once, here) on the requests every respondent makes; what the journey's pages show is
made from its rows (:class:`Shown`) and kept per process for a moment (lookups.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import bindparam, select

from ..db import read_connection
from ..models import (
    Audience,
    Invitation,
    Municipality,
    OpenLink,
    Survey,
    SurveyQuestionSet,
    Wave,
)
from .faces import AudienceFace, MunicipalityFace, SurveyFace, frozen


@dataclass(frozen=True)
class Shown:
    """What a journey's pages show of its survey and segment, made from one row set of
    ``_OPEN_LINK`` or ``_JOURNEY`` (and kept with it, lookups.py)."""

    survey: SurveyFace
    #: The survey and the journey's wave are open.
    open: bool
    audience: AudienceFace
    municipality: MunicipalityFace
    pins: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, rows, survey_id: int, wave_open: bool) -> Shown:
        row = rows[0]
        fields = row._mapping
        return cls(
            survey=SurveyFace(id=survey_id, **{name: fields[name] for name in _FACE_FIELDS}),
            open=row.status == "open" and wave_open,
            audience=AudienceFace(key=row.audience_key, labels=row.audience_labels),
            municipality=MunicipalityFace(name=row.municipality_name),
            pins=tuple((r.question_set_id, r.version) for r in rows
                       if r.question_set_id is not None),
        )

    @cached_property
    def key(self) -> tuple:
        """Everything above, hashable (for ``kept.render_kept``)."""
        return (self.survey.key(), self.audience.key, frozen(self.audience.labels),
                self.municipality.name, self.pins)


_FACE_FIELDS = tuple(name for name in SurveyFace.COLUMNS if name != "id")


@dataclass(frozen=True)
class Link:
    """An open link: its segment, its survey's open wave (``None``: none is) and what
    the journey's pages show."""

    enabled: bool
    survey_id: int
    municipality_id: int
    audience_id: int
    wave_id: int | None
    shown: Shown


def _read_link(key: str) -> Link | None:
    rows = read_connection().execute(_OPEN_LINK, {"key": key}).all()
    if not rows:
        return None
    row = rows[0]
    return Link(row.enabled, row.survey_id, row.municipality_id, row.audience_id,
                row.wave_id, Shown.of(rows, row.survey_id, wave_open=row.wave_id is not None))


def _journey_key(survey_id: int, wave_id: int, audience_id: int, municipality_id: int):
    return ("journey", survey_id, wave_id, audience_id, municipality_id)


def _journey_of_link(link: Link | None):
    """What the link's rows also say about journeys it starts: the same as ``_JOURNEY``
    would read for them (so the first page after the welcome page needs no query)."""
    if link is not None and link.wave_id is not None:
        key = _journey_key(link.survey_id, link.wave_id, link.audience_id, link.municipality_id)
        yield key, link.shown


def _read_journey(ids: dict) -> Shown | None:
    """What the journey's pages show; ``None`` if its survey, wave or segment is gone."""
    rows = read_connection().execute(_JOURNEY, ids).all()
    if not rows:
        return None
    return Shown.of(rows, ids["survey_id"], wave_open=rows[0].wave_status == "open")


# Built once: the statements of the requests every respondent makes.
_INVITATION = (
    select(Invitation.id, Invitation.used, Invitation.wave_id, Invitation.municipality_id,
           Invitation.audience_id, Wave.survey_id, Wave.status.label("wave_status"),
           Survey.status.label("survey_status"))
    .join(Wave, Wave.id == Invitation.wave_id)
    .join(Survey, Survey.id == Wave.survey_id)
    .where(Invitation.token_hash == bindparam("token_hash"))
)
#: The wave respondents answer in: the survey's last open one (``Survey.current_wave``).
_OPEN_WAVE = (
    select(Wave.id)
    .where(Wave.survey_id == OpenLink.survey_id, Wave.status == "open")
    .order_by(Wave.number.desc())
    .limit(1)
    .scalar_subquery()
)
#: What a journey's pages show of the survey and the segment, and the pins (a row per pin).
_SHOWN = (
    Survey.status,
    *(getattr(Survey, name) for name in ("title", "welcome", "privacy", "controller",
                                          "dpo_contact", "notice", "min_group_size",
                                          "retain_until")),
    Audience.key.label("audience_key"),
    Audience.labels.label("audience_labels"),
    Municipality.name.label("municipality_name"),
    SurveyQuestionSet.question_set_id,
    SurveyQuestionSet.version,
)
#: The open link, its survey's open wave (if any) and what the welcome page shows.
_OPEN_LINK = (
    select(OpenLink.enabled, OpenLink.survey_id, OpenLink.municipality_id,
           OpenLink.audience_id, _OPEN_WAVE.label("wave_id"), *_SHOWN)
    .join(Survey, Survey.id == OpenLink.survey_id)
    .join(Audience, Audience.id == OpenLink.audience_id)
    .join(Municipality, Municipality.id == OpenLink.municipality_id)
    .outerjoin(SurveyQuestionSet, SurveyQuestionSet.survey_id == Survey.id)
    .where(OpenLink.key == bindparam("key"))
    .order_by(SurveyQuestionSet.position)
)
#: The journey's survey with its wave's status, the segment's names and the pins.
_JOURNEY = (
    select(Wave.status.label("wave_status"), *_SHOWN)
    .join(Wave, Wave.survey_id == Survey.id)
    .join(Audience, Audience.cooperation_id == Survey.cooperation_id)
    .join(Municipality, Municipality.cooperation_id == Survey.cooperation_id)
    .outerjoin(SurveyQuestionSet, SurveyQuestionSet.survey_id == Survey.id)
    .where(
        Survey.id == bindparam("survey_id"),
        Wave.id == bindparam("wave_id"),
        Audience.id == bindparam("audience_id"),
        Municipality.id == bindparam("municipality_id"),
    )
    .order_by(SurveyQuestionSet.position)
)
_FACE = select(*(getattr(Survey, name) for name in SurveyFace.COLUMNS)).where(
    Survey.id == bindparam("survey_id")
)


def _survey_face(survey_id: int | None) -> SurveyFace | None:
    """What a message page shows of a survey (its title), or ``None`` if it is gone."""
    if survey_id is None:
        return None
    row = read_connection().execute(_FACE, {"survey_id": survey_id}).one_or_none()
    return SurveyFace(**row._mapping) if row is not None else None
