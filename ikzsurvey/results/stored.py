"""A release's results as stored (plain JSON) and read back (:class:`.service.SurveyResults`).

:func:`dump` keeps every number a surface shows — per question and cell the released
numbers (:meth:`.service.CellResult.as_dict`), number questions' layouts, responses and
invitations per cell — and nothing else: a suppressed cell is stored as suppressed, without
its numbers, so not even the database holds more than was released — and the free-text
parts it shows (:mod:`.comment_parts`: question, cell, waves). :func:`load` rebuilds
the results with the survey's pinned question sets; plugin scores are computed again from
the stored numbers (they are functions of released numbers only, see
:func:`.service.compute_scores`). A question's cells stay in their stored form
(:class:`StoredCells`) until a surface reads one: the API and the exports read most of a
release's numbers as plain data, the dashboard a few cells as :class:`.service.CellResult`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..plugins import Registry
from .bins import Bin, BinLayout
from .comment_parts import CommentPart
from .service import (
    CellResult,
    QuestionResult,
    SurveyResults,
    WaveInfo,
    compute_scores,
)
from .suppression import lattice

FORMAT = 1


class StoredFormatError(ValueError):
    """A stored release in a format this version cannot read."""


def dump(results: SurveyResults) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "k": results.k,
        "dimensions": [list(d) for d in results.dimensions],
        "waves": [[w.id, w.number, w.status] for w in results.waves],
        "responses": [[*cell, n] for cell, n in results.responses.items()],
        "invitations": [[*cell, n] for cell, n in results.invitations.items()],
        "comment_partition": results.comment_partition,
        "comments": [part.as_json() for part in results.comments],
        "questions": [
            {
                "set": r.question_set.id,
                "version": r.question_set.version,
                "id": r.question.id,
                "aggregation": r.aggregation,
                "minimum": r.minimum,
                "layout": None if r.layout is None else {
                    "edges": list(r.layout.edges),
                    "bins": [[b.index, b.lower, b.upper, b.label] for b in r.layout.bins],
                },
                "cells": [[*cell, value.as_dict()] for cell, value in r.cells.items()],
            }
            for r in results.questions
        ],
    }


def load(payload: dict[str, Any], sets, registry: Registry, hook=None) -> SurveyResults:
    """The results of a stored release; ``sets`` are the survey's pinned question sets."""
    if payload.get("format") != FORMAT:
        raise StoredFormatError(f"stored release format {payload.get('format')!r}, "
                                f"this version reads {FORMAT}")
    dimensions = tuple(tuple(d) for d in payload["dimensions"])
    by_key = {(qs.id, qs.version): qs for qs in sets}
    questions = []
    for entry in payload["questions"]:
        qs = by_key.get((entry["set"], entry["version"]))
        question = None if qs is None else next(
            (q for q in qs.questions if q.id == entry["id"]), None)
        if question is None:
            raise StoredFormatError(
                f"question {entry['set']}@{entry['version']}/{entry['id']} of the release is "
                "not among the survey's question sets")
        layout = None
        if entry["layout"] is not None:
            layout = BinLayout(tuple(entry["layout"]["edges"]),
                               tuple(Bin(*b) for b in entry["layout"]["bins"]))
        cells = StoredCells({tuple(cell): numbers for *cell, numbers in entry["cells"]})
        questions.append(QuestionResult(qs, question, entry["aggregation"], entry["minimum"],
                                        cells=cells, layout=layout))  # type: ignore[arg-type]
    cells = lattice(dimensions)
    return SurveyResults(
        k=payload["k"],
        dimensions=dimensions,  # type: ignore[arg-type]
        waves=[WaveInfo(*wave) for wave in payload["waves"]],
        questions=questions,
        scores=compute_scores(hook, list(sets), questions, cells, payload["k"]),
        responses={tuple(row[:3]): row[3] for row in payload["responses"]},
        invitations={tuple(row[:3]): row[3] for row in payload["invitations"]},
        comment_partition=payload["comment_partition"],
        comments=comment_parts(payload),
    )


def comment_parts(payload: dict[str, Any] | None) -> list[CommentPart]:
    """The free-text parts a stored release shows."""
    return [CommentPart.from_json(p) for p in (payload or {}).get("comments", ())]


class StoredCells(Mapping):
    """A question's cells as stored: ``{cell: numbers}`` in the form of
    :meth:`.service.CellResult.as_dict`. A :class:`.service.CellResult` is made when a cell
    is first looked up; :meth:`numbers` gives a cell's numbers without making one."""

    __slots__ = ("_numbers", "_made")

    def __init__(self, numbers: dict[tuple, dict[str, Any]]) -> None:
        self._numbers = numbers
        self._made: dict[tuple, CellResult] = {}

    def __getitem__(self, cell: tuple) -> CellResult:
        made = self._made.get(cell)
        if made is None:  # two threads may both make it: equal and immutable
            made = self._made[cell] = _cell_result(cell, self._numbers[cell])
        return made

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)

    def __contains__(self, cell: object) -> bool:
        return cell in self._numbers

    def numbers(self, cell: tuple) -> dict[str, Any]:
        """What ``self[cell].as_dict()`` returns, a copy of the stored numbers."""
        return _copy(self._numbers[cell])


def _copy(numbers: dict[str, Any]) -> dict[str, Any]:
    """As :meth:`.service.CellResult.as_dict` of the cell made of ``numbers``."""
    if numbers.get("suppressed"):
        return {"suppressed": True}
    if numbers.get("bins") is not None:
        return {"suppressed": False, "n": numbers.get("n"),
                "counts": dict(numbers.get("counts") or {}),
                "bins": [dict(b) for b in numbers["bins"]]}
    counts = numbers.get("counts")
    return {"suppressed": False, "n": numbers.get("n"),
            "counts": None if counts is None else dict(counts),
            **{key: numbers.get(key) for key in _STATISTICS}}


_STATISTICS = ("dont_know", "mean", "sd", "median", "top2", "consensus")


def _cell_result(cell: tuple, numbers: dict[str, Any]) -> CellResult:
    if numbers.get("suppressed"):
        return CellResult(cell=cell, suppressed=True)
    bins = numbers.get("bins")
    return CellResult(
        cell=cell,
        suppressed=False,
        n=numbers.get("n"),
        counts=numbers.get("counts"),
        dont_know=numbers.get("dont_know"),
        mean=numbers.get("mean"),
        sd=numbers.get("sd"),
        median=numbers.get("median"),
        top2=numbers.get("top2"),
        consensus=numbers.get("consensus"),
        bins=None if bins is None else tuple(bins),
    )
