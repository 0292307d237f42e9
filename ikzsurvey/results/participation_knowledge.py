"""What organizers saw of a wave while it ran, as knowledge about its final counts.

During a running wave the survey page shows (:mod:`ikzsurvey.participation`), as of the
snapshot's day, per segment only whether it has *k* or more responses, and the wave's total.
Counts only grow, so what an organizer saw bounds the wave's final counts:

* a segment shown with "k or more" has at least *k* responses in the end;
* the wave has at least as many responses as the total shown — and exactly as many when
  nobody answered after the last snapshot (an organizer who looks and then closes the wave
  knows that nobody did).

Both are written into the joint audit (:func:`.release_audit.audit_survey`). For the audit
to protect every small group at all, this knowledge must not pin a group by itself — no
release can take back what the survey page showed. So one rule decides both what the page
shows and what the audit assumes (:func:`total_pins_nothing`): a running wave's total is
shown only on a day when, taken as the wave's final total, together with the "k or more"
flags and the invitations, it leaves every group of the wave with fewer than *k* responses
protected (the rule of :func:`.audit.protected`, ``p = k``). The audit then takes a wave's
final total as a published equation where the rule lets the page show it
(:func:`known_totals`); where it does not, the page showed at most an earlier, smaller total,
which tells no more than a lower bound that the same rule allows (:func:`safe_lower_bound`).

Pure functions over numbers: segments are any hashable keys, each with its responses and
the most responses its invitations allow (``INF`` where an open link exists).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass

INF = math.inf

Segment = tuple[Hashable, Hashable]  # (municipality, audience) within one wave


def wave_groups(segments: Sequence[Segment]) -> list[frozenset]:
    """The cells of one wave: each segment, each municipality, each audience, the wave."""
    groups = {frozenset((s,)) for s in segments}
    for position in (0, 1):
        for value in {s[position] for s in segments}:
            groups.add(frozenset(s for s in segments if s[position] == value))
    groups.add(frozenset(segments))
    return sorted(groups, key=lambda g: (len(g), sorted(map(repr, g))))


def _upper(upper: Mapping[Segment, float], group) -> float:
    return sum(upper.get(s, INF) for s in group)


def total_pins_nothing(responses: Mapping[Segment, int], upper: Mapping[Segment, float],
                       segments: Sequence[Segment], k: int) -> bool:
    """Whether the wave's total, known exactly, with "k or more" known of every segment that
    has it and at most ``upper`` responses per segment, leaves every group of the wave with
    fewer than ``k`` responses (none included: a group across waves may hold this wave's
    empty part) as open as the rule of :func:`.audit.protected` asks.

    With one equation over the whole wave, each bound has a closed form: a group ``G``
    without a segment of ``k`` or more holds at most its invitations and at most the total
    less ``k`` for every such segment outside it, and at least the total less everything
    the rest could hold.
    """
    total = sum(responses.get(s, 0) for s in segments)
    large = sum(1 for s in segments if responses.get(s, 0) >= k)
    for group in wave_groups(segments):
        if sum(responses.get(s, 0) for s in group) >= k:
            continue
        most = _upper(upper, group)
        rest = _upper(upper, [s for s in segments if s not in group])
        high = min(most, total - k * large)
        low = max(0, total - rest)
        needed = min(k, most)
        if high < needed or high - low < needed:
            return False
    return True


def safe_lower_bound(responses: Mapping[Segment, int], upper: Mapping[Segment, float],
                     segments: Sequence[Segment], k: int) -> float:
    """The largest ``t`` up to the wave's total such that "the wave has at least ``t``
    responses" (with the same flags and upper bounds) leaves every group of the wave with
    1 … k−1 responses protected.

    A lower bound on the wave bounds no group from above; it bounds ``G`` from below by
    ``t`` less what the rest could hold, so ``G`` keeps ``min(k, H_G)`` of room while
    ``t`` stays within the wave's invitations less that. Every total a snapshot showed
    (:func:`total_pins_nothing` on its own, smaller counts) is within this bound: the
    snapshot's groups were protected by the stricter equation, and groups that were empty
    then cannot be bounded from below by it.
    """
    total = sum(responses.get(s, 0) for s in segments)
    wave = _upper(upper, segments)
    if wave == INF:
        return total
    room = [min(k, _upper(upper, g)) for g in wave_groups(segments)
            if 0 < sum(responses.get(s, 0) for s in g) < k]
    return min(total, wave - max(room, default=0))


def upper_bounds(responses: Mapping[Segment, int], issued: Mapping[Segment, int],
                 open_segments: Collection[Segment], segments: Sequence[Segment]
                 ) -> dict[Segment, float]:
    """The most responses each segment can hold as far as anyone knows: its invitations,
    where it has no open link and its responses came through them; else ``INF``."""
    return {s: issued.get(s, 0)
            if s not in open_segments and responses.get(s, 0) <= issued.get(s, 0) else INF
            for s in segments}


@dataclass(frozen=True)
class RunningView:
    """What the survey page shows of a running wave as of a snapshot."""

    #: The wave's responses, or ``None`` where showing them would pin a small group.
    total: int | None
    #: The segments with ``k`` or more responses (the others: "fewer than k, or none").
    large: frozenset


def running_view(responses: Mapping[Segment, int], issued: Mapping[Segment, int],
                 open_segments: Collection[Segment], segments: Sequence[Segment],
                 k: int) -> RunningView:
    """What organizers see of a running wave whose snapshot counted ``responses``."""
    upper = upper_bounds(responses, issued, open_segments, segments)
    large = frozenset(s for s in segments if responses.get(s, 0) >= k)
    shown = total_pins_nothing(responses, upper, segments, k)
    return RunningView(sum(responses.get(s, 0) for s in segments) if shown else None, large)


@dataclass(frozen=True)
class WaveKnowledge:
    """What the audit assumes an organizer knows of one wave's final responses."""

    total: int
    #: True: the total is a published equation; False: only ``at_least`` is known.
    exact: bool
    at_least: float
    #: The segments with ``k`` or more responses (each known to have at least ``k``).
    large: frozenset


def known_totals(responses: Mapping[Segment, int], upper: Mapping[Segment, float],
                 segments: Sequence[Segment], k: int) -> WaveKnowledge:
    """The knowledge of one closed wave (see the module docs)."""
    total = sum(responses.get(s, 0) for s in segments)
    large = frozenset(s for s in segments if responses.get(s, 0) >= k)
    if total_pins_nothing(responses, upper, segments, k):
        return WaveKnowledge(total, True, total, large)
    return WaveKnowledge(total, False, safe_lower_bound(responses, upper, segments, k), large)
