"""The attacker's linear system of the joint audit (:mod:`.audit`), solved with HiGHS.

What the unknowns and equations are is described in :mod:`.audit`; this module holds the
vocabulary (:class:`Shape`, :class:`Published`) and :class:`Model`, which builds the system
and bounds a group's responses in it.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import sys
import threading
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

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


_banner_lock = threading.Lock()
_banner_shown = False


def _highs() -> highspy.Highs:
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


class _Builder:
    """Columns and rows added to one HiGHS instance in batches."""

    def __init__(self, highs: highspy.Highs) -> None:
        self.highs = highs
        self.columns = 0
        self.rows: list[tuple[float, float, list[int], list[float]]] = []
        self.bounds: dict[int, tuple[float, float]] = {}  # every row: its own bounds

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
        return numbers

    def free(self, rows: Sequence[int]) -> None:
        if rows:
            self.highs.changeRowsBounds(
                len(rows), np.array(rows, dtype=np.int32),
                np.full(len(rows), -INF), np.full(len(rows), INF),
            )

    def bind(self, rows: Sequence[int]) -> None:
        if rows:
            self.highs.changeRowsBounds(
                len(rows), np.array(rows, dtype=np.int32),
                np.array([self.bounds[r][0] for r in rows]),
                np.array([self.bounds[r][1] for r in rows]),
            )


class _Block:
    """One question's unknowns and equations in one HiGHS instance."""

    def __init__(self, builder: _Builder, shape: Shape, x: Mapping[Atom, int]) -> None:
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


