"""Statistics computed from aggregated counts (never from individual responses).

Every function takes a *distribution*: scale point or value → number of answers, as the
database's GROUP BY returns it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping


def total(distribution: Mapping[float, int]) -> int:
    return sum(distribution.values())


def mean(distribution: Mapping[float, int]) -> float | None:
    n = total(distribution)
    if n == 0:
        return None
    return sum(value * count for value, count in distribution.items()) / n


def standard_deviation(distribution: Mapping[float, int]) -> float | None:
    """Sample standard deviation (n − 1); ``None`` below two answers."""
    n = total(distribution)
    if n < 2:
        return None
    mu = mean(distribution)
    squares = sum(count * (value - mu) ** 2 for value, count in distribution.items())
    return math.sqrt(squares / (n - 1))


def median(distribution: Mapping[float, int]) -> float | None:
    """The median; the mean of the two middle values when ``n`` is even."""
    n = total(distribution)
    if n == 0:
        return None
    values = sorted(distribution)

    def nth(position: int) -> float:  # 0-based
        seen = 0
        for value in values:
            seen += distribution[value]
            if position < seen:
                return value
        raise AssertionError("position beyond the distribution")

    if n % 2:
        return float(nth(n // 2))
    return (nth(n // 2 - 1) + nth(n // 2)) / 2


def top_box_share(distribution: Mapping[float, int], scale: int, boxes: int = 2) -> float | None:
    """Share of answers in the ``boxes`` highest points of a 1…``scale`` scale."""
    n = total(distribution)
    if n == 0:
        return None
    top = sum(count for value, count in distribution.items() if value > scale - boxes)
    return top / n


def consensus(distribution: Mapping[float, int], low: float, high: float) -> float | None:
    """Tastle & Wierman's consensus for ordinal data: 1 = all agree, 0 = total dissent.

    Cns(X) = 1 + Σ p_i · log2(1 − |X_i − μ| / d), with d = high − low the width of the
    scale and μ the mean (Tastle & Wierman 2007, "Consensus and dissention: A measure of
    ordinal dispersion", International Journal of Approximate Reasoning 45, 531–545).
    """
    n = total(distribution)
    width = high - low
    if n == 0 or width <= 0:
        return None
    mu = mean(distribution)
    value = 1.0
    for x, count in distribution.items():
        if count:
            value += (count / n) * math.log2(1 - abs(x - mu) / width)
    return max(0.0, min(1.0, value))
