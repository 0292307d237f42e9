"""The one module plugins import.

Everything a plugin needs to define question sets, new kinds of question and scores::

    from ikzsurvey import hookimpl
    from ikzsurvey.plugin_api import QuestionSet, Likert, _

Definitions are plain immutable data. ``_`` marks a text for translation with the calling
plugin's own catalog (see docs/plugins.md, "Translations").
"""

from __future__ import annotations

from typing import Any

from .questions import (
    PHASES,
    DefinitionError,
    FreeText,
    Likert,
    MultipleChoice,
    Number,
    Question,
    QuestionKind,
    QuestionSet,
    Score,
    SingleChoice,
    Value,
)
from .scoring import mean_score
from .texts import LocalizedText, PluginText, Text, caller_module

__all__ = [
    "PHASES",
    "DefinitionError",
    "FreeText",
    "Likert",
    "LocalizedText",
    "MultipleChoice",
    "Number",
    "Question",
    "QuestionKind",
    "QuestionSet",
    "Score",
    "SingleChoice",
    "Text",
    "Value",
    "_",
    "config",
    "mean_score",
]


def _(msgid: str) -> PluginText:
    """Mark ``msgid`` (English) for translation with the calling plugin's catalog.

    Returns a lazy text: it is translated when shown, in the respondent's language.
    Pass a literal string only — never an f-string — so the catalog can find it.
    """
    return PluginText(msgid, caller_module())


def config(key: str, default: Any = None) -> Any:
    """A setting of the running application (e.g. ``QUESTION_SET_DIR``)."""
    from flask import current_app

    return current_app.config.get(key, default)
