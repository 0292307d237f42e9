"""The benchmark's output: one JSON object per line on stdout, and the arithmetic every line
shares (ratio = ours ÷ reference, judged against the line's target)."""

from __future__ import annotations

import json
import os
import statistics

#: Every line printed so far in this run (written to last-run.jsonl at the end).
OUT: list[dict] = []


def emit(line: dict) -> None:
    # Other work on the machine shows here: the 1-minute load average when the line was done.
    line["loadavg_1m"] = round(os.getloadavg()[0], 2)
    OUT.append(line)
    print(json.dumps(line, ensure_ascii=False), flush=True)


def ratio(ours, reference):
    if ours is None or not reference:
        return None
    return round(ours / reference, 3)


def judged(ours, reference, better: str, target: float) -> dict:
    """The fields every line has: ``ours``, ``reference``, ``ratio`` (ours ÷ reference),
    ``better``, ``target`` and ``met`` — at most ``target`` when lower is better, at least
    when higher is; never met without both figures."""
    if better not in ("lower", "higher"):
        raise ValueError(f"better must be 'lower' or 'higher', not {better!r}")
    r = ratio(ours, reference)
    met = r is not None and (r <= target if better == "lower" else r >= target)
    return {"ours": ours, "reference": reference, "ratio": r, "better": better,
            "target": target, "met": bool(met)}


def median(values, digits: int = 4) -> float | None:
    """The median of the timings, rounded (seconds: 4 digits are 0.1 ms); ``None`` for
    none."""
    values = [v for v in values if v is not None]
    return round(statistics.median(values), digits) if values else None
