"""Which result cells may be shown: minimum group size k and complementary suppression.

A *cell* is one combination of filters a viewer can choose — a municipality or all, an
audience or all, a wave or all — and ``n`` is how many respondents it holds (for one
question, or for the survey overview). The one rule, used by the dashboard, the API and the
exports alike (:func:`released_cells`):

1. **Primary suppression.** A cell with ``n < k`` is not shown, nor is its ``n``.
2. **Differences.** For two shown cells where one contains the other, the difference of their
   ``n`` must be 0 or at least ``k`` — otherwise subtracting one from the other isolates a
   group of 1 … k−1 respondents (across levels, across waves, across filters).
3. **Complements.** For a shown cell and its children along one dimension (its parts per
   municipality, per audience or per wave), the hidden children together must hold 0 or at
   least ``k`` respondents — otherwise the shown total minus the shown parts reveals them.

Rules 2 and 3 are restored by hiding more cells — always the smallest, most specific shown
cell involved, so totals stay visible as long as possible — until nothing is violated.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

ALL = None  # the "all" value of a dimension in a cell key

Cell = tuple[Hashable | None, ...]


def contains(outer: Cell, inner: Cell) -> bool:
    """Whether ``outer`` holds every respondent of ``inner`` (it generalises each dimension)."""
    return outer != inner and all(o is ALL or o == i for o, i in zip(outer, inner, strict=True))


def ancestors(cell: Cell) -> list[Cell]:
    """Every cell that contains ``cell``: some of its fixed dimensions set to ``ALL``."""
    found: list[Cell] = [()]
    for value in cell:
        found = [c + (v,) for c in found for v in ((value, ALL) if value is not ALL else (ALL,))]
    return [c for c in found if c != cell]


def children(parent: Cell, dimension: int, values: Sequence[Hashable]) -> list[Cell]:
    """The parts of ``parent`` along ``dimension`` (empty if it is fixed there)."""
    if parent[dimension] is not ALL:
        return []
    return [parent[:dimension] + (v,) + parent[dimension + 1 :] for v in values]


def released_cells(
    counts: Mapping[Cell, int], dimensions: Sequence[Sequence[Hashable]], k: int
) -> set[Cell]:
    """The cells that may be shown.

    :param counts: ``n`` of every cell of the full lattice: each key has one entry per
        dimension, a value of that dimension or ``ALL``. Missing cells count as 0.
    :param dimensions: the values of each dimension (e.g. municipality ids, audience ids,
        wave ids), in the order of the key's entries.
    :param k: the minimum group size.
    """
    n = dict(counts)
    shown = {cell for cell, count in n.items() if count >= k}
    by_size = sorted(shown, key=lambda c: (n[c], -_specificity(c)))
    changed = True
    while changed:
        changed = False
        # Rule 3: hidden parts of a shown cell must be 0 or at least k together.
        for parent in sorted(shown, key=lambda c: -n[c]):
            if parent not in shown:
                continue
            for d, values in enumerate(dimensions):
                parts = children(parent, d, values)
                if not parts:
                    continue
                hidden = sum(n.get(p, 0) for p in parts if p not in shown)
                if 0 < hidden < k:
                    visible = [p for p in parts if p in shown]
                    victim = min(visible, key=lambda c: (n[c], -_specificity(c)), default=None)
                    shown.discard(victim if victim is not None else parent)
                    changed = True
        # Rule 2: nested shown cells differ by 0 or at least k.
        for inner in by_size:
            if inner not in shown:
                continue
            for outer in ancestors(inner):
                if outer in shown and 0 < n[outer] - n[inner] < k:
                    shown.discard(inner)
                    changed = True
                    break
    return shown


def _specificity(cell: Cell) -> int:
    return sum(value is not ALL for value in cell)


def lattice(dimensions: Sequence[Sequence[Hashable]]) -> list[Cell]:
    """Every cell: each dimension either one of its values or ``ALL``."""
    cells: list[Cell] = [()]
    for values in dimensions:
        cells = [cell + (v,) for cell in cells for v in (ALL, *values)]
    return cells
