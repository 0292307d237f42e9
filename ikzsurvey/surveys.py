"""A survey as respondents meet it: its pinned question sets, cut into pages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

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

    @cached_property
    def key(self) -> tuple:
        """What sets the page's fields: its question set version and its questions."""
        qs = self.question_set
        return (qs.id, qs.version, tuple(q.id for q in self.questions))


def registry() -> Registry:
    return current_app.extensions["ikzsurvey.registry"]


def pinned_question_sets(survey, audience_key: str | None = None) -> list[QuestionSet]:
    """The survey's question sets at their pinned versions, for one audience if given."""
    pins = tuple((pin.question_set_id, pin.version) for pin in survey.question_sets)
    return _sets_for(registry(), pins, audience_key)


def _sets_for(reg: Registry, pins, audience_key: str | None) -> list[QuestionSet]:
    sets = []
    for set_id, version in pins:
        qs = reg.get(set_id, version)
        if qs is None:
            raise SurveyUnavailable(f"{set_id}@{version}")
        if audience_key is None or not qs.audiences or audience_key in qs.audiences:
            sets.append(qs)
    return sets


def survey_pages(pins: tuple[tuple[str, int], ...], audience_key: str) -> tuple[Page, ...]:
    """The pages one audience answers for these pins (``(set id, version)`` in order).

    Pinned versions never change, so the pages are built once per process and kept in
    the registry; the pins themselves are read from the database on every request.
    """
    reg = registry()
    key = (pins, audience_key)
    pages = reg.page_cache.get(key)
    if pages is None:
        pages = reg.page_cache[key] = tuple(pages_for(_sets_for(reg, pins, audience_key)))
    return pages


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
