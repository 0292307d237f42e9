"""Statistics from aggregated counts, against hand-computed values."""

from __future__ import annotations

import math

import pytest

from ikzsurvey.results.statistics import (
    consensus,
    mean,
    median,
    standard_deviation,
    top_box_share,
)


def test_mean_standard_deviation_median_and_top_two_box():
    # answers 1, 2, 2, 4, 5, 5
    distribution = {1: 1, 2: 2, 4: 1, 5: 2}
    assert mean(distribution) == pytest.approx(19 / 6)
    squares = sum((x - 19 / 6) ** 2 for x in (1, 2, 2, 4, 5, 5))
    assert standard_deviation(distribution) == pytest.approx(math.sqrt(squares / 5))
    assert median(distribution) == 3.0  # (2 + 4) / 2
    assert median({1: 1, 2: 1, 3: 1}) == 2.0
    assert top_box_share(distribution, scale=5) == pytest.approx(3 / 6)


def test_empty_and_single_answers():
    assert mean({}) is None and median({}) is None and top_box_share({}, 5) is None
    assert standard_deviation({3: 1}) is None


# Tastle & Wierman (2007): Cns is 1 when everybody gives the same answer and 0 when the
# answers are split equally between the two extremes of the scale.
@pytest.mark.parametrize("point", [1, 2, 3, 4, 5])
def test_consensus_is_one_when_all_agree(point):
    assert consensus({point: 12}, 1, 5) == 1.0


def test_consensus_is_zero_for_total_dissent():
    assert consensus({1: 50, 5: 50}, 1, 5) == 0.0


def test_consensus_of_the_uniform_five_point_distribution():
    # 1 + 0.2·(2·log2(1/2) + 2·log2(3/4)) = 0.43399
    assert consensus({1: 1, 2: 1, 3: 1, 4: 1, 5: 1}, 1, 5) == pytest.approx(0.4339850)


def test_consensus_matches_the_reference_implementation_example():
    # The worked example of the R package agrmt (Ruedin), which implements Tastle & Wierman.
    frequencies = [30, 40, 210, 130, 530, 50, 10]
    distribution = {i + 1: f for i, f in enumerate(frequencies)}
    assert consensus(distribution, 1, 7) == pytest.approx(0.7256876, abs=1e-7)


def test_consensus_falls_as_answers_spread():
    close = consensus({3: 6, 4: 4}, 1, 5)
    wide = consensus({1: 3, 3: 4, 5: 3}, 1, 5)
    assert 1 > close > wide > 0
