"""The attacker's linear system of the joint audit (:mod:`.audit`), solved with HiGHS.

What the unknowns and equations are is described in :mod:`.audit`; this module holds
:class:`Model`, which builds the system and bounds a group's responses in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import highspy
import numpy as np

from .lp_highs import Block, Builder, silent_highs
from .lp_vocabulary import (EPSILON, INF, Atom, AuditError, Published, QuestionKey, Shape,
                            Value)

__all__ = ["EPSILON", "INF", "Atom", "AuditError", "Model", "Published", "QuestionKey",
           "Shape", "Value"]


class Model:
    """The attacker's linear system (see the module docs), built once per audit.

    Solving it whole would mean one LP with every question's unknowns in every atom (some
    20,000 columns for the demo) per bound. Given the responses ``x`` of each atom, though,
    the questions are independent of each other. So the *main* LP holds only the responses
    and the prior bounds; each bound is solved there, and the solution's ``x`` is checked
    against every question in a small LP of its own (``x`` fixed). A question that cannot
    fit that ``x`` proves it with a Farkas certificate (HiGHS' dual ray), from which follows
    one inequality over ``x`` alone that every solution of the whole system satisfies and
    this ``x`` violates (a Benders feasibility cut). The cut joins the main LP and the
    bound is solved again — until every question fits, when the main LP's bound is the
    whole system's bound (exact). Should a certificate not check out numerically, the
    question's unknowns join the main LP instead (constraint generation).

    Published numbers are equality rows; hiding a cell frees them — and the cuts derived
    from them — so HiGHS keeps its basis between the solves.
    """

    #: Cuts one question may add before its unknowns join the main LP instead.
    CUTS_PER_QUESTION = 200

    def __init__(self, atoms: Sequence[Atom], shapes: Sequence[Shape]) -> None:
        self.atoms = list(atoms)
        self.position = {atom: i for i, atom in enumerate(self.atoms)}
        self.shapes = list(shapes)
        self.main = Builder(silent_highs())
        self.x = {atom: self.main.column() for atom in self.atoms}
        self.main.flush()
        self.active: dict[QuestionKey, Block] = {}  # questions in the main LP
        self.checkers: dict[QuestionKey, tuple[Builder, Block, dict[Atom, int]]] = {}
        for shape in self.shapes:
            highs = silent_highs()
            highs.setOptionValue("presolve", "off")  # keeps the dual ray of infeasible LPs
            builder = Builder(highs)
            x = {atom: builder.column() for atom in self.atoms}
            self.checkers[shape.key] = (builder, Block(builder, shape, x), x)
        # Every question at once with x fixed: one solve tells whether x fits them all.
        self.whole = Builder(silent_highs())
        self.whole_x = {atom: self.whole.column() for atom in self.atoms}
        self.whole_blocks = [Block(self.whole, shape, self.whole_x) for shape in self.shapes]
        self.whole_rows: list[list[int]] = []
        self.cells: list[Published] = []
        self.hidden: set[int] = set()
        # rows of each cell: in the main LP (by question, None = responses) and per checker
        self.main_rows: list[dict[QuestionKey | None, list[int]]] = []
        self.checker_rows: list[dict[QuestionKey, list[int]]] = []
        self.owner: dict[int, frozenset[int]] = {}  # main row → the cells it stems from
        self.checker_owner: dict[QuestionKey, dict[int, int]] = {k: {} for k in self.checkers}
        self.cuts: dict[int, frozenset[int]] = {}  # cut row → the cells it stems from
        self.cut_count: dict[QuestionKey, int] = dict.fromkeys(self.checkers, 0)
        self.solves = 0

    def bound(self, atoms: Iterable[Atom], upper: float, lower: float = 0.0) -> None:
        """What is known beforehand: these atoms hold at most ``upper`` and at least
        ``lower`` responses. Known beforehand means for good: no hidden cell frees it."""
        if upper < INF or lower > 0:
            self.main.row(lower if lower > 0 else -INF, upper,
                          [(self.x[a], 1.0) for a in atoms])
            self.main.flush()

    def fix(self, atoms: Iterable[Atom], responses: int) -> None:
        """What is known beforehand: these atoms hold exactly ``responses`` responses — an
        equation of the responses alone, without any question's counts (unlike
        :meth:`publish`, which writes a row for every value of every question: a value
        missing from a :class:`Published` would count as 0). It is never withdrawn, takes
        no part in choosing which cell to hide, and adds nothing to the questions' LPs (they
        fix the responses to the main LP's solution, which satisfies it)."""
        self.bound(atoms, responses, lower=responses)

    def publish(self, cell: Published) -> int:
        """The equations of one published cell; returns a handle to hide it later."""
        known = {shape.key for shape in self.shapes}
        unknown = {key for key, _ in cell.values} - known
        if unknown:
            raise ValueError(f"questions {sorted(unknown)} are not in the model's shapes")
        handle = len(self.cells)
        self.cells.append(cell)
        atoms = [a for a in cell.atoms if a in self.x]
        self.main.row(cell.responses, cell.responses, [(self.x[a], 1.0) for a in atoms])
        rows = {None: self.main.flush()}
        for key, block in self.active.items():
            rows[key] = block.publish(cell, atoms)
        self.main_rows.append(rows)
        for row_list in rows.values():
            self.owner.update(dict.fromkeys(row_list, frozenset((handle,))))
        checker_rows = {}
        for key, (_, block, _) in self.checkers.items():
            checker_rows[key] = block.publish(cell, atoms)
            self.checker_owner[key].update(dict.fromkeys(checker_rows[key], handle))
        self.checker_rows.append(checker_rows)
        self.whole_rows.append([row for block in self.whole_blocks
                                for row in block.publish(cell, atoms)])
        return handle

    def _each_rows(self, handle: int):
        for rows in self.main_rows[handle].values():
            yield self.main, rows
        for key, rows in self.checker_rows[handle].items():
            yield self.checkers[key][0], rows
        yield self.whole, self.whole_rows[handle]

    def withdraw(self, handle: int) -> None:
        """Hide a cell again: its equations, and the cuts derived from them, hold no longer."""
        self.hidden.add(handle)
        for builder, rows in self._each_rows(handle):
            builder.free(rows)
        self.main.free([row for row, sources in self.cuts.items()
                        if handle in sources and row not in self.main.freed])

    def restore(self, handle: int) -> None:
        """Show a withdrawn cell again."""
        self.hidden.discard(handle)
        for builder, rows in self._each_rows(handle):
            builder.bind(rows)
        self.main.bind([row for row, sources in self.cuts.items()
                        if handle in sources and not sources & self.hidden])

    def _activate(self, key: QuestionKey) -> None:
        shape = next(s for s in self.shapes if s.key == key)
        block = self.active[key] = Block(self.main, shape, self.x)
        for handle, cell in enumerate(self.cells):
            atoms = [a for a in cell.atoms if a in self.x]
            rows = self.main_rows[handle][key] = block.publish(cell, atoms)
            self.owner.update(dict.fromkeys(rows, frozenset((handle,))))
            if handle in self.hidden:
                self.main.free(rows)

    def _fits(self, key: QuestionKey | None, x_values: np.ndarray) -> bool:
        """Whether the question (every question: ``None``) can fit these responses."""
        builder, x = (self.whole, self.whole_x) if key is None else self.checkers[key][::2]
        highs = builder.highs
        columns = np.array([x[a] for a in self.atoms], dtype=np.int32)
        values = np.maximum(x_values, 0.0)
        highs.changeColsBounds(len(columns), columns, values, values)
        highs.run()
        self.solves += 1
        return highs.getModelStatus() == highspy.HighsModelStatus.kOptimal

    def _cut(self, key: QuestionKey, x_values: np.ndarray) -> bool:
        """Add the feasibility cut of a question that cannot fit ``x_values`` (see the class
        docs); False when HiGHS gives no certificate that checks out.

        For row multipliers ``r`` and ``d = Aᵀr``, every solution satisfies ``rᵀAz ≥ β``
        with ``β = Σ r_i·(lower_i if r_i > 0 else upper_i)``; when ``d ≤ 0`` on the
        question's own unknowns (all ``≥ 0``), ``Σ_atoms d_x·x ≥ β`` follows for ``x``.
        """
        builder, _, x = self.checkers[key]
        status, has_ray, ray = builder.highs.getDualRay()
        if not has_ray:
            return False
        ray = np.asarray(ray)
        nonzero = np.flatnonzero(np.abs(ray) > EPSILON)
        x_columns = {column: atom for atom, column in x.items()}
        for sign in (1.0, -1.0):
            beta, d, valid = 0.0, {}, True
            for row in nonzero:
                r = sign * ray[row]
                lower, upper = ((-INF, INF) if row in builder.freed else builder.bounds[row])
                side = lower if r > 0 else upper
                if abs(side) >= INF:
                    valid = False
                    break
                beta += r * side
                columns, coefficients = builder.terms[row]
                for column, coefficient in zip(columns, coefficients):
                    d[column] = d.get(column, 0.0) + r * coefficient
            if not valid or any(value > EPSILON for column, value in d.items()
                                if column not in x_columns):
                continue
            terms, lhs = [], 0.0
            for column, value in d.items():
                atom = x_columns.get(column)
                if atom is None:
                    continue
                lhs += value * x_values[self.position[atom]]
                if abs(value) > EPSILON:
                    terms.append((self.x[atom], value))
            if not terms or lhs >= beta - EPSILON:
                continue  # not violated: no use
            sources = frozenset(self.checker_owner[key][row] for row in nonzero
                                if row in self.checker_owner[key])
            self.main.row(beta, INF, terms)
            (row,) = self.main.flush()
            self.cuts[row] = sources
            self.owner[row] = sources
            self.cut_count[key] += 1
            return True
        return False

    def _limiting(self, solution) -> set[int]:
        """The shown cells whose rows have a non-zero dual value."""
        duals = np.abs(np.array(solution.row_dual))
        limiting = set().union(*(self.owner[row] for row in np.flatnonzero(duals > EPSILON)
                                 if row in self.owner))
        return limiting - self.hidden

    # -- solving -------------------------------------------------------------------------

    def extreme(self, atoms: Iterable[Atom], maximise: bool,
                decided: float | None = None) -> tuple[float, set[int]]:
        """The largest (or smallest) number of responses the atoms can hold, and the cells
        whose numbers limit it (non-zero duals).

        :param decided: return as soon as the main LP's bound is below (maximising) or
            above (minimising) this value. The main LP is a relaxation of the whole system
            (its cuts are implied by it), so the whole system's bound lies beyond it too;
            the caller only needs to know that.
        """
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
            value = highs.getInfo().objective_function_value
            if decided is not None and (value < decided if maximise else value > decided):
                return value, self._limiting(solution)
            x_values = np.array(solution.col_value)[x_columns]
            misfits = [key for key in self.checkers
                       if key not in self.active and not self._fits(key, x_values)]
            if not misfits:
                return value, self._limiting(solution)
            for key in misfits:
                if self.cut_count[key] >= self.CUTS_PER_QUESTION or not self._cut(key, x_values):
                    self._activate(key)
