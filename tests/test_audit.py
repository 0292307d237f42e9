"""The joint audit (ikzsurvey.results.audit) against an independent LP attacker."""

from __future__ import annotations

import itertools
import random

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ikzsurvey.results.release_audit import audit_survey
from ikzsurvey.results.suppression import lattice, released_cells

from .disclosure import ALL, Respondent, attack, survey_counts

K = 5
LIKERT = ("s", "likert")
CHOICE = ("s", "choice")
AGGREGATIONS = {LIKERT: "ordinal", CHOICE: "multiple"}


def _respondents(sizes, seed=0):
    """``sizes``: segment → respondents; each answers a Likert item (or skips it) and ticks
    some options of a multiple-choice question."""
    rng = random.Random(seed)
    found = []
    for segment, n in sizes.items():
        for _ in range(n):
            likert = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, "dont_know", None])
            ticked = tuple(o for o in ("a", "b", "c") if rng.random() < 0.4) or None
            found.append(Respondent(segment, {LIKERT: likert, CHOICE: ticked}))
    return found


def _release(dimensions, sizes, *, invitations=None, open_segments=None, seed=0, rule=None):
    """Release the counts with the audit (or ``rule``) and attack what it shows."""
    segments = list(itertools.product(*dimensions))
    if open_segments is None:
        open_segments = {s[:2] for s in segments}  # open links everywhere: no prior bound
    counts = survey_counts(_respondents(sizes, seed), invitations or {})
    if rule is None:
        shown_cells = audit_survey(counts, dimensions, AGGREGATIONS, K, open_segments).shown
    else:
        shown_cells = rule(counts)
    shown = {c: counts.responses.get(c, 0) for c in shown_cells}
    questions = {
        key: (
            "multiple" if AGGREGATIONS[key] == "multiple" else "single",
            {c: dict(counts.questions[key].values.get(c, {})) for c in shown_cells},
            {c: counts.questions[key].n.get(c, 0) for c in shown_cells},
        )
        for key in AGGREGATIONS
    }
    truth = {c: counts.responses.get(c, 0) for c in lattice(dimensions)}
    pinned = attack(dimensions, shown, questions, counts.invitations, open_segments, truth, K)
    return shown, pinned


def _old_rule(dimensions):
    def rule(counts):
        n = {c: counts.responses.get(c, 0) for c in lattice(dimensions)}
        return released_cells(n, dimensions, K)

    return rule


TWO_BY_TWO = (("m1", "m2"), ("emp", "cit"), ("w1",))
ONE_FIVE_FIVE_FIVE = {("m1", "emp", "w1"): 1, ("m1", "cit", "w1"): 5,
                      ("m2", "emp", "w1"): 5, ("m2", "cit", "w1"): 5}


def test_the_single_respondent_of_a_1_5_5_5_table_cannot_be_pinned():
    shown, pinned = _release(TWO_BY_TWO, ONE_FIVE_FIVE_FIVE)
    assert pinned == []
    # What can be shown still is: the margins and the total.
    assert shown[(ALL, ALL, ALL)] == 16
    assert ("m1", "emp", "w1") not in shown


def test_the_attacker_is_real_it_pins_what_pairwise_rules_let_through():
    # A table where every pairwise difference and complement is 0 or ≥ k, yet a combination
    # of four numbers isolates a cell — the kind of attack the privacy audit ran on the
    # demo (Kleinmühlen: 54 − 42 + 23 − 32 = 3).
    dimensions = (("m1", "m2"), ("emp", "cou", "cit"), ("w1", "w2"))
    sizes = {s: 6 for s in itertools.product(*dimensions)}
    sizes[("m1", "cit", "w1")] = 3
    sizes[("m2", "cit", "w2")] = 3
    _, pinned_by_pairs = _release(dimensions, sizes, rule=_old_rule(dimensions))
    assert pinned_by_pairs, "the old rule should leak here; otherwise this test shows nothing"
    shown, pinned = _release(dimensions, sizes)
    assert pinned == []
    assert (ALL, ALL, ALL) in shown


