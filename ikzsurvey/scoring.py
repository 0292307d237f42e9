"""Helpers for plugin scores (``ikzsurvey_scores``), exported by :mod:`ikzsurvey.plugin_api`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .questions import Score
from .texts import Text


def mean_score(
    id: str,
    label: Text,
    results: Mapping[str, Mapping[str, Any]],
    question_ids: Iterable[str],
    *,
    minimum: float = 1,
    maximum: float = 5,
    description: Text | None = None,
) -> Score:
    """A score that is the mean of some items' means, each item weighing the same.

    Its value is ``None`` — shown as suppressed — when any item is suppressed or has no
    mean, so a score never rests on part of its items. Its ``n`` is the smallest ``n``
    among the items.
    """
    def _score(value, n):
        return Score(id=id, label=label, value=value, n=n, minimum=minimum, maximum=maximum,
                     description=description)

    means, ns = [], []
    for question_id in question_ids:
        item = results.get(question_id)
        if item is None or item.get("suppressed") or item.get("mean") is None:
            return _score(None, 0)
        means.append(item["mean"])
        ns.append(item["n"] - (item.get("dont_know") or 0))
    if not means:
        return _score(None, 0)
    return _score(sum(means) / len(means), min(ns))
