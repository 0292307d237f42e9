"""What councils read from released numbers: agreement and divergence, importance and
performance, change between waves — on hand-built results, so every number is known."""

from __future__ import annotations

import pytest

from ikzsurvey.questions import Likert, Number, QuestionSet
from ikzsurvey.results.analysis import (
    IPAPoint,
    Selection,
    agree_and_diverge,
    agreement,
    importance_performance,
    question_trend,
    score_trend,
    spread,
    trend,
)
from ikzsurvey.results.service import (
    CellResult,
    CellScore,
    QuestionResult,
    ScoreResult,
    SurveyResults,
    WaveInfo,
)
from ikzsurvey.results.suppression import ALL, lattice

# Three municipalities, two audiences, three waves.
M1, M2, M3 = 1, 2, 3
EMPLOYEES, CITIZENS = 10, 20
W1, W2, W3 = 100, 200, 300
DIMENSIONS = ((M1, M2, M3), (EMPLOYEES, CITIZENS), (W1, W2, W3))
WAVES = [WaveInfo(W1, 1, "closed"), WaveInfo(W2, 2, "closed"), WaveInfo(W3, 3, "open")]
TOTAL = (ALL, ALL, ALL)
EVERYWHERE = Selection()

# --- Helpers ---------------------------------------------------------------------------


def likert(question_id, *, facet=None, dimension=None, section=None, scale=5):
    return Likert(id=question_id, text=f"Text of {question_id}", facet=facet,
                  dimension=dimension, section=section, scale=scale)


def question_set(*questions, set_id="set"):
    return QuestionSet(id=set_id, version=1, title=f"Title of {set_id}",
                       questions=list(questions))


def shown(cell, mean, consensus=0.5, n=20):
    return CellResult(cell=cell, suppressed=False, n=n, mean=mean, consensus=consensus)


def hidden(cell):
    return CellResult(cell=cell, suppressed=True)


def result(qs, question_id, total=None, consensus=0.5, *, municipalities=None,
           audiences=None, waves=None, n=20):
    """A question's result: ``total`` in the whole cooperation (None: suppressed), means per
    municipality, audience or wave where given (None: suppressed); every other cell hidden."""
    question = qs.question(question_id)
    cells = {cell: hidden(cell) for cell in lattice(DIMENSIONS)}
    if total is not None:
        cells[TOTAL] = shown(TOTAL, total, consensus, n)
    for d, means in enumerate((municipalities, audiences, waves)):
        for value, mean in (means or {}).items():
            cell = EVERYWHERE.along(d, value)
            cells[cell] = hidden(cell) if mean is None else shown(cell, mean, consensus, n)
    return QuestionResult(qs, question, "ordinal", 5, cells)


def survey(*questions, scores=()):
    return SurveyResults(k=5, dimensions=DIMENSIONS, waves=WAVES, questions=list(questions),
                         scores=list(scores), responses={}, invitations={})


def ids(items):
    return [item.result.question.id for item in items]


# --- 7. Agreement and divergence ---------------------------------------------------------


def test_agree_list_puts_the_highest_consensus_first():
    qs = question_set(*(likert(q) for q in "abcd"))
    results = survey(*(result(qs, q, 3.0, c) for q, c in zip("abcd", (0.6, 0.9, 0.3, 0.75),
                                                             strict=True)))
    agreeing, diverging = agree_and_diverge(agreement(results, EVERYWHERE))
    assert ids(agreeing) == ["b", "d", "a", "c"] and diverging == []


def test_diverge_list_puts_the_largest_spread_of_the_scale_first():
    qs = question_set(likert("small"), likert("towns"), likert("groups"),
                      likert("seven", scale=7))
    results = survey(
        result(qs, "small", 3.0, 0.5, municipalities={M1: 3.0, M2: 4.04}),  # 1.04 / 4 = .26
        result(qs, "towns", 3.0, 0.5, municipalities={M1: 2.0, M2: 4.0}),  # 2.0 / 4 = .50
        result(qs, "groups", 3.0, 0.5, audiences={EMPLOYEES: 2.5, CITIZENS: 3.7}),  # .30
        result(qs, "seven", 4.0, 0.5, municipalities={M1: 3.0, M2: 5.4}),  # 2.4 / 6 = .40
    )
    _agreeing, diverging = agree_and_diverge(agreement(results, EVERYWHERE))
    assert ids(diverging) == ["towns", "seven", "groups", "small"]
    assert [item.divergence for item in diverging] == pytest.approx([0.5, 0.4, 0.3, 0.26])


def test_an_item_appears_in_one_list_only_and_each_list_holds_five():
    names = [f"q{i}" for i in range(12)]
    qs = question_set(*(likert(q) for q in names))
    results = survey(*(
        result(qs, q, 3.0, consensus=0.1 * (i % 10),
               municipalities={M1: 1.0, M2: 1.0 + 0.35 * i} if i % 3 else None)
        for i, q in enumerate(names)))
    agreeing, diverging = agree_and_diverge(agreement(results, EVERYWHERE))
    assert ids(diverging) == ["q11", "q10", "q8", "q7", "q5"]  # spread 0.35·i of 4 points
    assert len(agreeing) == 5 and ids(agreeing)[:2] == ["q9", "q6"]
    assert not set(ids(agreeing)) & set(ids(diverging))


