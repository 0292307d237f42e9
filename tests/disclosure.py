"""The attacker of the anonymity tests, written apart from the audit it attacks.

:func:`attack` takes only what a viewer can read — the shown cells with their responses and
every question's counts, and the invitation counts of every cell — and solves, with SciPy's
``linprog`` (HiGHS, built from scratch for each bound, sharing no code with
``ikzsurvey.results.audit``), the smallest and largest number of responses every hidden
cell can hold. A hidden cell with ``0 < n < k`` is *pinned* when the attacker can exclude
``n ≥ min(k, invited)`` or narrows it to an interval shorter than ``min(k, invited)``
(docs/privacy.md, "The guarantee"). An organizer's attacker also knows what the survey page
showed of each wave while it ran (:class:`Seen`).

:func:`attack_releases` does the same for everything several releases showed, jointly;
it also reads what an organizer sees beyond the results (used invitations per segment),
free-text counts (how many wrote a comment, at most one per respondent) and number
questions released in ranges (:class:`Range`) whose layouts differ between releases.

:func:`survey_counts` makes the counts of synthetic respondents, as the database's GROUP BYs
would (``ikzsurvey.results.aggregate.SurveyCounts``).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from ikzsurvey.results.aggregate import QuestionCounts, SurveyCounts, roll_up

ALL = None


@dataclass(frozen=True)
class Respondent:
    segment: tuple  # (municipality, audience, wave)
    answers: dict  # question key → a value, a tuple of options (multiple choice) or None


def survey_counts(respondents, invitations=None) -> SurveyCounts:
    """The rolled-up counts of these respondents (invitations: segment → issued)."""
    questions: dict = defaultdict(QuestionCounts)
    for r in respondents:
        for key, answer in r.answers.items():
            if answer is None:
                continue
            chosen = answer if isinstance(answer, tuple) else (answer,)
            counts = questions[key]
            for cell in _generalisations(r.segment):
                for value in chosen:
                    counts.values[cell][value] += 1
                counts.n[cell] += 1
    issued = roll_up((invitations or {}).items())
    return SurveyCounts(
        questions=dict(questions),
        responses=roll_up((r.segment, 1) for r in respondents),
        invitations=issued,
        used_invitations=Counter(),
    )


def _generalisations(segment):
    return [tuple(c) for c in itertools.product(*((v, ALL) for v in segment))]


def cells_of(dimensions):
    return list(itertools.product(*((ALL, *values) for values in dimensions)))


def members(cell, segments):
    return [s for s in segments if all(c is ALL or c == v for c, v in zip(cell, s))]


@dataclass(frozen=True)
class Pinned:
    cell: tuple
    n: int
    low: int
    high: float


@dataclass(frozen=True)
class Seen:
    """What an organizer saw of the waves while they ran (the survey page's snapshots).

    :param large: segments shown with "k or more" responses: each holds at least ``k``.
    :param totals: wave → (the last total shown, whether nobody answered after it); a total
        is a lower bound of the wave's responses, and their number when nobody answered
        after it (the organizer looked, then closed the wave).
    """

    large: frozenset = frozenset()
    totals: dict = field(default_factory=dict)


def attack(dimensions, shown, questions, invitations, open_segments, truth, k, seen=None):
    """Every hidden cell with 0 < n < k that the published numbers pin.

    :param shown: cell → responses, for the shown cells only.
    :param questions: question key → (kind, {cell: {value: count}}, {cell: answered}) for
        the cells where the question is shown; kind ``single`` (a number question's values
        are :class:`Range`), ``multiple`` or ``text`` (answered only).
    :param invitations: cell → invitations issued (public for every cell).
    :param truth: cell → the true responses (to know which hidden cells matter).
    """
    release = Published(tuple(dimensions[2]), shown, questions)
    return attack_releases(dimensions, [release], invitations, open_segments, truth, k, seen)


@dataclass(frozen=True)
class Published:
    """What one release showed: its waves, and its shown cells over them (a cell's
    ``ALL`` wave means the release's waves), as in :func:`attack`; a question's kind may
    also be ``text`` (only ``answered``: how many wrote a comment)."""

    waves: tuple
    shown: dict
    questions: dict


@dataclass(frozen=True, order=True)
class Range:
    """A value of a number question as released: every number from ``lower`` to
    ``upper`` (both inclusive; ``None``: open). Ranges of different layouts are sums of
    the pieces all their edges cut the numbers into."""

    lower: int | None
    upper: int | None

    def cuts(self) -> set:
        return ({self.lower} - {None}) | ({None if self.upper is None else self.upper + 1}
                                          - {None})

    def holds(self, piece: Range) -> bool:
        return ((self.lower is None or (piece.lower is not None and piece.lower >= self.lower))
                and (self.upper is None
                     or (piece.upper is not None and piece.upper <= self.upper)))


def _pieces(values) -> dict:
    """value → the unknowns it is the sum of: itself, or for a :class:`Range` the pieces
    between every edge of every range of the question."""
    ranges = [v for v in values if isinstance(v, Range)]
    if not ranges:
        return {v: [v] for v in values}
    cuts = sorted(set().union(*(r.cuts() for r in ranges)))
    lowers, uppers = [None, *cuts], [*(c - 1 for c in cuts), None]
    pieces = [Range(lo, up) for lo, up in zip(lowers, uppers, strict=True)]
    return {r: [p for p in pieces if r.holds(p)] for r in ranges}


def attack_releases(dimensions, releases, invitations, open_segments, truth, k, seen=None,
                    used=None, bounds=(), prior=None):
    """Every cell with 0 < n < k that everything these releases showed pins, solved
    jointly — with what organizers saw of the waves while they ran (``seen``), if given.

    :param dimensions: municipalities, audiences and every wave of any release.
    :param releases: :class:`Published`, one per release.
    :param truth: (waves, cell) → the true responses, or cell → responses for a cell over
        every wave of ``dimensions``; the cells to check.
    :param used: segment → invitations used (what organizers see): each one is a response
        of its segment, and a segment without an open link has no others.
    :param bounds: more of what is known beforehand: (segments, at most) pairs.
    :param prior: segments → the most responses they could hold beforehand (``H``), where
        it is not the sum of their invitations.
    """
    segments = list(itertools.product(*dimensions))
    columns: dict = {}

    def column(name):
        return columns.setdefault(name, len(columns))

    def inside(waves, cell):
        return [s for s in members(cell, segments) if s[2] in waves]

    for s in segments:
        column(("x", s))
    eq_rows, eq_values, ub_rows, ub_values = [], [], [], []
    keys = {key: kind for r in releases for key, (kind, _c, _a) in r.questions.items()}
    pieces_of = {key: _pieces(sorted({v for r in releases for per_cell in r.questions.get(
        key, (None, {}, {}))[1].values() for v in per_cell}, key=repr)) for key in keys}
    for key, kind in keys.items():
        values = sorted({p for parts in pieces_of[key].values() for p in parts}, key=repr)
        for s in segments:
            if kind == "text":
                # at most one comment per respondent
                ub_rows.append({column(("a", key, s)): 1.0, column(("x", s)): -1.0})
                ub_values.append(0)
            elif kind == "single":
                # values + skipped = responses
                row = {column(("y", key, v, s)): 1.0 for v in values}
                row[column(("skip", key, s))] = 1.0
                row[column(("x", s))] = -1.0
                eq_rows.append(row)
                eq_values.append(0)
            else:
                a = column(("a", key, s))
                ub_rows.append({a: 1.0, column(("x", s)): -1.0})
                ub_values.append(0)
                for v in values:
                    ub_rows.append({column(("y", key, v, s)): 1.0, a: -1.0})
                    ub_values.append(0)
                ub_rows.append({a: 1.0, **{column(("y", key, v, s)): -1.0 for v in values}})
                ub_values.append(0)
    for release in releases:
        for key, (kind, counts, answered) in release.questions.items():
            # The cells where this question is shown (its own rule may hide more).
            for cell in (counts if kind == "single" else answered):
                cell_segments = inside(release.waves, cell)
                for v, parts in pieces_of[key].items():
                    if isinstance(v, Range) and v not in counts.get(cell, {}):
                        continue  # a range of another layout (each cell lists its own)
                    eq_rows.append({column(("y", key, p, s)): 1.0
                                    for s in cell_segments for p in parts})
                    eq_values.append(counts.get(cell, {}).get(v, 0))
                if kind in ("multiple", "text"):
                    eq_rows.append({column(("a", key, s)): 1.0 for s in cell_segments})
                    eq_values.append(answered.get(cell, 0))
        for cell, n in release.shown.items():
            eq_rows.append({column(("x", s)): 1.0 for s in inside(release.waves, cell)})
            eq_values.append(n)
    for s in segments:
        if s[:2] not in open_segments:
            ub_rows.append({column(("x", s)): 1.0})
            ub_values.append(invitations.get(s, 0))
    for bounded, upper in bounds:
        ub_rows.append({column(("x", s)): 1.0 for s in bounded})
        ub_values.append(upper)
    seen = seen or Seen()
    for s in seen.large:  # x ≥ k, written as −x ≤ −k
        ub_rows.append({column(("x", s)): -1.0})
        ub_values.append(-k)
    for wave, (total, final) in seen.totals.items():
        row = {column(("x", s)): 1.0 for s in segments if s[2] == wave}
        if final:
            eq_rows.append(row)
            eq_values.append(total)
        else:
            ub_rows.append({c: -1.0 for c in row})
            ub_values.append(-total)
    for s, n in (used or {}).items():
        if s[:2] in open_segments:
            ub_rows.append({column(("x", s)): -1.0})
            ub_values.append(-n)
        else:
            eq_rows.append({column(("x", s)): 1.0})
            eq_values.append(n)

    def matrix(rows):
        if not rows:
            return None
        r, c, v = zip(*((i, j, value) for i, row in enumerate(rows) for j, value in row.items()))
        return coo_matrix((v, (r, c)), shape=(len(rows), len(columns))).tocsr()

    a_eq, a_ub = matrix(eq_rows), matrix(ub_rows)
    b_eq = np.array(eq_values, dtype=float) if eq_rows else None
    b_ub = np.array(ub_values, dtype=float) if ub_rows else None
    every_wave = tuple(dimensions[2])
    shown_sets = {frozenset(inside(r.waves, cell)) for r in releases for cell in r.shown}
    checked = {}  # label → (true n, columns of its responses, what its interval must reach)
    for label, n in truth.items():
        waves, cell = label if len(label) == 2 and isinstance(label[0], tuple) else (
            every_wave, label)
        cell_segments = inside(waves, cell)
        if frozenset(cell_segments) in shown_sets or not 0 < n < k:
            continue
        if prior is not None:
            most = prior(cell_segments)
        else:
            most = (math.inf if any(s[:2] in open_segments for s in cell_segments)
                    else sum(invitations.get(s, 0) for s in cell_segments))
        checked[label] = (n, [columns[("x", s)] for s in cell_segments], min(k, most))

    def solve(where, sign):
        """The largest (sign −1) or smallest (+1) responses of these columns together,
        and the world that has it (None: unbounded)."""
        objective = np.zeros(len(columns))
        np.add.at(objective, where, sign)
        result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                         bounds=(0, None), method="highs")
        if result.status == 3:
            return math.inf, None
        assert result.status == 0, result.message
        return sign * result.fun, result.x

    # Every world a solve finds is consistent with everything shown: a cell that one world
    # holds with at least ``needed`` more responses than another is not pinned, whatever
    # the bounds. Worlds for many cells at once first (the fewest responses for all, the
    # most for those still open), then a cell's own bounds where those do not tell.
    points = []

    def unsettled():
        left = []
        for label, (_n, where, needed) in checked.items():
            sums = [float(point[where].sum()) for point in points]
            high = math.floor(max(sums) + 1e-6) if sums else -1
            if not (high >= needed and high - math.ceil(min(sums) - 1e-6) >= needed):
                left.append(label)
        return left

    if checked:
        points.append(solve([c for _n, where, _ in checked.values() for c in where], 1.0)[1])
    left = unsettled()
    while left:
        _, point = solve([c for label in left for c in checked[label][1]], -1.0)
        if point is None:
            break
        points.append(point)
        if len(unsettled()) == len(left):
            break
        left = unsettled()
    found = []
    for label in unsettled():
        n, where, needed = checked[label]
        high, _ = solve(where, -1.0)
        if high == math.inf:
            continue  # nothing bounds the cell
        low = solve(where, 1.0)[0]
        high, low = math.floor(high + 1e-6), max(0, math.ceil(low - 1e-6))
        if high < needed or high - low < needed:
            found.append(Pinned(label, n, low, high))
    return found


def published_view(results):
    """What ``attack`` needs, read from a ``SurveyResults`` as a viewer's pages show it."""
    shown = {cell: n for cell, n in results.responses.items() if n is not None}
    questions = {}
    for r in results.questions:
        if r.aggregation == "text":
            continue
        kind = "multiple" if r.aggregation == "multiple" else "single"
        counts, answered = {}, {}
        for cell, c in r.cells.items():
            if not c.suppressed:
                counts[cell] = {_value(v): count for v, count in c.counts.items()}
                answered[cell] = c.n
        questions[r.key] = (kind, counts, answered)
    return shown, questions


def _value(key: str):
    try:
        return float(key)
    except ValueError:
        return key
