"""What councils read from the released numbers: agreement and divergence,
importance–performance, and change between waves.

Everything here works on :class:`~ikzsurvey.results.service.SurveyResults` — numbers that
already passed suppression — so nothing here can reveal more than the tables do.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from ..questions import Likert
from .service import CellResult, QuestionResult, SurveyResults
from .suppression import ALL, Cell

LIST_LENGTH = 5

QUADRANTS = ("focus", "keep-up", "low-priority", "overkill")


@dataclass(frozen=True)
class Selection:
    """The filters a viewer chose: a municipality, an audience, a wave (``ALL`` = any)."""

    municipality: Hashable | None = ALL
    audience: Hashable | None = ALL
    wave: Hashable | None = ALL

    @property
    def cell(self) -> Cell:
        return (self.municipality, self.audience, self.wave)

    def along(self, dimension: int, value) -> Cell:
        """This selection's cell with one dimension set to ``value``."""
        cell = list(self.cell)
        cell[dimension] = value
        return tuple(cell)


def likert_results(results: SurveyResults) -> list[QuestionResult]:
    return [r for r in results.questions if isinstance(r.question, Likert)]


# --- Agreement and divergence ---------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """The largest difference of means between the groups of one dimension."""

    high: Hashable  # the group with the highest mean
    high_mean: float
    low: Hashable
    low_mean: float

    @property
    def difference(self) -> float:
        return round(self.high_mean - self.low_mean, 2)


@dataclass(frozen=True)
class ItemAgreement:
    result: QuestionResult
    cell: CellResult
    municipalities: Spread | None
    audiences: Spread | None

    @property
    def scale_width(self) -> int:
        return self.result.question.scale - 1

    @property
    def divergence(self) -> float | None:
        """The larger spread, as a share of the scale's width (0 … 1)."""
        spreads = [s.difference for s in (self.municipalities, self.audiences) if s]
        return max(spreads) / self.scale_width if spreads else None


def spread(result: QuestionResult, selection: Selection, dimension: int, values) -> Spread | None:
    means = []
    for value in values:
        cell = result.cells.get(selection.along(dimension, value))
        if cell is not None and not cell.suppressed and cell.mean is not None:
            means.append((cell.mean, value))
    if len(means) < 2:
        return None
    (low_mean, low), (high_mean, high) = min(means, key=_first), max(means, key=_first)
    return Spread(high, high_mean, low, low_mean)


def _first(pair):
    return pair[0]


def agreement(results: SurveyResults, selection: Selection) -> list[ItemAgreement]:
    """Consensus and spreads of every Likert item released in the selection's cell."""
    items = []
    for result in likert_results(results):
        cell = result.cells[selection.cell]
        if cell.suppressed or cell.consensus is None:
            continue
        items.append(
            ItemAgreement(
                result,
                cell,
                spread(result, selection, 0, results.dimensions[0]),
                spread(result, selection, 1, results.dimensions[1]),
            )
        )
    return items


#: Partners or audiences diverge on an item when their means differ by at least this share
#: of the scale's width — one point on a five-point scale.
DIVERGENCE_THRESHOLD = 0.25


def agree_and_diverge(
    items: list[ItemAgreement], length: int = LIST_LENGTH
) -> tuple[list[ItemAgreement], list[ItemAgreement]]:
    """"Where we diverge": items whose means differ between partners or audiences by at
    least ``DIVERGENCE_THRESHOLD`` of the scale, largest difference first (lowest consensus
    breaks ties). "Where we agree": the others, highest consensus first (smallest spread
    breaks ties). An item appears in one list only."""
    def diverges(item: ItemAgreement) -> bool:
        return item.divergence is not None and item.divergence >= DIVERGENCE_THRESHOLD

    diverging = sorted(
        filter(diverges, items), key=lambda i: (-i.divergence, i.cell.consensus)
    )[:length]
    agreeing = sorted(
        (i for i in items if not diverges(i)),
        key=lambda i: (-i.cell.consensus, i.divergence or 0),
    )[:length]
    return agreeing, diverging


# --- Importance and performance -------------------------------------------------------