def test_answers_that_tell_the_cells_apart_are_part_of_the_system():
    # 1/5/5/5 again, but the five beside the single respondent in its row all said 5, the
    # five beside it in its column all said 1, and the single one said 3. The margins
    # alone leave it 0 … 6 respondents; with the answer counts of the margins there is room
    # for exactly one: the response table is not the whole system.
    dimensions = TWO_BY_TWO
    answers = {("m1", "emp", "w1"): [3.0], ("m1", "cit", "w1"): [5.0] * 5,
               ("m2", "emp", "w1"): [1.0] * 5, ("m2", "cit", "w1"): [2.0] * 5}
    respondents = [Respondent(s, {LIKERT: v, CHOICE: ("a",)})
                   for s, values in answers.items() for v in values]
    counts = survey_counts(respondents)
    everywhere = {s[:2] for s in answers}

    def attacked(aggregations):
        cells = audit_survey(counts, dimensions, aggregations, K, everywhere).shown
        shown = {c: counts.responses.get(c, 0) for c in cells}
        questions = {key: ("multiple" if AGGREGATIONS[key] == "multiple" else "single",
                           {c: dict(counts.questions[key].values.get(c, {})) for c in cells},
                           {c: counts.questions[key].n.get(c, 0) for c in cells})
                     for key in AGGREGATIONS}
        truth = {c: counts.responses.get(c, 0) for c in lattice(dimensions)}
        return attack(dimensions, shown, questions, {}, everywhere, truth, K)

    assert attacked({}), "auditing the responses alone should leave the answers to pin it"
    assert attacked(AGGREGATIONS) == []


def test_public_invitation_counts_are_part_of_what_the_attacker_knows():
    # No open links: a segment's responses are at most its invitations. With 6 invited and 6
    # answering in every segment but one, everything is determined by the invitations unless
    # the audit takes them into account.
    dimensions = TWO_BY_TWO
    sizes = {("m1", "emp", "w1"): 2, ("m1", "cit", "w1"): 6,
             ("m2", "emp", "w1"): 6, ("m2", "cit", "w1"): 6}
    invitations = {s: 6 for s in sizes}
    shown, pinned = _release(dimensions, sizes, invitations=invitations, open_segments=set())
    assert pinned == []
    # Ignoring them, the attacker would win: the audit must not.
    _, pinned_by_pairs = _release(dimensions, sizes, invitations=invitations,
                                  open_segments=set(), rule=_old_rule(dimensions))
    assert pinned_by_pairs


def test_a_release_without_small_groups_shows_every_non_empty_cell():
    sizes = {s: 7 for s in itertools.product(*TWO_BY_TWO)}
    shown, pinned = _release(TWO_BY_TWO, sizes)
    assert pinned == [] and len(shown) == len(lattice(TWO_BY_TWO))


@st.composite
def tables(draw):
    dimensions = (
        tuple(f"m{i}" for i in range(draw(st.integers(2, 4)))),
        tuple(f"a{i}" for i in range(draw(st.integers(2, 3)))),
        tuple(f"w{i}" for i in range(draw(st.integers(1, 3)))),
    )
    segments = list(itertools.product(*dimensions))
    sizes = {s: draw(st.integers(0, K + 2)) for s in segments}
    closed = draw(st.sets(st.sampled_from([s[:2] for s in segments])))
    invitations = {s: sizes[s] + draw(st.integers(0, 3)) for s in segments}
    return dimensions, sizes, invitations, {s[:2] for s in segments} - closed, draw(
        st.integers(0, 2**16))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example((TWO_BY_TWO, ONE_FIVE_FIVE_FIVE, {}, {s[:2] for s in ONE_FIVE_FIVE_FIVE}, 0))
@given(tables())
def test_no_table_releases_a_pinned_cell(table):
    dimensions, sizes, invitations, open_segments, seed = table
    _, pinned = _release(dimensions, sizes, invitations=invitations,
                         open_segments=open_segments, seed=seed)
    assert pinned == []
