"""Hook specifications: the reference for plugin authors.

A plugin is a module (or package) with functions named like these hooks and decorated
with ``ikzsurvey.hookimpl``. It is found through the entry point group ``ikzsurvey``.
Hooks are called once when the application starts, inside its application context; the
results are checked then, so a broken plugin stops start-up instead of failing later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pluggy

from .questions import QuestionKind, QuestionSet, Score

hookspec = pluggy.HookspecMarker("ikzsurvey")


@hookspec
def ikzsurvey_question_sets() -> Iterable[QuestionSet]:
    """Return the question sets this plugin provides.

    Every implementation is called; the results are collected. Each
    :class:`~ikzsurvey.plugin_api.QuestionSet` is identified by ``id@version``; a duplicate
    ``id@version`` across plugins, a duplicate question id within a set, an unknown
    question kind, a missing text or a version that is not a positive integer stops
    start-up with a message naming the plugin, the question set and the field.

    Return several versions of one set to keep old surveys answerable and comparable.

    :return: an iterable of ``QuestionSet`` (may be empty).
    """


@hookspec
def ikzsurvey_question_kinds() -> Iterable[QuestionKind]:
    """Return new kinds of question.

    A :class:`~ikzsurvey.plugin_api.QuestionKind` couples a
    :class:`~ikzsurvey.plugin_api.Question` subclass (its ``kind`` class attribute is the
    kind's ``name``) with the WTForms field that asks it, the values the database keeps,
    and how results aggregate them. Kind names are unique; a duplicate stops start-up.
    The built-in kinds ``likert``, ``single_choice``, ``multiple_choice``, ``free_text``
    and ``number`` are registered by the core through this same hook.

    :return: an iterable of ``QuestionKind`` (may be empty).
    """


@hookspec
def ikzsurvey_scores(
    question_set: QuestionSet, results: Mapping[str, Any]
) -> Iterable[Score] | None:
    """Derive indices (scores) from the aggregated results of one question set.

    Called for every question set of a survey when results are shown; every
    implementation is called and all scores are collected. Return ``None`` or an empty
    iterable for question sets you do not score.

    :param question_set: the pinned ``QuestionSet`` whose results are given.
    :param results: aggregates only, keyed by question id — never individual responses.
        Cells below the survey's minimum group size are already suppressed.
    :return: an iterable of ``Score``.
    """
