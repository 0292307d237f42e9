"""HiGHS instances for the audit's model (:mod:`.lp_model`): silent ones, rows and columns
added in batches, and one question's unknowns and equations (a block)."""

from __future__ import annotations

import atexit
import ctypes
import os
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence

import highspy
import numpy as np

from .lp_vocabulary import INF, Atom, Published, Shape

_banner_lock = threading.Lock()
_banner_shown = False


def silent_highs() -> highspy.Highs:
    """A silent HiGHS instance. The library prints its banner to the process's standard
    output once, on the first instance, before any option can be set; that first one is
    made with file descriptor 1 pointed at /dev/null, so command output (``--json``) and
    server logs stay clean."""
    global _banner_shown
    with _banner_lock:
        if _banner_shown:
            highs = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                highs = highspy.Highs()
                ctypes.CDLL(None).fflush(None)
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _banner_shown = True
    highs.setOptionValue("output_flag", False)
    # One thread: the solves are small and sequential, and HiGHS' worker pool, left running
    # at interpreter exit, aborts the process ("terminate called without an active
    # exception").
    highs.setOptionValue("threads", 1)
    return highs


@atexit.register
def _stop_highs_threads() -> None:
    if _banner_shown:
        highspy.Highs.resetGlobalScheduler(True)


class Builder:
    """Columns and rows added to one HiGHS instance in batches."""

    def __init__(self, highs: highspy.Highs) -> None:
        self.highs = highs
        self.columns = 0
        self.rows: list[tuple[float, float, list[int], list[float]]] = []
        self.bounds: dict[int, tuple[float, float]] = {}  # every row: its own bounds
        self.terms: list[tuple[list[int], list[float]]] = []  # every row: its coefficients
        self.freed: set[int] = set()  # rows whose bounds are lifted (hidden cells)

    def column(self) -> int:
        self.columns += 1
        return self.columns - 1

    def row(self, lower: float, upper: float, terms: Iterable[tuple[int, float]]) -> None:
        terms = list(terms)
        self.rows.append((lower, upper, [t[0] for t in terms], [t[1] for t in terms]))

    def flush(self) -> list[int]:
        """Add the new columns and rows to HiGHS; returns the rows' indices."""
        highs = self.highs
        n = self.columns - highs.getNumCol()
        if n:
            highs.addCols(
                n, np.zeros(n), np.zeros(n), np.full(n, INF), 0,
                np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([]),
            )
        rows, self.rows = self.rows, []
        if not rows:
            return []
        first = highs.getNumRow()
        starts, indices, values = [], [], []
        for _, _, row_indices, row_values in rows:
            starts.append(len(indices))
            indices.extend(row_indices)
            values.extend(row_values)
        highs.addRows(
            len(rows),
            np.array([r[0] for r in rows], dtype=float),
            np.array([r[1] for r in rows], dtype=float),
            len(indices),
            np.array(starts, dtype=np.int32),
            np.array(indices, dtype=np.int32),
            np.array(values, dtype=float),
        )
        numbers = list(range(first, first + len(rows)))
        self.bounds.update(zip(numbers, ((r[0], r[1]) for r in rows)))
        self.terms.extend((r[2], r[3]) for r in rows)
        return numbers

    def free(self, rows: Sequence[int]) -> None:
        self.freed.update(rows)
        if rows:
            self.highs.changeRowsBounds(
                len(rows), np.array(rows, dtype=np.int32),
                np.full(len(rows), -INF), np.full(len(rows), INF),
            )

    def bind(self, rows: Sequence[int]) -> None:
        self.freed.difference_update(rows)
        if rows:
            self.highs.changeRowsBounds(
                len(rows), np.array(rows, dtype=np.int32),
                np.array([self.bounds[r][0] for r in rows]),
                np.array([self.bounds[r][1] for r in rows]),
            )


class Block:
    """One question's unknowns and equations in one HiGHS instance."""

    def __init__(self, builder: Builder, shape: Shape, x: Mapping[Atom, int]) -> None:
        self.builder, self.shape = builder, shape
        key, atoms = shape.key, list(x)
        self.y = {v: {atom: builder.column() for atom in atoms} for v in shape.values}
        self.answered: dict[Atom, int] = {}
        if shape.kind == "single":
            for atom in atoms:
                skipped = builder.column()
                builder.row(0, 0, [(x[atom], -1.0), (skipped, 1.0)]
                            + [(self.y[v][atom], 1.0) for v in shape.values])
        elif shape.kind in ("multiple", "text"):
            self.answered = {atom: builder.column() for atom in atoms}
            for atom in atoms:
                a = self.answered[atom]
                builder.row(-INF, 0, [(a, 1.0), (x[atom], -1.0)])
                if shape.kind == "multiple" and shape.values:
                    for v in shape.values:
                        builder.row(-INF, 0, [(self.y[v][atom], 1.0), (a, -1.0)])
                    builder.row(0, INF, [(a, -1.0)]
                                + [(self.y[v][atom], 1.0) for v in shape.values])
        else:
            raise ValueError(f"question {key}: unknown kind {shape.kind!r}")
        builder.flush()

    def publish(self, cell: Published, atoms: Sequence[Atom]) -> list[int]:
        key, builder = self.shape.key, self.builder
        for value in self.shape.values:
            count = cell.values.get((key, value), 0)
            builder.row(count, count, [(self.y[value][a], 1.0) for a in atoms])
        if key in cell.answered:
            if not self.answered:
                raise ValueError(f"question {key}: answered counts need kind multiple/text")
            count = cell.answered[key]
            builder.row(count, count, [(self.answered[a], 1.0) for a in atoms])
        return builder.flush()