@dataclass(frozen=True)
class IPAPoint:
    key: str  # the item's id stem, or the factor (dimension)
    label: object  # Text: the factor's section heading or the importance question
    importance: float
    performance: float
    n: int  # the smaller n of the two

    @property
    def gap(self) -> float:
        return round(self.importance - self.performance, 2)

    def quadrant(self, cross: tuple[float, float]) -> str:
        x, y = cross
        high_importance = self.importance >= y
        high_performance = self.performance >= x
        if high_importance:
            return "keep-up" if high_performance else "focus"
        return "overkill" if high_performance else "low-priority"


@dataclass(frozen=True)
class ImportancePerformance:
    question_set: object
    items: list[IPAPoint]
    factors: list[IPAPoint]
    scale: int

    @property
    def cross(self) -> tuple[float, float]:
        """The crosshair at the mean performance and mean importance of the items."""
        if not self.items:
            return ((1 + self.scale) / 2, (1 + self.scale) / 2)
        return (
            round(sum(p.performance for p in self.items) / len(self.items), 2),
            round(sum(p.importance for p in self.items) / len(self.items), 2),
        )


def ipa_pairs(results: list[QuestionResult]) -> list[tuple[QuestionResult, QuestionResult]]:
    """Likert items asked twice: ``<stem>-importance`` (facet ``importance``) and
    ``<stem>-performance`` (facet ``performance``) of the same question set."""
    by_id = {r.question.id: r for r in results}
    pairs = []
    for result in results:
        q = result.question
        if isinstance(q, Likert) and q.facet == "importance" and q.id.endswith("-importance"):
            other = by_id.get(q.id.removesuffix("-importance") + "-performance")
            if other is not None and other.question.facet == "performance":
                pairs.append((result, other))
    return pairs


def importance_performance(
    results: SurveyResults, selection: Selection
) -> list[ImportancePerformance]:
    """The importance–performance view of every question set that has paired items."""
    views = []
    sets: dict[str, list[QuestionResult]] = {}
    for result in likert_results(results):
        sets.setdefault(result.question_set.id, []).append(result)
    for set_results in sets.values():
        pairs = ipa_pairs(set_results)
        if not pairs:
            continue
        items: list[IPAPoint] = []
        by_factor: dict[str, list[IPAPoint]] = {}
        labels = {}
        for importance, performance in pairs:
            i, p = importance.cells[selection.cell], performance.cells[selection.cell]
            factor = importance.question.dimension or importance.question_set.id
            labels.setdefault(factor, importance.question.section or importance.question_set.title)
            if i.suppressed or p.suppressed or i.mean is None or p.mean is None:
                continue
            point = IPAPoint(
                importance.question.id.removesuffix("-importance"),
                importance.question.text,
                i.mean,
                p.mean,
                min(i.n, p.n),
            )
            items.append(point)
            by_factor.setdefault(factor, []).append(point)
        factors = [
            IPAPoint(
                factor,
                labels[factor],
                round(sum(p.importance for p in points) / len(points), 2),
                round(sum(p.performance for p in points) / len(points), 2),
                min(p.n for p in points),
            )
            for factor, points in by_factor.items()
        ]
        items.sort(key=lambda p: -p.gap)  # largest gap first, numbered so in chart and table
        views.append(
            ImportancePerformance(
                pairs[0][0].question_set, items, factors, pairs[0][0].question.scale
            )
        )
    return views


# --- Change between waves -------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    wave: int  # the wave's number
    value: float | None  # None where suppressed
    change: float | None  # against the previous wave, when both are shown


def trend(values: list[tuple[int, float | None]]) -> list[TrendPoint]:
    points, previous = [], None
    for number, value in values:
        change = (
            round(value - previous, 2) if value is not None and previous is not None else None
        )
        points.append(TrendPoint(number, value, change))
        previous = value
    return points


def question_trend(
    results: SurveyResults, result: QuestionResult, selection: Selection
) -> list[TrendPoint]:
    """The mean per wave in the selection's municipality and audience."""
    values = []
    for wave in results.waves:
        cell = result.cells[selection.along(2, wave.id)]
        values.append((wave.number, None if cell.suppressed else cell.mean))
    return trend(values)


def score_trend(results: SurveyResults, score, selection: Selection) -> list[TrendPoint]:
    values = []
    for wave in results.waves:
        cell = score.cells[selection.along(2, wave.id)]
        values.append((wave.number, None if cell.suppressed else cell.value))
    return trend(values)