class Model:
    """The attacker's linear system (see the module docs), built once per audit.

    Solving it whole would mean one LP with every question's unknowns in every atom (some
    20,000 columns for the demo) per bound. Given the responses ``x`` of each atom, though,
    the questions are independent of each other. So the *main* LP holds the responses, the
    prior bounds and only the questions found to matter; each bound is solved there, and the
    solution's ``x`` is checked against every other question in a small LP of its own (``x``
    fixed). A question that cannot fit that ``x`` joins the main LP and the bound is solved
    again — until every question fits, when the main LP's bound is the whole system's bound
    (constraint generation; exact, and usually done with a handful of questions).

    Published numbers are equality rows; hiding a cell frees them, so HiGHS keeps its basis
    between the solves.
    """

    def __init__(self, atoms: Sequence[Atom], shapes: Sequence[Shape]) -> None:
        self.atoms = list(atoms)
        self.shapes = list(shapes)
        self.main = _Builder(_highs())
        self.x = {atom: self.main.column() for atom in self.atoms}
        self.main.flush()
        self.active: dict[QuestionKey, _Block] = {}  # questions in the main LP
        self.checkers: dict[QuestionKey, tuple[_Builder, _Block, dict[Atom, int]]] = {}
        for shape in self.shapes:
            builder = _Builder(_highs())
            x = {atom: builder.column() for atom in self.atoms}
            self.checkers[shape.key] = (builder, _Block(builder, shape, x), x)
        self.cells: list[Published] = []
        self.hidden: set[int] = set()
        # rows of each cell: in the main LP (by question, None = responses) and per checker
        self.main_rows: list[dict[QuestionKey | None, list[int]]] = []
        self.checker_rows: list[dict[QuestionKey, list[int]]] = []
        self.owner: dict[int, int] = {}  # main row → cell handle
        self.solves = 0

    def bound(self, atoms: Iterable[Atom], upper: float) -> None:
        """What is known beforehand: these atoms hold at most ``upper`` responses."""
        if upper < INF:
            self.main.row(-INF, upper, [(self.x[a], 1.0) for a in atoms])
            self.main.flush()

    def publish(self, cell: Published) -> int:
        """The equations of one published cell; returns a handle to hide it later."""
        handle = len(self.cells)
        self.cells.append(cell)
        atoms = [a for a in cell.atoms if a in self.x]
        self.main.row(cell.responses, cell.responses, [(self.x[a], 1.0) for a in atoms])
        rows = {None: self.main.flush()}
        for key, block in self.active.items():
            rows[key] = block.publish(cell, atoms)
        self.main_rows.append(rows)
        for row_list in rows.values():
            self.owner.update(dict.fromkeys(row_list, handle))
        self.checker_rows.append(
            {key: block.publish(cell, atoms) for key, (_, block, _) in self.checkers.items()}
        )
        known = {shape.key for shape in self.shapes}
        unknown = {key for key, _ in cell.values} - known
        if unknown:
            raise ValueError(f"questions {sorted(unknown)} are not in the model's shapes")
        return handle

    def _each_rows(self, handle: int):
        for rows in self.main_rows[handle].values():
            yield self.main, rows
        for key, rows in self.checker_rows[handle].items():
            yield self.checkers[key][0], rows

    def withdraw(self, handle: int) -> None:
        """Hide a cell again: its equations hold no longer."""
        self.hidden.add(handle)
        for builder, rows in self._each_rows(handle):
            builder.free(rows)

    def restore(self, handle: int) -> None:
        """Show a withdrawn cell again."""
        self.hidden.discard(handle)
        for builder, rows in self._each_rows(handle):
            builder.bind(rows)

    def _activate(self, key: QuestionKey) -> None:
        shape = next(s for s in self.shapes if s.key == key)
        block = self.active[key] = _Block(self.main, shape, self.x)
        for handle, cell in enumerate(self.cells):
            atoms = [a for a in cell.atoms if a in self.x]
            rows = self.main_rows[handle][key] = block.publish(cell, atoms)
            self.owner.update(dict.fromkeys(rows, handle))
            if handle in self.hidden:
                self.main.free(rows)

    def _fits(self, key: QuestionKey, x_values: np.ndarray) -> bool:
        builder, _, x = self.checkers[key]
        highs = builder.highs
        columns = np.array([x[a] for a in self.atoms], dtype=np.int32)
        values = np.maximum(x_values, 0.0)
        highs.changeColsBounds(len(columns), columns, values, values)
        highs.run()
        self.solves += 1
        return highs.getModelStatus() == highspy.HighsModelStatus.kOptimal

    # -- solving -------------------------------------------------------------------------

    def extreme(self, atoms: Iterable[Atom], maximise: bool) -> tuple[float, set[int]]:
        """The largest (or smallest) number of responses the atoms can hold, and the cells
        whose numbers limit it (non-zero duals)."""
        highs = self.main.highs
        columns = [self.x[a] for a in atoms]
        x_columns = np.array([self.x[a] for a in self.atoms], dtype=np.int32)
        while True:
            costs = np.zeros(self.main.columns)
            costs[columns] = 1.0
            highs.changeColsCost(self.main.columns, np.arange(self.main.columns, dtype=np.int32),
                                 costs)
            highs.changeObjectiveSense(
                highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
            )
            highs.run()
            self.solves += 1
            status = highs.getModelStatus()
            if status == highspy.HighsModelStatus.kUnbounded:
                # Questions only ever ask for more responses (x ≥ what was answered), so
                # what is unbounded without them is unbounded with them.
                return (INF if maximise else -INF), set()
            if status != highspy.HighsModelStatus.kOptimal:
                raise AuditError(
                    f"the published numbers are inconsistent: {highs.modelStatusToString(status)}"
                )
            solution = highs.getSolution()
            x_values = np.array(solution.col_value)[x_columns]
            misfits = [key for key in self.checkers
                       if key not in self.active and not self._fits(key, x_values)]
            if not misfits:
                duals = np.abs(np.array(solution.row_dual))
                limiting = {self.owner[row] for row in np.flatnonzero(duals > EPSILON)
                            if row in self.owner}
                return highs.getInfo().objective_function_value, limiting - self.hidden
            for key in misfits:
                self._activate(key)

