"""Generated cooperations whose waves are closed one after the other, each release audited
against the earlier ones, attacked over HTTP (tests/test_attack_http.py): no reader pins a
cell.

``EMPTY_NEXT_WAVE`` is the case that found a bug (fixed in ddaaab7): 2 × 2 segments, no open
links, three spare invitations per segment and wave; wave 1 holds 1, 5, 5, 5 responses, wave
2 holds 0, 5, 5, 5. The audit took an earlier release's invitation counts also for waves that
release never covered (0 there), so "Gemeinde 1 / employees, both waves" (1 response, 7
invitations) was checked against a prior of 4, and release 2 bounded it to [0, 4]: it could
not be k or more (docs/privacy.md, "The guarantee").
"""

from __future__ import annotations

from hypothesis import example, given

from .attack_world import cases
from .test_attack_http import (
    CI,
    EMPTY_NEXT_WAVE,
    K_THEN_ONE_MORE,
    ONE_FIVE_FIVE_FIVE,
    assert_no_pins,
    run,
)


@CI
@example(ONE_FIVE_FIVE_FIVE)
@example(K_THEN_ONE_MORE)
@example(EMPTY_NEXT_WAVE)
@given(cases())
def test_no_reader_pins_a_cell_of_any_cooperation(server_database, case):
    assert_no_pins(run(case, server_database))
