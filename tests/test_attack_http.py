"""The attacks live in the test suite: readers fetch over HTTP everything they may see of a
survey's releases and solve it jointly (tests/disclosure.py, written apart from the
audit), release after release. No cell with 0 < n < k may be pinned.

What is fetched (tests/http_reading.py): the API for every breakdown (``by=`` every subset
of municipality, audience, wave) and every wave or none; the CSV exports for the same, and
the XLSX exports too (in generated cases and the demo a sample of them); the public
summaries' exports; every released comment list (each selection's question page and
dashboard: the parts of the release's one partition, told apart by the comments' words);
for organizers, the free-text review (the comments the parts of their release show, each
naming its part) and the survey page, also as it was just before each wave closed (used in
tests/test_attack_participation.py). Every surface must agree with the others on every
number it shows. The dashboard and the question pages show nothing the API does not
(:func:`tests.test_attack_pages.test_the_pages_show_the_numbers_of_the_api`).

The attacker is the organizer: he sees every release the viewers see (he can make himself
a viewer account, and public summaries are public) and more, so a cell he cannot pin no
viewer can; when he does pin one, the viewers' attack says whether they can too.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings

from ikzsurvey.db import db

from .attack_world import Case, K, Seen, cases, demo, play, segments_of
from .conftest import make_app
from .disclosure import Published, attack_releases


def attack(seen: Seen, role: str, extra=(), used=None, issued=None, running=None):
    """Everything ``role`` read (viewers: their releases; organizers: every release read),
    with ``extra`` releases, attacked jointly: the pinned cells. ``used``, ``issued`` and
    ``running`` (a :class:`.disclosure.Seen`) are what the survey page showed."""
    waves_read = seen.viewer if role == "viewer" else list(seen.readings)
    readings = [seen.readings[waves] for waves in waves_read]
    invitations = dict(issued or {})
    for reading in readings:
        for segment, n in reading.segments().items():
            invitations[segment] = min(n, invitations.get(segment, n))
    waves = {w for r in [*readings, *extra] for w in r.waves}
    dimensions = (*seen.names, tuple(sorted(waves)))
    return attack_releases(dimensions,
                           [r.published(seen.every_released) for r in readings] + list(extra),
                           invitations, seen.open_segments, seen.truth(waves_read), K,
                           running, used)


def review_counts(seen: Seen) -> list[Published]:
    """The free-text review: per question, how many comments each part of the organizer's
    release shows (each comment names its part). It lists no other comment; were one
    listed as shown nowhere, the review would hold every comment of the release's waves,
    and its length the whole cooperation's number of comments."""
    return [Published(waves, {}, {key: ("text", {}, {
        **({(None, None, None): sum(parts.values())} if None in parts else {}),
        **{cell: n for cell, n in parts.items() if cell is not None}})
        for key, parts in review.parts.items()})
        for waves, review in seen.review.items()]


def assert_no_pins(seen: Seen) -> None:
    assert seen.readings, "nothing was released: the case shows nothing"
    for reading in seen.readings.values():
        assert all(reading.numbers[surface] for surface in ("api", "csv", "xlsx"))
    pinned = attack(seen, "organizer", review_counts(seen))
    if pinned and seen.viewer:
        assert attack(seen, "viewer") == [], "a viewer pins cells"
    assert pinned == [], "an organizer pins cells"


#: 2 × 2 segments of 1, 5, 5 and 5 responses; no open links, so invitations bound them.
ONE_FIVE_FIVE_FIVE = Case(2, 2, (segments_of(2, 2, (1, 5, 5, 5)),))
#: A segment with exactly k in wave 1 and one more in wave 2, each wave released in turn.
K_THEN_ONE_MORE = Case(2, 2, (segments_of(2, 2, (K, 8, 9, 7)), segments_of(2, 2, (1, 8, 6, 10))),
                       open_links=frozenset({(0, 0), (1, 1)}))
