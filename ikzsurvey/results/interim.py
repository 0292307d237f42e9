"""Interim releases: what one stores so that later releases are audited against it.

An organizer may release a running wave before it closes (:func:`.releases.request_interim`):
the release *cuts* the wave. Its numbers are those of the responses up to the cut, which
today's answers no longer give, so the release keeps, beside its results, the numbers the
joint audit modelled for each cell it shows (:func:`dump_numbers`) and what the audit
assumed organizers had seen of the cut waves until then (:func:`dump_seen`: the "k or
more" flags and the wave's total where the survey page could show it — a hidden total is
not kept, only the lower bound the audit assumed). Nothing finer is stored: no count per
segment that the release hides, no order, no time but the release's day.

After a cut the survey page shows the wave's participation from the interim release, not
from new counts: an organizer learns nothing of the responses after the cut until the
next release, which the audit checks against this one (:mod:`.release_audit`: the
responses between two cuts are a group of unknown size).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..models import Release
from .bins import Bin
from .lp_vocabulary import Published
from .participation_knowledge import WaveKnowledge
from .release_audit import Earlier
from .release_counts import ReleaseCounts, is_segment


def _value(value):
    return {"bin": value.index} if isinstance(value, Bin) else value


def _cell(cell) -> list:
    return [*cell]


def dump_numbers(published: Mapping[tuple, Published]) -> list:
    """``[[cell, responses, [[set, question, value, count], …], [[set, question, n], …]], …]``
    — a number question's value is its candidate bin ``{"bin": index}``."""
    rows = []
    for cell, numbers in sorted(published.items(), key=lambda item: repr(item[0])):
        rows.append([
            _cell(cell), numbers.responses,
            [[key[0], key[1], _value(value), count]
             for (key, value), count in numbers.values.items()],
            [[key[0], key[1], n] for key, n in numbers.answered.items()],
        ])
    return rows


def load_numbers(rows: list, counts: ReleaseCounts) -> dict[tuple, Published]:
    """The numbers of :func:`dump_numbers`, with bins of ``counts``' candidate layouts."""
    found = {}
    for cell, responses, values, answered in rows:
        decoded = {}
        for set_id, question_id, value, count in values:
            key = (set_id, question_id)
            if isinstance(value, dict):
                value = counts.layouts[key].bins[value["bin"]]
            decoded[(key, value)] = count
        found[tuple(cell)] = Published(
            frozenset(), responses, decoded,
            {(set_id, question_id): n for set_id, question_id, n in answered})
    return found


def dump_seen(participation: Mapping[int, WaveKnowledge], cut) -> list:
    """What the audit assumed organizers had seen of each cut wave (a hidden total is not
    kept: only its lower bound)."""
    return [{"wave": wave, "exact": known.exact,
             "total": known.total if known.exact else None,
             "at_least": known.at_least if known.at_least != float("inf") else None,
             "large": sorted([*segment] for segment in known.large)}
            for wave, known in sorted(participation.items()) if wave in set(cut)]


def load_seen(rows: list) -> dict[int, WaveKnowledge]:
    return {row["wave"]: WaveKnowledge(row["total"] or 0, row["exact"],
                                       row["at_least"] or 0,
                                       frozenset(tuple(s) for s in row["large"]))
            for row in rows}


def earlier(release: Release, counts: ReleaseCounts) -> Earlier:
    """How the joint audit sees a ready release made before the one being made."""
    payload = (release.interim or {}) if release.is_interim else {}
    return Earlier(
        release.number, tuple(release.wave_ids), [tuple(c) for c in release.shown or ()],
        segment_invitations(release.results), cut=tuple(release.cut or ()),
        numbers=load_numbers(payload.get("numbers", []), counts),
        seen=load_seen(payload.get("seen", [])),
        bounded={tuple(s) for s in payload.get("bounded", [])})


def segment_invitations(payload: dict | None) -> dict[tuple, int]:
    """The invitations a release showed per segment."""
    if not payload:
        return {}
    return {tuple(row[:3]): row[3] for row in payload.get("invitations", ())
            if is_segment(tuple(row[:3]))}
