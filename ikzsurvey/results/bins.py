"""The ranges (bins) a number question is released in: never its raw values.

A number question either declares ``bins`` — the lower edges of every bin but the first,
``bins = (5, 10, 20)`` giving "< 5", "5–9", "10–19" and "≥ 20" — or gets at most
:data:`MAX_DERIVED_BINS` bins with round edges derived from its bounds
(:func:`candidate_edges`).

The layout a survey shows is chosen once per view, from the answers of the waves shown
(every municipality and audience; closed waves only, :mod:`.release_counts`): a bin
holding fewer than *k* answers is merged with its smaller neighbour until every bin holds
at least *k* or only one is left (:func:`merge_small`). Every breakdown then uses that one
layout, so no viewer can subtract one layout from another. :func:`bin_index` is the SQL
expression the counts are grouped by (:mod:`.release_counts`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case

#: At most this many bins are derived from a question's bounds.
MAX_DERIVED_BINS = 6
#: At most this many bins may be declared.
MAX_DECLARED_BINS = 20


@dataclass(frozen=True, order=True)
class Bin:
    """One range of a layout: ``lower`` … ``upper``, both inclusive, ``None`` = open."""

    index: int
    lower: int | None
    upper: int | None
    label: str

    def as_dict(self, n: int) -> dict[str, Any]:
        return {"label": self.label, "lower": self.lower, "upper": self.upper, "n": n}


@dataclass(frozen=True)
class BinLayout:
    """The bins a question is released in, lowest first; ``edges`` are the lower edges of
    every bin but the first."""

    edges: tuple[int, ...]
    bins: tuple[Bin, ...]

    def bin_of(self, value: float) -> Bin:
        index = sum(1 for edge in self.edges if value >= edge)
        return self.bins[index]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.bins)


def bounds(question) -> tuple[int | None, int | None]:
    return getattr(question, "min", None), getattr(question, "max", None)


def check_bins(question) -> None:
    """Start-up check of a question's declared ``bins`` (see :func:`candidate_edges`)."""
    from ..questions import DefinitionError

    edges = getattr(question, "bins", None)
    if edges is None:
        return
    if not isinstance(edges, tuple) or not edges:
        raise DefinitionError(
            "bins must be a non-empty list of whole numbers (the lower edges of the bins "
            "after the first)", field="bins")
    if len(edges) >= MAX_DECLARED_BINS:
        raise DefinitionError(f"at most {MAX_DECLARED_BINS} bins, that is "
                              f"{MAX_DECLARED_BINS - 1} edges", field="bins")
    for i, edge in enumerate(edges):
        if not isinstance(edge, int) or isinstance(edge, bool):
            raise DefinitionError(f"{edge!r} is not a whole number", field=f"bins[{i}]")
        if i and edge <= edges[i - 1]:
            raise DefinitionError(
                f"bins must be strictly increasing: {edge} follows {edges[i - 1]}",
                field=f"bins[{i}]")
    low, high = bounds(question)
    if low is not None and edges[0] <= low:
        raise DefinitionError(
            f"the first edge {edges[0]} must be greater than min ({low}): the bin below it "
            "would hold no number", field="bins[0]")
    if high is not None and edges[-1] > high:
        raise DefinitionError(
            f"the last edge {edges[-1]} must not be greater than max ({high}): the bin from "
            "it would hold no number", field=f"bins[{len(edges) - 1}]")


def _nice_steps():
    for exponent in range(0, 11):
        for mantissa in (1, 2, 2.5, 5):
            step = mantissa * 10**exponent
            if step == int(step):
                yield int(step)


def derived_edges(low: int | None, high: int | None) -> tuple[int, ...]:
    """At most :data:`MAX_DERIVED_BINS` bins with round edges for numbers from ``low`` to
    ``high``: equal widths of 1, 2, 2.5 or 5 times a power of ten where both bounds are
    known, powers of ten where there is no upper bound."""
    if high is None:
        start = 0 if low is None else low
        edges = [0] if start < 0 else []
        power = 10 ** (int(math.log10(start)) + 1) if start > 0 else 10
        while len(edges) < MAX_DERIVED_BINS - 1:
            edges.append(power)
            power *= 10
        return tuple(edges)
    if low is None:
        low = 0 if high > 0 else high - 100
    for step in _nice_steps():
        first = (low // step + 1) * step  # the first multiple of step above low
        edges = tuple(range(first, high + 1, step))
        if len(edges) <= MAX_DERIVED_BINS - 1:
            return edges
    return ()  # pragma: no cover - a step of 10**10 exceeds every allowed bound


def candidate_edges(question) -> tuple[int, ...]:
    """The edges before merging: the declared ``bins``, or derived from the bounds."""
    declared = getattr(question, "bins", None)
    if declared:
        return tuple(declared)
    return derived_edges(*bounds(question))


def merge_small(edges: Sequence[int], counts: Sequence[int], k: int) -> tuple[int, ...]:
    """Merge bins holding fewer than ``k`` answers with their smaller neighbour until every
    bin holds at least ``k`` or only one is left.

    ``counts`` has one entry per bin (``len(edges) + 1``): the answers of the waves shown. The
    bin with the fewest answers goes first (the lowest on a tie); of two neighbours the one
    with fewer answers takes it (the lower on a tie).
    """
    edges, counts = list(edges), list(counts)
    if len(counts) != len(edges) + 1:
        raise ValueError(f"{len(edges)} edges make {len(edges) + 1} bins, not {len(counts)}")
    while len(counts) > 1:
        small = min(range(len(counts)), key=lambda i: (counts[i], i))
        if counts[small] >= k:
            break
        if small == 0:
            other = 1
        elif small == len(counts) - 1:
            other = small - 1
        else:
            other = small - 1 if counts[small - 1] <= counts[small + 1] else small + 1
        left = min(small, other)
        counts[left:left + 2] = [counts[left] + counts[left + 1]]
        del edges[left]  # the edge between the two bins
    return tuple(edges)


def label(lower: int | None, upper: int | None, question=None) -> str:
    if lower is None and upper is None:
        low, high = bounds(question)
        if low is not None and high is not None:
            return f"{low}–{high}"
        if low is not None:
            return f"≥ {low}"
        if high is not None:
            return f"≤ {high}"
        return "all"
    if lower is None:
        return f"< {upper + 1}"
    if upper is None:
        return f"≥ {lower}"
    if lower == upper:
        return str(lower)
    return f"{lower}–{upper}"


def layout(edges: Sequence[int], question=None) -> BinLayout:
    edges = tuple(edges)
    lowers = (None, *edges)
    uppers = (*(e - 1 for e in edges), None)
    return BinLayout(edges, tuple(
        Bin(i, lo, up, label(lo, up, question))
        for i, (lo, up) in enumerate(zip(lowers, uppers, strict=True))
    ))


def bin_index(questions: Sequence[tuple[Any, Sequence[int]]], value):
    """A CASE expression giving the index of the bin ``value`` falls in, per question:
    ``questions`` are ``(condition, edges)`` pairs; rows of no question get NULL."""
    whens = []
    for condition, edges in questions:
        for i, edge in enumerate(edges):
            whens.append((and_(condition, value < edge), i))
        whens.append((condition, len(edges)))
    return case(*whens, else_=None)
