"""A respondent's way through a survey, kept in the server-side session only.

The session holds the segment, the invitation's row id or a random one-time key for an
open link, and the answers given so far (as posted). Nothing of it reaches the database
until the last page is submitted, and it is removed from the session then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import session

from ..models import random_id

KEY = "journey"
DONE_KEY = "submitted_survey"
TITLE_KEY = "submitted_title"


@dataclass
class Journey:
    survey_id: int
    wave_id: int
    municipality_id: int
    audience_id: int
    invitation_id: int | None = None
    receipt_key: str | None = None
    #: saved form data per page key ("<set id>/<page index>")
    answers: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: the furthest page (1-based) the respondent may open
    reached: int = 1

    @classmethod
    def start(cls, **segment) -> Journey:
        journey = cls(**segment)
        if journey.invitation_id is None:
            journey.receipt_key = random_id()
        return journey

    @classmethod
    def current(cls) -> Journey | None:
        data = session.get(KEY)
        if not isinstance(data, dict):
            return None
        try:
            return cls(**data)
        except TypeError:  # an old or foreign shape: start afresh
            session.pop(KEY, None)
            return None

    def save(self) -> None:
        session[KEY] = {
            "survey_id": self.survey_id,
            "wave_id": self.wave_id,
            "municipality_id": self.municipality_id,
            "audience_id": self.audience_id,
            "invitation_id": self.invitation_id,
            "receipt_key": self.receipt_key,
            "answers": self.answers,
            "reached": self.reached,
        }
        session.pop(DONE_KEY, None)
        session.pop(TITLE_KEY, None)

    def same_start(self, other: Journey) -> bool:
        """Whether ``other`` starts from the same link (then keep the answers so far)."""
        mine = (self.survey_id, self.wave_id, self.municipality_id, self.audience_id)
        theirs = (other.survey_id, other.wave_id, other.municipality_id, other.audience_id)
        return mine == theirs and self.invitation_id == other.invitation_id

    @staticmethod
    def finish(survey_id: int, title: dict | None = None) -> None:
        """Forget the journey; remember only that this browser just submitted a survey
        (and its title, for the thank-you page)."""
        session.pop(KEY, None)
        session[DONE_KEY] = survey_id
        session[TITLE_KEY] = title

    @staticmethod
    def just_submitted() -> int | None:
        return session.get(DONE_KEY)

    @staticmethod
    def submitted_title() -> dict | None:
        return session.get(TITLE_KEY)
