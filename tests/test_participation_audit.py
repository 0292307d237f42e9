"""What organizers saw of a running wave, and the joint audit that takes it into account.

During a running wave the survey page shows per segment only "k or more" or "fewer than k
(or none)", and the wave's total where that pins no small group
(``ikzsurvey.results.participation_knowledge``). The audit of every release assumes that an
organizer knows all of it for the final counts (the last look may have come just before the
close). The attacker of ``tests/disclosure.py`` is given what the page showed in a
simulated wave — flags, the last total shown, and whether anyone answered after it — and
must pin nothing the audit let through.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, example, given, settings

from ikzsurvey.results.audit import AuditError
from ikzsurvey.results.participation_knowledge import (
    INF,
    known_totals,
    running_view,
    safe_lower_bound,
    total_pins_nothing,
    upper_bounds,
)
from ikzsurvey.results.release_audit import Earlier, audit_survey
from ikzsurvey.results.suppression import lattice

from .disclosure import ALL, Published, Seen, attack_releases, survey_counts
from .test_audit import AGGREGATIONS, ONE_FIVE_FIVE_FIVE, TWO_BY_TWO, K, _respondents, tables

SEGMENTS = [("m1", "emp"), ("m1", "cit"), ("m2", "emp"), ("m2", "cit")]


def wave_of(sizes: dict) -> dict:
    return {s: sizes.get(s, 0) for s in SEGMENTS}


def test_a_running_waves_total_is_shown_where_it_leaves_every_small_group_open():
    responses = wave_of({("m1", "emp"): 12, ("m2", "cit"): 2})
    view = running_view(responses, {}, set(SEGMENTS), SEGMENTS, K)
    assert view.total == 14
    assert view.large == {("m1", "emp")}


def test_a_total_that_would_bound_a_small_group_below_k_is_not_shown():
    # 6 + 2: "m1/emp has k or more" and a total of 8 leave the other at most 3 < k.
    responses = wave_of({("m1", "emp"): 6, ("m2", "cit"): 2})
    view = running_view(responses, {}, set(SEGMENTS), SEGMENTS, K)
    assert view.total is None and view.large == {("m1", "emp")}
    # Had it been shown, nothing a release hides could undo it: the wave's total and the
    # flag pin the group of 2 with no release at all.
    seen = Seen(frozenset({("m1", "emp", "w1")}), {"w1": (8, True)})
    dimensions = (("m1", "m2"), ("emp", "cit"), ("w1",))
    truth = {cell: sum(n for (m, a), n in responses.items()
                       if cell[0] in (ALL, m) and cell[1] in (ALL, a))
             for cell in lattice(dimensions)}
    pinned = attack_releases(dimensions, [], {}, set(SEGMENTS), truth, K, seen)
    assert ("m2", "cit", "w1") in {p.cell for p in pinned}


def test_a_total_is_not_shown_when_nearly_every_invitation_was_used():
    # No open links: 12 of 13 and 2 of 2 invitations used. "At least 14 of 15" leaves the
    # group of 2 at least 1 of its 2 invitations.
    responses = wave_of({("m1", "emp"): 12, ("m2", "cit"): 2})
    issued = {("m1", "emp"): 13, ("m2", "cit"): 2}
    assert running_view(responses, issued, set(), SEGMENTS, K).total is None
    issued[("m1", "emp")] = 30
    assert running_view(responses, issued, set(), SEGMENTS, K).total == 14


def test_where_the_total_cannot_be_shown_the_audit_assumes_a_lower_bound_that_pins_nothing():
    responses = wave_of({("m1", "emp"): 12, ("m2", "cit"): 2})
    issued = {("m1", "emp"): 13, ("m2", "cit"): 2}
    upper = upper_bounds(responses, issued, set(), SEGMENTS)
    assert upper[("m1", "cit")] == 0 and upper[("m2", "cit")] == 2
    assert not total_pins_nothing(responses, upper, SEGMENTS, K)
    # 15 invitations, and the group of 2 keeps both of its own open: at least 13.
    assert safe_lower_bound(responses, upper, SEGMENTS, K) == 13
    known = known_totals(responses, upper, SEGMENTS, K)
    assert (known.exact, known.at_least, known.large) == (False, 13, {("m1", "emp")})
    # With an open link anywhere in the wave nothing bounds it: the total itself.
    assert safe_lower_bound(responses, {**upper, ("m1", "cit"): INF}, SEGMENTS, K) == 14


def _organizer_release(dimensions, sizes, invitations, open_segments, seed, seen):
    """Audit a release with what organizers saw, and attack it with ``seen``."""
    counts = survey_counts(_respondents(sizes, seed), invitations)
    shown_cells = audit_survey(counts, dimensions, AGGREGATIONS, K, open_segments,
                               participation_seen=True).shown
    shown = {c: counts.responses.get(c, 0) for c in shown_cells}
    questions = {
        key: ("multiple" if AGGREGATIONS[key] == "multiple" else "single",
              {c: dict(counts.questions[key].values.get(c, {})) for c in shown_cells},
              {c: counts.questions[key].n.get(c, 0) for c in shown_cells})
        for key in AGGREGATIONS
    }
    truth = {c: counts.responses.get(c, 0) for c in lattice(dimensions)}
    release = Published(tuple(dimensions[2]), shown, questions)
    pinned = attack_releases(dimensions, [release], counts.invitations, open_segments,
                             truth, K, seen)
    return shown, pinned


def test_the_single_respondent_of_1_5_5_5_stays_open_to_an_organizer_who_saw_the_flags():
    # The organizer saw the three 5s flagged "k or more" and, at some look, a total; any
    # total shown beside those flags tells that the fourth group is at most total − 15.
    everywhere = {s[:2] for s in ONE_FIVE_FIVE_FIVE}
    large = frozenset(s for s, n in ONE_FIVE_FIVE_FIVE.items() if n >= K)
    for total in (15, 16):
        seen = Seen(large, {"w1": (total, False)})
        shown, pinned = _organizer_release(TWO_BY_TWO, ONE_FIVE_FIVE_FIVE, {}, everywhere, 0,
                                           seen)
        assert pinned == []
        # A viewer's audit shows the total 16 (tests/test_audit.py); beside the flags it
        # would say that the fourth group holds at most 1: hidden here.
        assert (ALL, ALL, ALL) not in shown
        assert ("m1", "cit", "w1") in shown


def test_a_total_seen_after_the_last_answer_is_an_equation_the_release_respects():
    # 10/10/10/2: the total 32 pins nothing by itself, so the page showed it; an organizer
    # who looked and then closed the wave knows it is final. The three 10s shown beside it
    # would leave 2 for the last group: one of them stays hidden.
    sizes = {("m1", "emp", "w1"): 10, ("m1", "cit", "w1"): 10,
             ("m2", "emp", "w1"): 10, ("m2", "cit", "w1"): 2}
    everywhere = {s[:2] for s in sizes}
    large = frozenset(s for s, n in sizes.items() if n >= K)
    assert running_view(wave_of({s[:2]: n for s, n in sizes.items()}), {}, everywhere,
                        SEGMENTS, K).total == 32
    shown, pinned = _organizer_release(TWO_BY_TWO, sizes, {}, everywhere, 0,
                                       Seen(large, {"w1": (32, True)}))
    assert pinned == []
    assert sum(1 for s in large if s in shown) < 3


def test_the_audit_takes_a_total_the_page_could_show_as_an_equation():
    # Only the equation tells the last group from the three 10s an earlier release showed
    # (one audited without what organizers saw): the audit finds it pinned before it starts.
    sizes = {("m1", "emp", "w1"): 10, ("m1", "cit", "w1"): 10,
             ("m2", "emp", "w1"): 10, ("m2", "cit", "w1"): 2}
    everywhere = {s[:2] for s in sizes}
    counts = survey_counts(_respondents(sizes))
    earlier = [Earlier("r1", ("w1",), [s for s in sizes if sizes[s] == 10])]
    with pytest.raises(AuditError, match="pinned by earlier releases alone"):
        audit_survey(counts, TWO_BY_TWO, AGGREGATIONS, K, everywhere, earlier,
                     participation_seen=True)
    assert audit_survey(counts, TWO_BY_TWO, AGGREGATIONS, K, everywhere, earlier).shown


def seen_in(dimensions, sizes, invitations, open_segments, rng) -> Seen:
    """What the survey page showed in a simulated run of each wave: its respondents arrive
    in a random order, the organizer looks a few times (sometimes last, after the final
    answer), and each look shows what ``running_view`` shows for the counts so far. The
    flags are those of the final counts (the strongest a last look could show)."""
    segments = list(itertools.product(dimensions[0], dimensions[1]))
    large = frozenset(s for s, n in sizes.items() if n >= K)
    totals = {}
    for wave in dimensions[2]:
        arrivals = [s for s in segments for _ in range(sizes[(*s, wave)])]
        rng.shuffle(arrivals)
        looks = sorted(rng.sample(range(len(arrivals) + 1), min(3, len(arrivals) + 1)))
        if rng.random() < 0.5:
            looks.append(len(arrivals))
        issued = {s: invitations.get((*s, wave), 0) for s in segments}
        for look in looks:
            view = running_view(Counter(arrivals[:look]), issued, open_segments, segments, K)
            if view.total is not None:
                totals[wave] = (view.total, look == len(arrivals))
    return Seen(large, totals)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example((TWO_BY_TWO, ONE_FIVE_FIVE_FIVE, {}, {s[:2] for s in ONE_FIVE_FIVE_FIVE}, 0))
@example((TWO_BY_TWO, {("m1", "emp", "w1"): 2, ("m1", "cit", "w1"): 6,
                       ("m2", "emp", "w1"): 6, ("m2", "cit", "w1"): 6},
          {s: 6 for s in itertools.product(*TWO_BY_TWO)}, set(), 1))
@given(tables())
def test_no_table_releases_a_cell_pinned_with_what_organizers_saw(table):
    dimensions, sizes, invitations, open_segments, seed = table
    seen = seen_in(dimensions, sizes, invitations, open_segments, random.Random(seed))
    _, pinned = _organizer_release(dimensions, sizes, invitations, open_segments, seed, seen)
    assert pinned == []


def test_an_earlier_release_bounds_only_the_waves_it_covered():
    # Wave 1 holds 1/5/5/5, wave 2 0/5/5/5, three spare invitations everywhere; the waves
    # are released in turn. Release 1 showed no invitations of wave 2: its silence there is
    # no bound of 0, so the group "m1/emp over both waves" (1 response, 4 + 3 = 7
    # invitations) must stay open up to k.
    dimensions = (("m1", "m2"), ("emp", "cit"), ("w1", "w2"))
    sizes = {}
    for wave, first in (("w1", 1), ("w2", 0)):
        for (m, a), n in zip(SEGMENTS, (first, 5, 5, 5)):
            sizes[(m, a, wave)] = n
    invitations = {s: n + 3 for s, n in sizes.items()}
    respondents = _respondents(sizes)
    everything = survey_counts(respondents, invitations)
    wave_1 = {s: n for s, n in invitations.items() if s[2] == "w1"}
    first = survey_counts([r for r in respondents if r.segment[2] == "w1"], wave_1)
    shown_1 = audit_survey(first, (*dimensions[:2], ("w1",)), AGGREGATIONS, K,
                           participation_seen=True).shown
    earlier = [Earlier(1, ("w1",), shown_1, first.invitations)]
    shown_2 = audit_survey(everything, dimensions, AGGREGATIONS, K, (), earlier,
                           participation_seen=True).shown

    def release(counts, cells, waves):
        return Published(waves, {c: counts.responses.get(c, 0) for c in cells}, {
            key: ("multiple" if AGGREGATIONS[key] == "multiple" else "single",
                  {c: dict(counts.questions[key].values.get(c, {})) for c in cells},
                  {c: counts.questions[key].n.get(c, 0) for c in cells})
            for key in AGGREGATIONS})

    published = [release(first, shown_1, ("w1",)),
                 release(everything, shown_2, ("w1", "w2"))]
    truth = {(("w1", "w2"), ("m1", "emp", ALL)): 1, (("w1",), ("m1", "emp", ALL)): 1}
    for s, n in sizes.items():
        truth[((s[2],) if s[2] == "w1" else ("w1", "w2"), s)] = n
    assert attack_releases(dimensions, published, everything.invitations, set(), truth,
                           K) == []
