"""Question sets written as TOML files, so organizers add one without writing Python.

Every ``*.toml`` file in the folder ``QUESTION_SET_DIR`` (environment variable
``IKZSURVEY_QUESTION_SET_DIR``; default ``instance/question_sets/``) holds one question set.
Texts are given per language (``text = { de = "…", en = "…" }``) or as one plain string.
See docs/plugins.md, "Question sets as TOML files", for the format.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

from ikzsurvey import hookimpl
from ikzsurvey.plugin_api import (
    DefinitionError,
    FreeText,
    Likert,
    LocalizedText,
    MultipleChoice,
    Number,
    QuestionSet,
    SingleChoice,
    config,
)

KINDS = {cls.kind: cls for cls in (Likert, SingleChoice, MultipleChoice, FreeText, Number)}
TEXT_FIELDS = {"text", "help", "section"}
SET_FIELDS = {"id", "version", "title", "description", "audiences", "phases", "questions"}


@hookimpl
def ikzsurvey_question_sets():
    folder = config("QUESTION_SET_DIR")
    if not folder or not Path(folder).is_dir():
        return []
    return [load_file(path) for path in sorted(Path(folder).glob("*.toml"))]


def load_file(path: Path) -> QuestionSet:
    """Read one TOML question set; :class:`DefinitionError` names file, set and field."""
    source = str(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"cannot read TOML: {exc}", source=source) from exc
    set_name = f"{data.get('id', '?')}@{data.get('version', '?')}"
    try:
        return _question_set(data, source)
    except DefinitionError as exc:
        raise exc.located(source=source, question_set=set_name) from exc


def _question_set(data: dict, source: str) -> QuestionSet:
    unknown = set(data) - SET_FIELDS
    if unknown:
        raise DefinitionError(f"unknown key(s) {sorted(unknown)}", field=sorted(unknown)[0])
    for required in ("id", "version", "title", "questions"):
        if required not in data:
            raise DefinitionError("missing", field=required)
    questions = data["questions"]
    if not isinstance(questions, list):
        raise DefinitionError("must be an array of tables ([[questions]])", field="questions")
    return QuestionSet(
        id=data["id"],
        version=data["version"],
        title=_text(data["title"], "title"),
        description=_text(data["description"], "description") if "description" in data else None,
        audiences=tuple(_list(data.get("audiences", []), "audiences")),
        phases=tuple(_list(data.get("phases", []), "phases")),
        questions=[_question(q, i) for i, q in enumerate(questions)],
        source=source,
    )


def _question(data: object, index: int):
    where = f"questions[{index}]"
    if not isinstance(data, dict):
        raise DefinitionError("must be a table", field=where)
    where = f"{where} ({data.get('id', '?')})"
    kind = data.get("kind")
    cls = KINDS.get(kind)
    if cls is None:
        raise DefinitionError(
            f"unknown question kind {kind!r}; use one of {sorted(KINDS)}", field=f"{where}.kind"
        )
    allowed = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in data.items():
        if key == "kind":
            continue
        if key not in allowed:
            raise DefinitionError(f"unknown key {key!r} for {kind}", field=f"{where}.{key}")
        if key in TEXT_FIELDS:
            value = _text(value, f"{where}.{key}")
        elif key in ("labels", "anchors"):
            value = tuple(_text(v, f"{where}.{key}[{i}]") for i, v in enumerate(_list(value, key)))
        elif key == "options":
            value = [_option(o, f"{where}.options[{i}]") for i, o in enumerate(_list(value, key))]
        kwargs[key] = value
    for required in ("id", "text"):
        if required not in kwargs:
            raise DefinitionError("missing", field=f"{where}.{required}")
    return cls(**kwargs)


def _option(data: object, where: str) -> tuple:
    if not isinstance(data, dict) or set(data) != {"key", "text"}:
        raise DefinitionError(
            'an option is { key = "…", text = { de = "…", en = "…" } }', field=where
        )
    return (data["key"], _text(data["text"], f"{where}.text"))


def _text(value: object, where: str):
    if isinstance(value, str) and value.strip():
        return value
    if (
        isinstance(value, dict)
        and value
        and all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items())
    ):
        return LocalizedText(value)
    raise DefinitionError('missing text: give { de = "…", en = "…" } or a string', field=where)


def _list(value: object, where: str) -> list:
    if not isinstance(value, list):
        raise DefinitionError("must be an array", field=where)
    return value
