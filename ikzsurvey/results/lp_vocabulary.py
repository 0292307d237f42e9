"""The vocabulary of the joint audit (:mod:`.audit`): what a question is to the model
(:class:`Shape`) and what a release shows of one cell (:class:`Published`)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import highspy

Atom = Hashable
QuestionKey = tuple[str, str]
Value = Hashable

#: HiGHS' infinity.
INF = highspy.kHighsInf
EPSILON = 1e-6


@dataclass(frozen=True)
class Shape:
    """One question as the model knows it: how it is counted and the values it can take.

    :param kind: ``"single"`` (one value per respondent, or none), ``"multiple"`` (any
        number of options per respondent) or ``"text"`` (a comment or none).
    """

    key: QuestionKey
    kind: str
    values: tuple[Value, ...] = ()


@dataclass(frozen=True)
class Published:
    """One cell of a release: the atoms it sums and every number it shows.

    ``values`` maps ``(question key, value)`` to a count; ``answered`` maps a question key
    to how many answered it (for multiple choice and free text; for the others it is the
    sum of their values).
    """

    atoms: frozenset
    responses: int
    values: Mapping[tuple[QuestionKey, Value], int] = field(default_factory=dict)
    answered: Mapping[QuestionKey, int] = field(default_factory=dict)


class AuditError(RuntimeError):
    """The audit cannot protect a group (earlier releases alone pin it) or the numbers
    contradict each other."""
