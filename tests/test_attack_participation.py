"""The organizer's survey page (/organize/surveys/<id>/), attacked with everything else he
reads (tests/test_attack_http.py): no cell is pinned.

What the page shows (tests/http_reading.py, ``read_participation``, read leniently: a
figure that is not a number shows none): of a closed wave, its responses, each segment's
responses and used invitations where the organizers' release shows them; of a running
wave, as seen just before it was closed, which segments have k or more responses and the
wave's total where it pins nothing; the survey's answers in its status line; invitations
issued. The attacker takes a used invitation as one response of its segment (and, without
an open link, as all of them), each "k or more" as a lower bound, and a running wave's
total as its final total (nobody answered after the organizer looked) — not "fewer than k",
which the audit does not assume either (docs/privacy.md, "What organizers see of
participation").
"""

from __future__ import annotations

from hypothesis import example, given

from .attack_world import cases
from .disclosure import Published, Seen
from .test_attack_http import (
    CI,
    DEMO_RESPONSES,
    EMPTY_NEXT_WAVE,
    K_THEN_ONE_MORE,
    ONE_FIVE_FIVE_FIVE,
    attack,
    review_counts,
    run,
    run_demo,
)


def participation(seen):
    """What the survey page showed: published numbers (each page's over the waves it
    listed), used and issued invitations per segment, and what it showed of running
    waves."""
    shown, used, issued = [], {}, {}
    large, totals = set(), {}
    for page in seen.participation:
        numbers = {(None, None, w): n for w, n in page.responses.items()}
        numbers.update(page.segments)
        if page.total is not None:
            numbers[(None, None, None)] = page.total
        shown.append(Published(page.waves, numbers, {}))
        for segment, n in page.used.items():
            assert used.setdefault(segment, n) == n, "a closed wave's count changed"
        for segment, n in page.issued.items():
            issued[segment] = min(n, issued.get(segment, n))
        large |= page.large
        for wave, total in page.running.items():
            assert totals.setdefault(wave, (total, True)) == (total, True)
    return shown, used, issued, Seen(frozenset(large), totals)


def assert_participation_pins_nothing(seen):
    shown, used, issued, running = participation(seen)
    assert seen.participation and any(p.issued for p in seen.participation)
    assert attack(seen, "organizer", review_counts(seen) + shown, used, issued, running) == []


@CI
@example(ONE_FIVE_FIVE_FIVE)
@example(K_THEN_ONE_MORE)
@example(EMPTY_NEXT_WAVE)
@given(cases())
def test_the_participation_page_pins_no_cell(server_database, case):
    assert_participation_pins_nothing(run(case, server_database))


def test_the_participation_page_pins_no_cell_of_the_demo(server_database):
    assert_participation_pins_nothing(run_demo(DEMO_RESPONSES, server_database))


def test_used_invitations_of_every_segment_would_pin_the_one_of_1_5_5_5(server_database):
    """The attack is real: the page hides the used invitations of Gemeinde 1's employees
    (1 response); shown for every segment, as the page once did, they pin that one."""
    seen = run(ONE_FIVE_FIVE_FIVE, server_database)
    shown, used, issued, running = participation(seen)
    assert ("Gemeinde 1", "employees", 1) not in used
    every = {**used, **seen.segments}  # no open links: used invitations are responses
    pinned = attack(seen, "organizer", review_counts(seen) + shown, every, issued, running)
    assert {p.cell[1][:2] for p in pinned} == {("Gemeinde 1", "employees")}
