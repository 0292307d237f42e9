"""A survey's results as every viewer sees them: counted, suppressed, summarised.

:func:`survey_results` is the one place that applies the minimum group size; the dashboard,
the API and the exports all read what it returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..kinds import DONT_KNOW
from ..plugins import Registry
from ..questions import Likert, Question, QuestionSet
from . import statistics
from .aggregate import QuestionCounts, count_survey
from .suppression import ALL, Cell, lattice, released_cells

FREE_TEXT_MINIMUM = 10


@dataclass(frozen=True)
class CellResult:
    """One question in one cell. When ``suppressed``, every number is ``None``."""

    cell: Cell
    suppressed: bool
    n: int | None = None
    counts: dict[str, int] | None = None
    dont_know: int | None = None
    mean: float | None = None
    sd: float | None = None
    median: float | None = None
    top2: float | None = None
    consensus: float | None = None


@dataclass
class QuestionResult:
    question_set: QuestionSet
    question: Question
    aggregation: str
    minimum: int
    cells: dict[Cell, CellResult] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.question_set.id, self.question.id)


@dataclass
class SurveyResults:
    k: int
    dimensions: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
    questions: list[QuestionResult]
    responses: dict[Cell, int | None]  # None where suppressed
    invitations: dict[Cell, int]

    def question(self, set_id: str, question_id: str) -> QuestionResult | None:
        for result in self.questions:
            if result.key == (set_id, question_id):
                return result
        return None


def _value_key(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def summarise(
    counts: QuestionCounts, cell: Cell, question: Question, aggregation: str, shown: bool
) -> CellResult:
    """The numbers of one released cell, computed from its counts only."""
    if not shown:
        return CellResult(cell=cell, suppressed=True)
    n = counts.n.get(cell, 0)
    values = counts.values.get(cell, {})
    numeric = {v: c for v, c in values.items() if isinstance(v, float)}
    result = {
        "n": n,
        "counts": {_value_key(v): c for v, c in sorted(values.items(), key=_order)}
        if aggregation != "text"
        else None,
        "dont_know": values.get(DONT_KNOW, 0) if isinstance(question, Likert) else None,
    }
    if aggregation in ("ordinal", "numeric") and numeric:
        result.update(
            mean=statistics.mean(numeric),
            sd=statistics.standard_deviation(numeric),
            median=statistics.median(numeric),
        )
    if isinstance(question, Likert) and numeric:
        result.update(
            top2=statistics.top_box_share(numeric, question.scale),
            consensus=statistics.consensus(numeric, 1, question.scale),
        )
    return CellResult(cell=cell, suppressed=False, **result)


def _order(item):
    value = item[0]
    return (0, value, "") if isinstance(value, float) else (1, 0, str(value))


def survey_results(
    survey, registry: Registry, question_sets: Iterable[QuestionSet] | None = None
) -> SurveyResults:
    """Count, suppress and summarise every question of ``survey`` at every level."""
    from ..surveys import pinned_question_sets

    sets = list(question_sets) if question_sets is not None else pinned_question_sets(survey)
    k = survey.min_group_size
    dimensions = (
        tuple(m.id for m in survey.municipalities),
        tuple(a.id for a in survey.audiences),
        tuple(w.id for w in survey.waves),
    )
    kinds = {}
    for qs in sets:
        for question in qs.questions:
            kinds[(qs.id, question.id)] = registry.kind_of(question).aggregation
    counts = count_survey(
        survey.id,
        distribution_questions=[key for key, agg in kinds.items() if agg != "text"],
        respondent_questions=[key for key, agg in kinds.items() if agg in ("multiple", "text")],
    )
    cells = lattice(dimensions)
    results = []
    for qs in sets:
        for question in qs.questions:
            aggregation = kinds[(qs.id, question.id)]
            minimum = max(k, FREE_TEXT_MINIMUM) if aggregation == "text" else k
            question_counts = counts.questions.get((qs.id, question.id), QuestionCounts())
            n = {cell: question_counts.n.get(cell, 0) for cell in cells}
            shown = released_cells(n, dimensions, minimum)
            result = QuestionResult(qs, question, aggregation, minimum)
            for cell in cells:
                result.cells[cell] = summarise(
                    question_counts, cell, question, aggregation, cell in shown
                )
            results.append(result)
    response_n = {cell: counts.responses.get(cell, 0) for cell in cells}
    shown = released_cells(response_n, dimensions, k)
    return SurveyResults(
        k=k,
        dimensions=dimensions,
        questions=results,
        responses={cell: (response_n[cell] if cell in shown else None) for cell in cells},
        invitations={cell: counts.invitations.get(cell, 0) for cell in cells},
    )


TOTAL: Cell = (ALL, ALL, ALL)