def test_a_clearly_agreed_item_is_listed_under_agree_not_diverge():
    """Near-identical means (3.9 vs 3.8) and a consensus of 0.9: that is agreement; the
    item with means 2.5 vs 4.5 and a consensus of 0.3 is where the partners diverge."""
    qs = question_set(likert("agreed"), likert("disputed"))
    results = survey(
        result(qs, "agreed", 3.85, 0.9, municipalities={M1: 3.9, M2: 3.8}),
        result(qs, "disputed", 3.5, 0.3, municipalities={M1: 2.5, M2: 4.5}),
    )
    agreeing, diverging = agree_and_diverge(agreement(results, EVERYWHERE))
    assert (ids(agreeing), ids(diverging)) == (["agreed"], ["disputed"])


def test_items_suppressed_in_the_selection_are_in_no_list():
    qs = question_set(likert("shown"), likert("hidden"))
    results = survey(result(qs, "shown", 3.0, 0.8),
                     result(qs, "hidden", None, municipalities={M1: 1.0, M2: 5.0}))
    items = agreement(results, EVERYWHERE)
    assert [item.result.question.id for item in items] == ["shown"]


def test_suppressed_groups_take_no_part_in_the_spread():
    qs = question_set(likert("q"), likert("lonely"))
    results = survey(
        result(qs, "q", 3.0, municipalities={M1: 3.0, M2: None, M3: 4.5}),
        result(qs, "lonely", 3.0, municipalities={M1: 1.0, M2: None, M3: None}),
    )
    by_id = {item.result.question.id: item for item in agreement(results, EVERYWHERE)}
    assert (by_id["q"].municipalities.high, by_id["q"].municipalities.low) == (M3, M1)
    assert by_id["q"].municipalities.difference == 1.5
    assert by_id["lonely"].municipalities is None and by_id["lonely"].divergence is None
    _agreeing, diverging = agree_and_diverge(list(by_id.values()))
    assert ids(diverging) == ["q"]


def test_spread_names_the_highest_and_the_lowest_group():
    qs = question_set(likert("q"))
    r = result(qs, "q", 3.3, municipalities={M1: 3.2, M2: 4.6, M3: 2.1},
               audiences={EMPLOYEES: 3.75, CITIZENS: 2.5})
    towns = spread(r, EVERYWHERE, 0, DIMENSIONS[0])
    groups = spread(r, EVERYWHERE, 1, DIMENSIONS[1])
    assert (towns.high, towns.high_mean, towns.low, towns.low_mean) == (M2, 4.6, M3, 2.1)
    assert towns.difference == 2.5
    assert (groups.high, groups.low, groups.difference) == (EMPLOYEES, CITIZENS, 1.25)


# --- 8. Importance and performance -------------------------------------------------------


def pair(stem, dimension="f", section=None):
    return (likert(f"{stem}-importance", facet="importance", dimension=dimension,
                   section=section),
            likert(f"{stem}-performance", facet="performance", dimension=dimension,
                   section=section))


def ipa_results(qs, means: dict[str, tuple[float | None, float | None]], n=20):
    """Importance and performance means per stem (None: that cell suppressed)."""
    found = []
    for stem, (importance, performance) in means.items():
        found.append(result(qs, f"{stem}-importance", importance, n=n))
        found.append(result(qs, f"{stem}-performance", performance, n=n))
    return found


def test_only_matching_likert_items_with_their_facets_are_paired():
    qs = question_set(
        *pair("good"),
        likert("nofacet-importance"), likert("nofacet-performance", facet="performance"),
        likert("swapped-importance", facet="importance"),
        likert("swapped-performance", facet="importance"),
        likert("alone-importance", facet="importance"),
        likert("number-importance", facet="importance"),
        Number(id="number-performance", text="n", facet="performance"),
    )
    rated = [q.id for q in qs.questions if isinstance(q, Likert)]
    results = survey(*(result(qs, q, 3.0) for q in rated),
                     result(qs, "number-performance", 3.0))
    [view] = importance_performance(results, EVERYWHERE)
    assert [p.key for p in view.items] == ["good"]


def test_pairs_are_not_made_across_question_sets():
    first = question_set(likert("x-importance", facet="importance"), set_id="first")
    second = question_set(likert("x-performance", facet="performance"), set_id="second")
    results = survey(result(first, "x-importance", 4.0),
                     result(second, "x-performance", 2.0))
    assert importance_performance(results, EVERYWHERE) == []


def test_gap_is_importance_minus_performance():
    qs = question_set(*pair("under"), *pair("over"))
    [view] = importance_performance(
        survey(*ipa_results(qs, {"under": (4.5, 3.2), "over": (2.0, 3.5)})), EVERYWHERE)
    assert {p.key: p.gap for p in view.items} == {"under": 1.3, "over": -1.5}


