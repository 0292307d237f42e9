"""A survey's results as every viewer sees them: counted, suppressed, summarised.

:func:`survey_results` is the one place that applies the minimum group size; the dashboard,
the API, the exports and the plugins' scores all read what it returns. Numbers are rounded
here, once, so every surface shows the same digits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..kinds import DONT_KNOW
from ..plugins import PluginError, Registry
from ..questions import Likert, Question, QuestionSet, Score
from ..texts import Text
from . import statistics
from .aggregate import QuestionCounts
from .bins import BinLayout
from .release_counts import ReleaseCounts, release_counts
from .suppression import ALL, Cell, lattice, released_cells

FREE_TEXT_MINIMUM = 10
DIGITS = 2  # means, standard deviations, medians, consensus, scores
SHARE_DIGITS = 3  # top-2 share (shown as a percentage with one decimal)


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
    #: Number questions: every range of the survey's layout with its count, lowest first
    #: (``{"label", "lower", "upper", "n"}``); ``counts`` then maps the labels to the counts.
    bins: tuple[dict[str, Any], ...] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The numbers as plain data (for the API, the exports and plugin scores)."""
        if self.suppressed:
            return {"suppressed": True}
        if self.bins is not None:
            return {
                "suppressed": False,
                "n": self.n,
                "counts": dict(self.counts or {}),
                "bins": [dict(b) for b in self.bins],
            }
        return {
            "suppressed": False,
            "n": self.n,
            "counts": dict(self.counts) if self.counts is not None else None,
            "dont_know": self.dont_know,
            "mean": self.mean,
            "sd": self.sd,
            "median": self.median,
            "top2": self.top2,
            "consensus": self.consensus,
        }


@dataclass
class QuestionResult:
    question_set: QuestionSet
    question: Question
    aggregation: str
    minimum: int
    cells: dict[Cell, CellResult] = field(default_factory=dict)
    #: The ranges a number question is shown in (one layout for every breakdown of the view).
    layout: BinLayout | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.question_set.id, self.question.id)

    def numbers(self, cell: Cell) -> dict[str, Any]:
        """``self.cells[cell].as_dict()``; from a stored release without making the cell."""
        numbers = getattr(self.cells, "numbers", None)
        return numbers(cell) if numbers is not None else self.cells[cell].as_dict()


@dataclass(frozen=True)
class CellScore:
    cell: Cell
    suppressed: bool
    value: float | None = None
    n: int | None = None


@dataclass
class ScoreResult:
    """One score of a question set (from a plugin's ``ikzsurvey_scores``) in every cell."""

    question_set: QuestionSet
    id: str
    label: Text
    description: Text | None
    minimum: float | None
    maximum: float | None
    cells: dict[Cell, CellScore] = field(default_factory=dict)


@dataclass(frozen=True)
class WaveInfo:
    id: int
    number: int
    status: str


@dataclass
class SurveyResults:
    k: int
    dimensions: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
    waves: list[WaveInfo]
    questions: list[QuestionResult]
    scores: list[ScoreResult]
    responses: dict[Cell, int | None]  # None where suppressed
    invitations: dict[Cell, int]
    #: Free text of a release: its partition and the parts shown (:mod:`.comment_parts`).
    comment_partition: str = "municipality"
    comments: list = field(default_factory=list)

    def question(self, set_id: str, question_id: str) -> QuestionResult | None:
        for result in self.questions:
            if result.key == (set_id, question_id):
                return result
        return None

    def questions_of(self, set_id: str) -> list[QuestionResult]:
        return [r for r in self.questions if r.question_set.id == set_id]

    def scores_of(self, set_id: str) -> list[ScoreResult]:
        return [s for s in self.scores if s.question_set.id == set_id]

    def response_rate(self, cell: Cell) -> float | None:
        """Responses ÷ invitations issued, where both are known (open links have none)."""
        responses, invited = self.responses.get(cell), self.invitations.get(cell, 0)
        if responses is None or not invited:
            return None
        return round(responses / invited, SHARE_DIGITS)


