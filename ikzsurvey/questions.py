"""Question sets and questions: plain, immutable data that plugins return.

Plugins import these through :mod:`ikzsurvey.plugin_api`. Nothing here touches Flask, the
database or forms; :mod:`ikzsurvey.kinds` gives each kind of question its behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from .texts import Text

ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$")
PHASES = ("initiation", "implementation", "consolidation")


class DefinitionError(ValueError):
    """A question set, question or kind is malformed.

    Raised at start-up, never at answer time. ``source`` names the plugin or TOML file,
    ``question_set`` the set (``id@version`` where known) and ``field`` the offending field
    (``questions[3].options`` and the like).
    """

    def __init__(
        self,
        reason: str,
        *,
        field: str = "",
        question_set: str = "",
        source: str = "",
    ) -> None:
        self.reason = reason
        self.field = field
        self.question_set = question_set
        self.source = source
        super().__init__(str(self))

    def located(self, **where: str) -> DefinitionError:
        """A copy with missing location parts filled in."""
        return DefinitionError(
            self.reason,
            field=self.field or where.get("field", ""),
            question_set=self.question_set or where.get("question_set", ""),
            source=self.source or where.get("source", ""),
        )

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(f"plugin or file {self.source!r}")
        if self.question_set:
            where.append(f"question set {self.question_set!r}")
        if self.field:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.reason}" if prefix else self.reason


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, tuple):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True, kw_only=True)
class Question:
    """Base of every question. Subclasses set ``kind`` to the name of their QuestionKind.

    :param id: unique within its question set; lower case letters, digits, ``-`` and ``_``.
    :param text: the question as shown to respondents.
    :param required: every question must be answered unless ``required=False``.
    :param help: an optional hint shown under the question.
    :param section: questions that share a section are shown on one page, under it as
        heading; a new section starts a new page.
    :param dimension: what the question measures (used to group results and scores).
    :param facet: which aspect of its dimension it asks about (e.g. ``importance`` or
        ``performance`` for the importance–performance view).
    """

    kind: ClassVar[str] = ""

    id: str
    text: Text
    required: bool = True
    help: Text | None = None
    section: Text | None = None
    dimension: str | None = None
    facet: str | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            frozen = _freeze(value)
            if frozen is not value:
                object.__setattr__(self, f.name, frozen)


@dataclass(frozen=True, kw_only=True)
class Likert(Question):
    """A rating on an ordered scale, stored as 1…``scale``.

    :param scale: number of points, 2 to 11 (default 5).
    :param labels: one label per point, lowest first; default agreement labels for 4, 5
        and 7 points, otherwise the numbers with ``anchors`` at both ends.
    :param anchors: labels for the lowest and highest point when ``labels`` is not given.
    :param dont_know: offer "don't know" in addition to the scale (stored apart from it).
    """

    kind: ClassVar[str] = "likert"

    scale: int = 5
    labels: Sequence[Text] | None = None
    anchors: tuple[Text, Text] | None = None
    dont_know: bool = False


@dataclass(frozen=True, kw_only=True)
class SingleChoice(Question):
    """One option out of several: ``options`` is a sequence of ``(key, label)``."""

    kind: ClassVar[str] = "single_choice"

    options: Sequence[tuple[str, Text]] = ()


@dataclass(frozen=True, kw_only=True)
class MultipleChoice(Question):
    """Any number of options, at most ``max_choices`` (``None``: no limit)."""

    kind: ClassVar[str] = "multiple_choice"

    options: Sequence[tuple[str, Text]] = ()
    max_choices: int | None = None


@dataclass(frozen=True, kw_only=True)
class FreeText(Question):
    """Text in the respondent's own words, at most ``max_length`` characters."""

    kind: ClassVar[str] = "free_text"

    max_length: int = 2000


@dataclass(frozen=True, kw_only=True)
class Number(Question):
    """A whole number between ``min`` and ``max`` (both inclusive, both optional).

    Results show it in ranges only: ``bins`` are the lower edges of every range but the
    first (``bins=(5, 10, 20)``: "< 5", "5–9", "10–19", "≥ 20"), strictly increasing and
    within the bounds; without them, at most six ranges with round edges are derived from
    ``min`` and ``max`` (:mod:`ikzsurvey.results.bins`).
    """

    kind: ClassVar[str] = "number"

    min: int | None = None
    max: int | None = None
    bins: Sequence[int] | None = None


@dataclass(frozen=True, kw_only=True)
class QuestionSet:
    """A versioned group of questions that a survey can include.

    :param id: unique across all plugins; lower case letters, digits, ``-`` and ``_``.
    :param version: a positive integer. A published version never changes: changing its
        questions means a new version, so surveys that pinned the old one stay comparable.
    :param title: shown as the heading of its pages.
    :param audiences: the audiences it is written for (``employees``, ``council``,
        ``citizens``, or a cooperation's own); empty means all.
    :param phases: the IKZ phases it fits (``initiation``, ``implementation``,
        ``consolidation``); empty means all.
    :param description: an introduction shown above its first question.
    :param source: where the definition comes from (a file, say), named in error messages.
    """

    id: str
    version: int
    title: Text
    questions: Sequence[Question]
    audiences: Sequence[str] = ()
    phases: Sequence[str] = ()
    description: Text | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        for name in ("questions", "audiences", "phases"):
            value = getattr(self, name)
            if isinstance(value, Iterable) and not isinstance(value, (str, tuple)):
                object.__setattr__(self, name, tuple(value))

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def question(self, question_id: str) -> Question | None:
        for q in self.questions:
            if q.id == question_id:
                return q
        return None


@dataclass(frozen=True, kw_only=True)
class Value:
    """One stored value of an answer: a number, a text (option key or words), or both."""

    number: float | None = None
    text: str | None = None


@dataclass(frozen=True, kw_only=True)
class QuestionKind:
    """A kind of question: how it is asked, checked, stored and aggregated.

    :param name: the ``kind`` class attribute of the questions it serves.
    :param question_class: the :class:`Question` subclass plugins instantiate.
    :param make_field: ``(question) -> wtforms UnboundField``; labels may be lazy texts.
    :param to_values: ``(question, field_data) -> list[Value]`` — what the database keeps
        for a valid answer; an empty list means "not answered".
    :param check: ``(question) -> None``; raises :class:`DefinitionError` for a malformed
        definition (called at start-up).
    :param aggregation: how results treat the values: ``ordinal``, ``nominal``,
        ``multiple``, ``numeric`` or ``text``.
    """

    name: str
    question_class: type[Question]
    make_field: Callable[[Question], Any]
    to_values: Callable[[Question, Any], list[Value]]
    check: Callable[[Question], None] | None = None
    aggregation: str = "nominal"


@dataclass(frozen=True, kw_only=True)
class Score:
    """A derived index for a question set's results, computed from aggregates only.

    :param id: unique within its question set.
    :param label: shown on the dashboard.
    :param value: the index, or ``None`` when it cannot be computed (suppressed input).
    :param n: the number of responses it rests on.
    :param minimum: lowest possible value; :param maximum: highest possible value.
    """

    id: str
    label: Text
    value: float | None
    n: int = 0
    minimum: float | None = None
    maximum: float | None = None
    description: Text | None = field(default=None)
