"""The joint audit of a release: no small group can be pinned from everything published.

A release shows, for every *cell* a viewer can choose (a municipality or all × an audience
or all × a wave or all), the number of responses and every question's counts. Before it is
stored, everything it would show and everything earlier releases of the survey showed is
written as one system of linear constraints over the *atoms* — the finest groups the data
knows: municipality × audience × wave (× the release that first included a response, once
there are interim releases). The unknowns per atom are

* ``x`` — its responses;
* per single-valued question (Likert, single choice, number): how many gave each value, and
  how many skipped it; they sum to ``x``;
* per multiple-choice question: how many answered it (``a ≤ x``) and how many ticked each
  option (each ``≤ a``, together ``≥ a``);
* per free-text question: how many wrote a comment (``≤ x``).

Every published number is one equation: the sum of its unknowns over the atoms of its cell
equals the number shown. What anyone knows beforehand is added as well: counts are never
negative, and a segment nobody can reach without an invitation (it has no open link) has at
most as many responses as invitations were issued — invitation counts are public.

A *group* (any cell, or any atom set the caller names) holding ``0 < n < k`` respondents is
**protected** when a linear-programming attacker with all of that cannot pin it: the largest
``n`` consistent with everything published is at least ``min(k, H)`` — so "it might be
``k`` or more" is never excluded — and the feasible interval is at least ``min(p, H)`` wide,
where ``H`` is what was known beforehand (the group's invitations, or unbounded) and ``p``
the protection level (``k`` unless the caller says otherwise). A suppressed group's counts
are then never all determined either: they sum to its ``n``, which is not.

When a group is not protected, the audit hides the shown cell of the new release that costs
the least (the smallest, then the most specific) among those whose numbers limit the bound
(a non-zero dual value of the bounding LP), and solves again. Hiding a cell only removes
equations, so a group once protected stays protected and one pass over the groups suffices;
it ends at the latest when the new release shows nothing, which is the previous, audited
state. A second pass offers hidden cells back and keeps those that leave every group
protected. How the system is solved without one LP over every question at once: `Model`.
Bounds come from HiGHS (the LP relaxation: every integer solution lies within it, so an
attacker solving the integer problem can be sharper by rounding — handled by rounding
the bounds inward — and, in rare lattice cases, more; see docs/privacy.md).
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .lp_model import EPSILON, INF, AuditError, Model, Published, Shape

__all__ = ["AuditError", "AuditResult", "Finding", "Group", "Model", "Published", "Shape",
           "audit", "protected", "INF"]

@dataclass(frozen=True)
class Group:
    """A set of atoms whose size must not be pinned while it is ``0 < n < k``.

    ``n`` is ``None`` where nobody knows it: the responses between two cuts of a running
    wave (:mod:`.release_audit`), whose counts are never stored. Such a group is checked
    whatever its size, against what was known of it before the new release: the release
    must leave its interval as it was, or protected with ``H`` = its largest size before.
    """

    label: Hashable
    atoms: frozenset
    n: int | None
    prior: float = INF  # what was known about its size beforehand (invitations)


@dataclass(frozen=True)
class Finding:
    """The attacker's interval for one group, as the audit left it."""

    group: Hashable
    n: int | None
    low: int
    high: float  # INF when nothing bounds it


@dataclass
class AuditResult:
    shown: set[Hashable]
    hidden_by_audit: list[Hashable]  # in the order the audit hid them
    findings: list[Finding]
    solves: int
    seconds: float
    #: The numbers of the shown cells, as the model holds them.
    published: dict[Hashable, Published] = field(default_factory=dict)
    #: What the audit assumed organizers saw of each wave while it ran (wave → knowledge,
    #: :mod:`.participation_knowledge`), where it assumed anything.
    participation: dict = field(default_factory=dict)


class _Span:
    """The linear span of cells' atom indicator vectors (exact rank tests, few atoms)."""

    def __init__(self, atoms: Sequence, cells: Sequence[frozenset]) -> None:
        self.index = {atom: i for i, atom in enumerate(atoms)}
        self.rows = [self._vector(c) for c in cells]
        self.rank = np.linalg.matrix_rank(np.array(self.rows)) if self.rows else 0

    def _vector(self, atoms: frozenset) -> np.ndarray:
        vector = np.zeros(len(self.index))
        vector[[self.index[a] for a in atoms if a in self.index]] = 1.0
        return vector

    def contains(self, atoms: frozenset) -> bool:
        if not self.rows:
            return not any(a in self.index for a in atoms)
        stacked = np.array([*self.rows, self._vector(atoms)])
        return np.linalg.matrix_rank(stacked) == self.rank

    def add(self, atoms: frozenset) -> None:
        self.rows.append(self._vector(atoms))
        self.rank = np.linalg.matrix_rank(np.array(self.rows))


def protected(low: float, high: float, group: Group, k: int, p: int,
              before: tuple[float, float] | None = None) -> bool:
    """The rule of the module docs for one interval (bounds already rounded inward); for a
    group of unknown size, also: its interval ``before`` the new release, unchanged."""
    prior = group.prior
    if before is not None and (low, high) == before:
        return True
    return high >= min(k, prior) and high - low >= min(p, prior)