#: 1/5/5/5 again, then a wave where its single respondent's segment stays empty; three
#: invitations to spare everywhere (the bug fixed in ddaaab7: test_attack_cooperations.py).
EMPTY_NEXT_WAVE = Case(2, 2, (segments_of(2, 2, (1, 5, 5, 5)), segments_of(2, 2, (0, 5, 5, 5))),
                       spare=3)


#: What was read of each case and of the demo, per database: every attack of the suite
#: (this file, tests/test_attack_cooperations.py, tests/test_attack_participation.py,
#: tests/test_attack_comments.py) on a case plays it once. A :class:`Seen` is plain data.
PLAYED: dict = {}


def run(case: Case, server_database) -> Seen:
    """Play ``case`` in an application of its own (hypothesis runs many in one test)."""
    key = (case, server_database)
    if key not in PLAYED:
        PLAYED[key] = _in_own_app(server_database, lambda app: play(app, case)[0])
    return PLAYED[key]


def run_demo(responses: int, server_database) -> Seen:
    """The demo of ``responses`` answers, read (once per database)."""
    key = ("demo", responses, server_database)
    if key not in PLAYED:
        PLAYED[key] = _in_own_app(server_database, lambda app: demo(app, responses)[0])
    return PLAYED[key]


def _in_own_app(server_database, read):
    with tempfile.TemporaryDirectory() as directory:
        app = make_app(Path(directory), server_database)
        try:
            return read(app)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.mark.parametrize("case", [ONE_FIVE_FIVE_FIVE, K_THEN_ONE_MORE],
                         ids=["1-5-5-5", "k-then-one-more"])
def test_no_reader_pins_a_cell_of_the_known_cases(server_database, case):
    assert_no_pins(run(case, server_database))


def test_the_attack_pins_what_one_more_number_would_give_away(server_database):
    """The attack is real: the release of the 1/5/5/5 table shows the council (10, of which
    Gemeinde 2's 5) and hides the rest; shown beside it, the total (16) and Gemeinde 2's
    employees (5) pin Gemeinde 1's single employee (16 − 10 − 5), jointly with what was
    read."""
    seen = run(ONE_FIVE_FIVE_FIVE, server_database)
    read = seen.readings[(1,)].responses
    assert read[(None, "council", None)] == 10 and (None, None, None) not in read
    beside = Published((1,), {(None, None, 1): 16, ("Gemeinde 2", "employees", 1): 5}, {})
    assert attack(seen, "viewer") == []
    pinned = attack(seen, "viewer", [beside])
    assert pinned and all(p.low == p.high == 1 for p in pinned)
    assert {p.cell[1][:2] for p in pinned} == {("Gemeinde 1", "employees")}


#: Generated cooperations, sized for CI: each example plays a cooperation over HTTP (5–20
#: seconds), and four tests draw them (this file's, and those of
#: tests/test_attack_cooperations.py, tests/test_attack_participation.py and
#: tests/test_attack_comments.py), besides their explicit examples: one generated example
#: each keeps the attacks under about two minutes per database on two cores. Derandomized,
#: no example database: every run plays the same cooperations.
CI = settings(max_examples=1, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@CI
@example(replace(EMPTY_NEXT_WAVE, together=True))
@given(cases(together=True))
def test_no_reader_pins_a_cell_of_any_cooperation_closed_at_once(server_database, case):
    """Every wave closed at once (one release over all of them), then published wave
    by wave (the viewers' releases, each audited against the ones before)."""
    assert_no_pins(run(case, server_database))


#: The demo's size: 600 answers over 24 segments. (At 120, the audit's worst case, computing
#: its release alone takes 45 seconds: too long for every CI run.)
DEMO_RESPONSES = 600


def test_no_reader_pins_a_cell_of_the_demo(server_database):
    """The demo's release of its two closed waves, read by its organizer and viewer."""
    assert_no_pins(run_demo(DEMO_RESPONSES, server_database))
