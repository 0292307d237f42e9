"""Interim releases of a running wave, audited jointly (release_audit.audit_survey).

An interim release cuts a running wave: it shows the responses so far. Its numbers are
stored with it (today's answers no longer give them), the responses between two cuts are
a *piece* whose size nobody stores, and every later release is audited against the interim
one so that what came in after the cut never shows up as a difference. The attacker of
tests/disclosure.py models each piece as a wave of its own.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ikzsurvey.results.release_audit import Earlier, audit_survey, bounded_segments

from .disclosure import ALL, Published, attack_releases, survey_counts
from .test_audit import AGGREGATIONS, K, _respondents

MUNICIPALITIES, AUDIENCES = ("m1", "m2"), ("emp", "cit")
SEGMENTS = [(m, a) for m in MUNICIPALITIES for a in AUDIENCES]
DIMENSIONS = (MUNICIPALITIES, AUDIENCES, ("w1",))


def _respondents_in_pieces(pieces: list[dict]) -> list[list]:
    """``pieces``: per piece, (municipality, audience) → how many answered in it."""
    found = []
    for number, sizes in enumerate(pieces):
        found.append(_respondents({(*s, "w1"): n for s, n in sizes.items()}, seed=number))
    return found


def _as_pieces(cells, counts, upto: int):
    """What one release showed, for the attacker: wave "w1" is the pieces p0 … p{upto-1}."""
    def attacker_cell(cell):
        return (*cell[:2], ALL)

    waves = tuple(f"p{i}" for i in range(upto))
    return Published(waves, {attacker_cell(c): counts.responses.get(c, 0) for c in cells}, {
        key: ("multiple" if AGGREGATIONS[key] == "multiple" else "single",
              {attacker_cell(c): dict(counts.questions[key].values.get(c, {})) for c in cells},
              {attacker_cell(c): counts.questions[key].n.get(c, 0) for c in cells})
        for key in AGGREGATIONS})


def _releases(pieces: list[dict], open_segments=frozenset(SEGMENTS), invitations=None):
    """Cut the wave after each piece but the last, then release it closed; attack all."""
    respondents = _respondents_in_pieces(pieces)
    earlier, published, truth = [], [], {}
    so_far = []
    for number, piece in enumerate(respondents, start=1):
        so_far = so_far + piece
        counts = survey_counts(so_far, invitations)
        cut = number < len(respondents)
        result = audit_survey(counts, DIMENSIONS, AGGREGATIONS, K, open_segments, earlier)
        earlier.append(Earlier(number, ("w1",), result.shown, counts.invitations,
                               cut=("w1",) if cut else (), numbers=result.published,
                               bounded=bounded_segments(counts, ("w1",), open_segments)))
        published.append(_as_pieces(result.shown, counts, number))
    waves = tuple(f"p{i}" for i in range(len(pieces)))
    for low in range(len(pieces)):
        for high in range(low + 1, len(pieces) + 1):
            for m in (*MUNICIPALITIES, ALL):
                for a in (*AUDIENCES, ALL):
                    n = sum(piece.get((mm, aa), 0) for piece in pieces[low:high]
                            for mm, aa in SEGMENTS if m in (ALL, mm) and a in (ALL, aa))
                    truth[(waves[low:high], (m, a, ALL))] = n
    dimensions = (MUNICIPALITIES, AUDIENCES, waves)
    # Invitations bound each segment's pieces together (the segments themselves are
    # left unbounded: every piece is a "wave" of the attacker).
    bounds = [([(*s, piece) for piece in waves], invitations[(*s, "w1")])
              for s in SEGMENTS if s not in open_segments]

    def prior(cell_segments):
        segments = {s[:2] for s in cell_segments}
        if segments & set(open_segments):
            return math.inf
        return sum(invitations[(*s, "w1")] for s in segments)

    pinned = [attack_releases(dimensions, published[:n], {}, set(SEGMENTS), truth, K,
                              bounds=bounds, prior=prior) for n in range(1, len(published) + 1)]
    return earlier, pinned


def _releases_pinned(pieces: list[dict], **kwargs):
    """:func:`_releases`, and what everything released pins."""
    earlier, pinned = _releases(pieces, **kwargs)
    return earlier, pinned[-1]


EVEN = {s: 6 for s in SEGMENTS}


def test_one_response_after_an_interim_release_does_not_show_as_a_difference():
    earlier, pinned = _releases_pinned([EVEN, {("m1", "emp"): 1}])
    assert pinned == []
    interim, final = earlier
    assert ("m1", "emp", "w1") in interim.shown
    # The final release cannot show the segment again with one more in it.
    assert ("m1", "emp", "w1") not in final.shown


def test_the_same_wave_without_the_interim_release_shows_everything():
    # The cost above is the interim release's: released closed at once, every cell shows.
    earlier, pinned = _releases_pinned([{**EVEN, ("m1", "emp"): 7}])
    assert pinned == []
    assert ("m1", "emp", "w1") in earlier[0].shown


def test_k_or_more_after_an_interim_release_show_again():
    earlier, pinned = _releases_pinned([EVEN, {s: K for s in SEGMENTS}])
    assert pinned == []
    assert all((*s, "w1") in earlier[1].shown for s in SEGMENTS)


def test_a_few_after_each_of_two_interim_releases():
    pieces = [EVEN, {("m1", "emp"): 2, ("m2", "cit"): 1}, {("m1", "cit"): 3}]
    earlier, pinned = _releases_pinned(pieces)
    assert pinned == []


def test_a_piece_bounded_by_its_invitations_learns_nothing_from_the_later_release():
    # Seven invitations per segment: once the interim release shows 6, everybody knows that
    # at most one more can come (its piece is "pinned" to [0, 1] by the interim release and
    # the invitations alone, before anyone answered). The final release must add nothing.
    invitations = {(*s, "w1"): 7 for s in SEGMENTS}
    earlier, (after_interim, after_final) = _releases(
        [EVEN, {("m1", "emp"): 1}], open_segments=frozenset(), invitations=invitations)
    assert after_interim
    assert {p.cell: (p.low, p.high) for p in after_final} == {
        p.cell: (p.low, p.high) for p in after_interim}
    assert ("m1", "emp", "w1") not in earlier[1].shown


@st.composite
def runs(draw):
    """A wave cut once or twice: a first piece of 0 … k + 2 per segment, then a few more."""
    pieces = [{s: draw(st.integers(0, K + 2)) for s in SEGMENTS}]
    for _ in range(draw(st.integers(1, 2))):
        pieces.append({s: draw(st.integers(0, 3)) for s in SEGMENTS})
    open_segments = frozenset(draw(st.sets(st.sampled_from(SEGMENTS))))
    invitations = {(*s, "w1"): sum(p[s] for p in pieces) + draw(st.integers(0, 2))
                   for s in SEGMENTS}
    return pieces, open_segments, invitations


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(([{("m1", "emp"): 0, ("m1", "cit"): 6, ("m2", "emp"): 0, ("m2", "cit"): 1},
           {("m1", "emp"): 1, ("m1", "cit"): 2, ("m2", "emp"): 0, ("m2", "cit"): 3},
           {("m1", "emp"): 0, ("m1", "cit"): 1, ("m2", "emp"): 0, ("m2", "cit"): 1}],
          frozenset(), {("m1", "emp", "w1"): 1, ("m1", "cit", "w1"): 9,
                        ("m2", "emp", "w1"): 0, ("m2", "cit", "w1"): 5}))
@given(runs())
def test_no_release_after_a_cut_pins_more_than_was_known(run):
    pieces, open_segments, invitations = run
    earlier, pinned = _releases(pieces, open_segments=open_segments, invitations=invitations)
    # The first release pins none of its own groups. Release n (covering pieces 0 … n−1)
    # bounds nothing anew but groups of responses still to come (pieces n, …): by the
    # invitations left over, which is no one's answer. The final release, with nothing
    # to come, adds nothing at all.
    assert not [p for p in pinned[0] if p.cell[0] == ("p0",)]
    for n, (before, after) in enumerate(zip(pinned, pinned[1:]), start=2):
        known = {p.cell: (p.low, p.high) for p in before}
        new = [p for p in after if known.get(p.cell) != (p.low, p.high)]
        assert [p for p in new if min(int(w[1:]) for w in p.cell[0]) < n] == []


def test_invitations_issued_after_the_cut_do_not_bound_what_came_before():
    # Two answers came in before the cut while the segment had no invitations (entered
    # otherwise); invitations issued later must not turn into a bound of 0 before the cut.
    respondents = _respondents({("m1", "emp", "w1"): 6, ("m2", "cit", "w1"): 6})
    at_cut = survey_counts(respondents, {})
    first = audit_survey(at_cut, DIMENSIONS, AGGREGATIONS, K, (), participation_seen=True)
    earlier = [Earlier(1, ("w1",), first.shown, at_cut.invitations, cut=("w1",),
                       numbers=first.published, seen=first.participation,
                       bounded=bounded_segments(at_cut, ("w1",), ()))]
    later = survey_counts(respondents, {("m1", "emp", "w1"): 6, ("m2", "cit", "w1"): 6})
    final = audit_survey(later, DIMENSIONS, AGGREGATIONS, K, (), earlier,
                         participation_seen=True)
    assert ("m1", "emp", "w1") in final.shown
