"""A survey as respondents meet it: its pinned question sets, cut into pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from .plugins import Registry
from .questions import Question, QuestionSet
from .texts import Text


class SurveyUnavailable(LookupError):
    """A pinned question set is not provided by any loaded plugin."""


@dataclass(frozen=True)
class Page:
    """One page of the questionnaire: questions of one question set (and section)."""

    question_set: QuestionSet
    section: Text | None
    questions: tuple[Question, ...]
    first_of_set: bool


def registry() -> Registry:
    return current_app.extensions["ikzsurvey.registry"]


def pinned_question_sets(survey, audience_key: str | None = None) -> list[QuestionSet]:
    """The survey's question sets at their pinned versions, for one audience if given."""
    reg = registry()
    sets = []
    for pin in survey.question_sets:
        qs = reg.get(pin.question_set_id, pin.version)
        if qs is None:
            raise SurveyUnavailable(f"{pin.question_set_id}@{pin.version}")
        if audience_key is None or not qs.audiences or audience_key in qs.audiences:
            sets.append(qs)
    return sets


def pages_for(question_sets: list[QuestionSet]) -> list[Page]:
    """Cut question sets into pages: a new page for every set and every new section."""
    pages: list[Page] = []
    for qs in question_sets:
        current: list[Question] = []
        section = None
        first = True
        for question in qs.questions:
            if current and question.section != section:
                pages.append(Page(qs, section, tuple(current), first))
                current, first = [], False
            section = question.section
            current.append(question)
        if current:
            pages.append(Page(qs, section, tuple(current), first))
    return pages