def _value_key(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _round(value: float | None, digits: int = DIGITS) -> float | None:
    return None if value is None else round(value, digits)


def summarise(
    counts: QuestionCounts, cell: Cell, question: Question, aggregation: str, shown: bool,
    layout: BinLayout | None = None,
) -> CellResult:
    """The numbers of one released cell, computed from its counts only. A number question
    (``layout`` given) is shown in its ranges: no mean, standard deviation or median, which
    would tell its raw values."""
    if not shown:
        return CellResult(cell=cell, suppressed=True)
    n = counts.n.get(cell, 0)
    values = counts.values.get(cell, {})
    if layout is not None:
        per_bin = [(b, values.get(b, 0)) for b in layout.bins]
        return CellResult(
            cell=cell, suppressed=False, n=n,
            counts={b.label: c for b, c in per_bin},
            bins=tuple(b.as_dict(c) for b, c in per_bin),
        )
    numeric = {v: c for v, c in values.items() if isinstance(v, float)}
    result: dict[str, Any] = {
        "n": n,
        "counts": {_value_key(v): c for v, c in sorted(values.items(), key=_order)}
        if aggregation != "text"
        else None,
        "dont_know": values.get(DONT_KNOW, 0) if isinstance(question, Likert) else None,
    }
    if aggregation in ("ordinal", "numeric") and numeric:
        result.update(
            mean=_round(statistics.mean(numeric)),
            sd=_round(statistics.standard_deviation(numeric)),
            median=_round(statistics.median(numeric)),
        )
    if isinstance(question, Likert) and numeric:
        result.update(
            top2=_round(statistics.top_box_share(numeric, question.scale), SHARE_DIGITS),
            consensus=_round(statistics.consensus(numeric, 1, question.scale)),
        )
    return CellResult(cell=cell, suppressed=False, **result)


def _order(item):
    value = item[0]
    return (0, value, "") if isinstance(value, float) else (1, 0, str(value))


def survey_results(
    survey,
    registry: Registry,
    *,
    waves: Sequence | None = None,
    question_sets: Iterable[QuestionSet] | None = None,
    hook=None,
    released: ReleaseCounts | None = None,
    audited: set[Cell] | None = None,
) -> SurveyResults:
    """Count, suppress and summarise every question of ``survey`` at every level.

    :param waves: the waves the caller may see (viewers: the published ones); every wave
        of the survey when ``None``. Other waves are not counted at all, so no total or
        "all waves" figure contains them.
    :param hook: the plugin manager's hook relay for scores (the application's when
        ``None``).
    :param released: the counts, when the caller has them already (a release).
    :param audited: the cells the joint audit lets the release show (:mod:`.releases`);
        each question shows those of them its own rule releases. Without it, the rule of
        :func:`.suppression.released_cells` alone — which is not safe against a
        linear-programming attacker: every surface reads releases.
    """
    from ..surveys import pinned_question_sets

    sets = list(question_sets) if question_sets is not None else pinned_question_sets(survey)
    visible = list(survey.waves if waves is None else waves)
    k = survey.min_group_size
    dimensions = (
        tuple(m.id for m in survey.municipalities),
        tuple(a.id for a in survey.audiences),
        tuple(w.id for w in visible),
    )
    kinds = {}
    for qs in sets:
        for question in qs.questions:
            kinds[(qs.id, question.id)] = (question, registry.kind_of(question).aggregation)
    if released is None:
        released = release_counts(survey.id, kinds, k, wave_ids=dimensions[2])
    counts = released.counts
    cells = lattice(dimensions)
    results = []
    for qs in sets:
        for question in qs.questions:
            aggregation = kinds[(qs.id, question.id)][1]
            layout = released.layouts.get((qs.id, question.id))
            minimum = max(k, FREE_TEXT_MINIMUM) if aggregation == "text" else k
            question_counts = counts.questions.get((qs.id, question.id), QuestionCounts())
            n = {cell: question_counts.n.get(cell, 0) for cell in cells}
            shown = released_cells(n, dimensions, minimum)
            if audited is not None:
                shown &= audited
            result = QuestionResult(qs, question, aggregation, minimum, layout=layout)
            for cell in cells:
                result.cells[cell] = summarise(
                    question_counts, cell, question, aggregation, cell in shown, layout
                )
            results.append(result)
    response_n = {cell: counts.responses.get(cell, 0) for cell in cells}
    shown = released_cells(response_n, dimensions, k)
    if audited is not None:
        shown &= audited
    return SurveyResults(
        k=k,
        dimensions=dimensions,
        waves=[WaveInfo(w.id, w.number, w.status) for w in visible],
        questions=results,
        scores=compute_scores(hook, sets, results, cells, k),
        responses={cell: (response_n[cell] if cell in shown else None) for cell in cells},
        invitations={cell: counts.invitations.get(cell, 0) for cell in cells},
    )


def released_view(question_results: Iterable[QuestionResult], cell: Cell) -> Mapping[str, Any]:
    """What a plugin's score sees of one cell: released aggregates keyed by question id,
    read-only. Suppressed questions appear as ``{"suppressed": True}`` and nothing else.
    A question's numbers are made when the plugin first looks them up: most plugins score
    their own question sets only and read nothing of the others."""
    return MappingProxyType(_CellView(
        {r.question.id: r for r in question_results if r.aggregation != "text"}, cell))


class _CellView(Mapping):
    """The mapping behind :func:`released_view` (plugins see it through a
    ``MappingProxyType``): each question's read-only numbers, made once when first read."""

    __slots__ = ("_results", "_cell", "_made")

    def __init__(self, results: dict[str, QuestionResult], cell: Cell) -> None:
        self._results, self._cell, self._made = results, cell, {}

    def __getitem__(self, question_id: str) -> Mapping[str, Any]:
        made = self._made.get(question_id)
        if made is None:
            made = self._made[question_id] = _read_only(
                self._results[question_id].numbers(self._cell))
        return made

    def __iter__(self):
        return iter(self._results)

    def __len__(self) -> int:
        return len(self._results)

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._results


def _read_only(numbers: dict[str, Any]) -> Mapping[str, Any]:
    """A cell's numbers that no plugin can change for the next (counts included)."""
    if numbers.get("counts") is not None:
        numbers["counts"] = MappingProxyType(dict(numbers["counts"]))
    if numbers.get("bins") is not None:
        numbers["bins"] = tuple(MappingProxyType(b) for b in numbers["bins"])
    return MappingProxyType(numbers)


def compute_scores(hook, sets, results, cells, k) -> list[ScoreResult]:
    """Every plugin's scores of the question sets, computed from the released numbers only
    (``hook``: the plugin manager's hook relay; the application's when ``None``)."""
    if hook is None:
        from flask import current_app

        hook = current_app.extensions["ikzsurvey.plugins"].hook
    by_set: dict[str, list[QuestionResult]] = {}
    for result in results:
        by_set.setdefault(result.question_set.id, []).append(result)
    scores: list[ScoreResult] = []
    for qs in sets:
        found: dict[str, ScoreResult] = {}
        for cell in cells:
            view = released_view(by_set.get(qs.id, []), cell)
            for batch in hook.ikzsurvey_scores(question_set=qs, results=view):
                if batch is None:
                    continue
                if isinstance(batch, (Score, str, bytes, Mapping)) or not isinstance(
                    batch, Iterable
                ):
                    raise PluginError(
                        f"question set '{qs.id}': ikzsurvey_scores must return an iterable "
                        f"of Score (or None), not {batch!r}"
                    )
                for score in batch:
                    if not isinstance(score, Score):
                        raise PluginError(
                            f"question set '{qs.id}': ikzsurvey_scores returned {score!r}, "
                            "not a Score"
                        )
                    entry = found.get(score.id)
                    if entry is None:
                        entry = found[score.id] = ScoreResult(
                            qs, score.id, score.label, score.description,
                            score.minimum, score.maximum,
                        )
                    elif cell in entry.cells:
                        raise PluginError(
                            f"question set '{qs.id}': two scores have the id '{score.id}'"
                        )
                    # A score rests on released aggregates only; it is shown when it could
                    # be computed and rests on at least k responses.
                    shown = score.value is not None and score.n >= k
                    entry.cells[cell] = (
                        CellScore(cell, False, _round(score.value), score.n)
                        if shown
                        else CellScore(cell, True)
                    )
        for entry in found.values():
            for cell in cells:
                entry.cells.setdefault(cell, CellScore(cell, True))
        scores.extend(found.values())
    return scores


TOTAL: Cell = (ALL, ALL, ALL)

__all__ = ["ReleaseCounts", "SurveyResults", "release_counts", "survey_results"]