def test_quadrants_are_relative_to_the_crosshair_of_the_items():
    # every mean is above the scale's middle; only the crosshair tells them apart
    means = {"a": (4.8, 3.6), "b": (4.8, 4.6), "c": (4.2, 3.6), "d": (4.2, 4.6)}
    qs = question_set(*(q for stem in means for q in pair(stem)))
    [view] = importance_performance(survey(*ipa_results(qs, means)), EVERYWHERE)
    assert view.cross == (4.1, 4.5)  # (mean performance, mean importance)
    assert {p.key: p.quadrant(view.cross) for p in view.items} == {
        "a": "focus", "b": "keep-up", "c": "low-priority", "d": "overkill"}


def test_a_point_on_the_crosshair_counts_as_high():
    point = IPAPoint("p", "P", importance=4.5, performance=4.1, n=10)
    assert point.quadrant((4.1, 4.5)) == "keep-up"
    assert IPAPoint("q", "Q", 4.49, 4.1, 10).quadrant((4.1, 4.5)) == "overkill"


def test_factor_points_average_their_items():
    qs = question_set(*pair("a", "trust", "Trust"), *pair("b", "trust", "Trust"),
                      *pair("c", "money", "Money"))
    results = survey(*ipa_results(qs, {"a": (4.8, 3.6), "b": (4.5, 4.1)}, n=30),
                     *ipa_results(qs, {"c": (3.0, 2.0)}, n=12))
    [view] = importance_performance(results, EVERYWHERE)
    factors = {p.key: p for p in view.factors}
    assert set(factors) == {"trust", "money"}
    trust = factors["trust"]
    assert (trust.label, trust.importance, trust.performance, trust.n) == ("Trust", 4.65,
                                                                           3.85, 30)
    assert (factors["money"].importance, factors["money"].performance) == (3.0, 2.0)


def test_suppressed_pairs_are_left_out_of_items_factors_and_crosshair():
    qs = question_set(*pair("shown"), *pair("no-importance"), *pair("no-performance"))
    means = {"shown": (4.0, 3.0), "no-importance": (None, 1.0),
             "no-performance": (5.0, None)}
    [view] = importance_performance(survey(*ipa_results(qs, means)), EVERYWHERE)
    assert [p.key for p in view.items] == ["shown"]
    assert [(p.importance, p.performance) for p in view.factors] == [(4.0, 3.0)]
    assert view.cross == (3.0, 4.0)


def test_items_are_sorted_by_gap_largest_first():
    means = {"small": (3.0, 2.9), "large": (4.9, 2.0), "negative": (2.0, 4.0),
             "middle": (4.0, 3.0)}
    qs = question_set(*(q for stem in means for q in pair(stem)))
    [view] = importance_performance(survey(*ipa_results(qs, means)), EVERYWHERE)
    assert [(p.key, p.gap) for p in view.items] == [
        ("large", 2.9), ("middle", 1.0), ("small", 0.1), ("negative", -2.0)]


# --- 9. Trends ---------------------------------------------------------------------------


def test_change_is_against_the_previous_wave():
    points = trend([(1, 3.0), (2, 3.67), (3, 3.25)])
    assert [(p.wave, p.value, p.change) for p in points] == [
        (1, 3.0, None), (2, 3.67, 0.67), (3, 3.25, -0.42)]


def test_no_change_where_either_wave_is_suppressed():
    points = trend([(1, 3.0), (2, None), (3, 3.6), (4, 4.0)])
    # wave 3 is not compared with wave 1 across the suppressed wave 2
    assert [p.change for p in points] == [None, None, None, 0.4]
    assert points[1].value is None


def test_question_trend_follows_the_selected_municipality_per_wave():
    qs = question_set(likert("q"))
    r = result(qs, "q", 3.0)
    for wave, mean in ((W1, 2.5), (W2, None), (W3, 3.25)):
        cell = (M2, ALL, wave)
        r.cells[cell] = hidden(cell) if mean is None else shown(cell, mean)
    r.cells[(ALL, ALL, W1)] = shown((ALL, ALL, W1), 4.0)
    points = question_trend(survey(r), r, Selection(municipality=M2))
    assert [(p.wave, p.value, p.change) for p in points] == [
        (1, 2.5, None), (2, None, None), (3, 3.25, None)]


def test_score_trend_changes_only_between_shown_waves():
    qs = question_set(likert("q"))
    score = ScoreResult(qs, "index", "Index", None, 1, 5)
    for cell in lattice(DIMENSIONS):
        score.cells[cell] = CellScore(cell, True)
    score.cells[(ALL, ALL, W1)] = CellScore((ALL, ALL, W1), False, 3.1, 12)
    score.cells[(ALL, ALL, W2)] = CellScore((ALL, ALL, W2), False, 2.85, 9)
    points = score_trend(survey(scores=[score]), score, EVERYWHERE)
    assert [(p.wave, p.value, p.change) for p in points] == [
        (1, 3.1, None), (2, 2.85, -0.25), (3, None, None)]
