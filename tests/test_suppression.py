"""Minimum group size k and complementary suppression, including an attacker's view."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from ikzsurvey.results.suppression import ALL, contains, lattice, released_cells

DIMS = (("m1", "m2"), ("emp", "cit"), ("w1",))


def _counts(respondents):
    """n of every cell for respondents given as (municipality, audience, wave) tuples."""
    return {cell: sum(1 for r in respondents if _member(r, cell)) for cell in lattice(DIMS)}


def _member(respondent, cell) -> bool:
    return all(c is ALL or c == v for c, v in zip(cell, respondent, strict=True))


# m1: 6 employees and 2 citizens; m2: 9 and 7.
SMALL_CITIZEN_GROUP = (
    [("m1", "emp", "w1")] * 6
    + [("m1", "cit", "w1")] * 2
    + [("m2", "emp", "w1")] * 9
    + [("m2", "cit", "w1")] * 7
)


def test_cells_below_k_are_suppressed():
    counts = _counts(SMALL_CITIZEN_GROUP)
    shown = released_cells(counts, DIMS, k=5)
    assert ("m1", "cit", "w1") not in shown and ("m1", "cit", ALL) not in shown
    assert all(counts[c] >= 5 for c in shown)


def test_a_total_minus_the_shown_parts_cannot_reveal_a_suppressed_part():
    # m1: 6 employees, 2 citizens. m1 total (8) − m1 employees (6) would give the 2 citizens.
    counts = _counts(SMALL_CITIZEN_GROUP)
    shown = released_cells(counts, DIMS, k=5)
    m1_total, m1_emp = ("m1", ALL, ALL), ("m1", "emp", ALL)
    assert not (m1_total in shown and m1_emp in shown)
    # The cooperation total stays visible: the smaller, more specific cell is hidden instead.
    assert (ALL, ALL, ALL) in shown


def test_complementary_suppression_across_a_dimension():
    # Three audiences in one municipality: 9, 9 and 2; the total 20 minus 9 minus 9 = 2.
    dims = (("m1",), ("a", "b", "c"), ("w1",))
    respondents = [("m1", "a", "w1")] * 9 + [("m1", "b", "w1")] * 9 + [("m1", "c", "w1")] * 2
    counts = {c: sum(1 for r in respondents if _member(r, c)) for c in lattice(dims)}
    shown = released_cells(counts, dims, k=5)
    visible_parts = [c for c in shown if c[1] is not ALL and c[0] == "m1" and c[2] is ALL]
    total = ("m1", ALL, ALL)
    if total in shown:
        assert len(visible_parts) <= 1  # two shown parts would reveal the third


def _attack(respondents, dims, k, requests):
    """What an attacker learns from up to 20 filter requests: released n's and differences."""
    counts = {c: sum(1 for r in respondents if _member(r, c)) for c in lattice(dims)}
    shown = released_cells(counts, dims, k)
    seen = {c: counts[c] for c in requests if c in shown}
    isolated = []
    for cell, n in seen.items():
        if 0 < n < k:
            isolated.append((cell, n))
    for a, b in itertools.permutations(seen, 2):
        if contains(a, b):  # b is part of a: a − b is a group of respondents
            gap = seen[a] - seen[b]
            if 0 < gap < k:
                isolated.append((a, b, gap))
    # Sums of shown parts subtracted from a shown total (the complement attack).
    for parent in seen:
        for d, values in enumerate(dims):
            if parent[d] is not ALL:
                continue
            parts = [parent[:d] + (v,) + parent[d + 1 :] for v in values]
            gap = seen[parent] - sum(seen.get(p, 0) for p in parts)
            if 0 < gap < k:
                isolated.append((parent, d, gap))
    return isolated


@st.composite
def cooperations(draw):
    municipalities = [f"m{i}" for i in range(draw(st.integers(1, 4)))]
    audiences = ["employees", "council", "citizens"][: draw(st.integers(1, 3))]
    waves = [f"w{i}" for i in range(draw(st.integers(1, 3)))]
    dims = (tuple(municipalities), tuple(audiences), tuple(waves))
    size = draw(st.integers(10, 500))
    # Skewed segment sizes, so that small groups are common.
    weights = draw(
        st.lists(
            st.integers(1, 30),
            min_size=len(municipalities) * len(audiences) * len(waves),
            max_size=len(municipalities) * len(audiences) * len(waves),
        )
    )
    segments = list(itertools.product(*dims))
    rng = draw(st.randoms(use_true_random=False))
    respondents = rng.choices(segments, weights=weights, k=size)
    k = draw(st.integers(3, 10))
    cells = lattice(dims)
    requests = draw(st.lists(st.sampled_from(cells), min_size=1, max_size=20, unique=True))
    return respondents, dims, k, requests


@settings(max_examples=300, deadline=None)
@given(cooperations())
def test_no_attacker_isolates_a_group_smaller_than_k(case):
    respondents, dims, k, requests = case
    assert _attack(respondents, dims, k, requests) == []


@settings(max_examples=100, deadline=None)
@given(cooperations())
def test_the_attacker_sees_nothing_when_asking_for_every_cell(case):
    respondents, dims, k, _ = case
    assert _attack(respondents, dims, k, lattice(dims)) == []