def audit(
    model: Model,
    candidates: Mapping[Hashable, Published],
    groups: Sequence[Group],
    k: int,
    *,
    p: int | None = None,
    cost=None,
    restore_budget: int = 64,
    progress=None,
) -> AuditResult:
    """Decide which candidate cells of a new release may be shown.

    :param model: the attacker's system, holding the numbers of earlier releases and the
        prior bounds already (``model.publish`` / ``model.bound``).
    :param candidates: the cells the new release would show, with their numbers.
    :param groups: the groups to protect; those with ``0 < n < k`` are checked.
    :param cost: sort key of a candidate (smallest is hidden first); by its responses.
    :param restore_budget: how many hidden cells the second pass offers back at most.
    :param progress: called with (steps done, steps in all) as the audit goes: one step per
        group checked, one per hidden cell offered back (the total grows as cells are
        hidden).
    """
    started = time.perf_counter()
    p = k if p is None else p
    cost = cost or (lambda label: (candidates[label].responses,))
    # What is known of each group of unknown size before the new release shows anything.
    before: dict[frozenset, tuple[float, float]] = {}
    unknown = []
    for group in groups:
        if group.n is None and group.atoms not in before:
            low, _ = model.extreme(group.atoms, maximise=False)
            high, _ = model.extreme(group.atoms, maximise=True)
            before[group.atoms] = (max(0, math.ceil(low - EPSILON)),
                                   high if high == INF else math.floor(high + EPSILON))
            unknown.append(replace(group, prior=min(group.prior, before[group.atoms][1])))
    shown = {label for label, cell in candidates.items() if cell.responses >= k}
    handle_of = {label: model.publish(candidates[label]) for label in sorted(shown, key=repr)}
    label_of = {handle: label for label, handle in handle_of.items()}
    hidden: list[Hashable] = []
    checked = sorted((g for g in groups if g.n is not None and 0 < g.n < k),
                     key=lambda g: (g.n, repr(g.label)))
    # A group of unknown size that holds nobody for sure needs no protection.
    checked += [g for g in unknown if g.prior > 0]

    def interval(group: Group):
        """The group's interval (bounds rounded inward) and the cells limiting it. Once it
        is clear that the group is not protected, the rest is not solved: the lower bound
        is then 0 and a bound that would only be sharper is left as it is. A group of
        unknown size is solved exactly (it is compared with its interval before)."""
        exact = group.n is None
        needed = min(k, group.prior)
        high, high_limits = model.extreme(
            group.atoms, maximise=True, decided=None if exact else needed - 2 * EPSILON)
        high_int = high if high == INF else math.floor(high + EPSILON)
        if high_int < needed and not exact:
            return 0, high_int, set(), high_limits
        width = min(p, group.prior)
        decided = None if high_int == INF or exact else high_int - width + 2 * EPSILON
        low, low_limits = model.extreme(group.atoms, maximise=False, decided=decided)
        low_int = max(0, math.ceil(low - EPSILON))
        return low_int, high_int, low_limits, high_limits

    def safe(group: Group, low_int, high_int) -> bool:
        if group.n is None:
            # Unknown size: it is for sure empty, or for sure no small group, or left as
            # it was known before, or protected.
            return (high_int == 0 or low_int >= k
                    or protected(low_int, high_int, group, k, p, before[group.atoms]))
        return protected(low_int, high_int, group, k, p)

    def report(done: int, steps: int) -> None:
        if progress is not None:
            progress(done, max(steps, 1))

    for position, group in enumerate(checked):
        report(position, len(checked) + min(len(hidden), restore_budget))
        while True:
            low_int, high_int, low_limits, high_limits = interval(group)
            if safe(group, low_int, high_int):
                break
            limits = high_limits if high_int < min(k, group.prior) else high_limits | low_limits
            limiting = {label_of[h] for h in limits if h in label_of} & shown
            if not limiting:
                limiting = {label for label in shown if candidates[label].atoms & group.atoms}
            if not limiting:
                limiting = set(shown)
            if not limiting:
                raise AuditError(
                    f"group {group.label!r} is pinned by earlier releases alone "
                    f"(n = {group.n}, interval [{low_int}, {high_int}])"
                )
            victim = min(limiting, key=lambda label: (*cost(label), repr(label)))
            model.withdraw(handle_of[victim])
            shown.discard(victim)
            hidden.append(victim)

    # The greedy choice may hide more than needed (a cell whose numbers follow from others,
    # or one that only mattered together with a cell hidden later): offer hidden cells back,
    # the most informative first, and keep each one with which every group stays protected.
    # A cell whose atoms are a linear combination of the shown cells' atoms adds nothing
    # (each of its numbers is that combination of shown numbers): it comes back unsolved.
    # The group that failed last is tried first, since it usually fails again.
    span = _Span(model.atoms, [cell.atoms for handle, cell in enumerate(model.cells)
                               if handle not in model.hidden])
    offers = sorted(hidden, key=lambda label: (*cost(label), repr(label)), reverse=True)
    order = list(checked)
    offers = offers[:restore_budget]
    for position, label in enumerate(offers):
        report(len(checked) + position, len(checked) + len(offers))
        if span.contains(candidates[label].atoms):
            model.restore(handle_of[label])
            shown.add(label)
            continue
        model.restore(handle_of[label])
        failed = next((g for g in order if not safe(g, *interval(g)[:2])), None)
        if failed is None:
            shown.add(label)
            span.add(candidates[label].atoms)
        else:
            model.withdraw(handle_of[label])
            order.remove(failed)
            order.insert(0, failed)
    report(1, 1)
    hidden = [label for label in hidden if label not in shown]
    findings = []
    for group in checked:
        low_int, high_int, _, _ = interval(group)
        findings.append(Finding(group.label, group.n, low_int, high_int))
    return AuditResult(shown, hidden, findings, model.solves, time.perf_counter() - started,
                       {label: candidates[label] for label in shown})
