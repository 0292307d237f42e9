"""Finding plugins and building the registry of question sets and kinds.

Every application gets its own plugin manager. The core's built-in kinds are registered
first, then every distribution's entry point in the group ``ikzsurvey`` — the built-in
question-set plugins in ``plugins/`` are found the same way as any installed one.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pluggy

from . import hookspecs, kinds
from .questions import (
    ID_PATTERN,
    PHASES,
    DefinitionError,
    Question,
    QuestionKind,
    QuestionSet,
)
from .texts import is_text

ENTRY_POINT_GROUP = "ikzsurvey"
CORE_PLUGIN = "ikzsurvey.kinds"


class PluginError(RuntimeError):
    """A plugin could not be loaded or returned something malformed: start-up stops."""


@dataclass
class Registry:
    """Question kinds by name, question sets by ``(id, version)``, and who provided each."""

    kinds: dict[str, QuestionKind] = field(default_factory=dict)
    kind_providers: dict[str, str] = field(default_factory=dict)
    question_sets: dict[tuple[str, int], QuestionSet] = field(default_factory=dict)
    providers: dict[tuple[str, int], str] = field(default_factory=dict)
    #: Derived from the immutable definitions above, built on first use per process:
    #: a survey's pages per (pins, audience) and a WTForms class per page.
    page_cache: dict = field(default_factory=dict, repr=False, compare=False)
    form_classes: dict = field(default_factory=dict, repr=False, compare=False)
    #: Markup that depends on nothing but the definitions and the language, by key
    #: (:func:`ikzsurvey.forms.rendered_once`).
    markup: dict = field(default_factory=dict, repr=False, compare=False)

    def get(self, set_id: str, version: int) -> QuestionSet | None:
        return self.question_sets.get((set_id, version))

    def latest(self) -> list[QuestionSet]:
        """The newest version of every question set, in the order they were provided."""
        newest: dict[str, QuestionSet] = {}
        for (set_id, version), qs in self.question_sets.items():
            if set_id not in newest or version > newest[set_id].version:
                newest[set_id] = qs
        return list(newest.values())

    def kind_of(self, question: Question) -> QuestionKind:
        return self.kinds[question.kind]


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, remembering which distribution (and version) gave each plugin."""

    def __init__(self) -> None:
        super().__init__(ENTRY_POINT_GROUP)
        self.distributions: dict[str, importlib.metadata.Distribution] = {}


def make_plugin_manager(extra_plugins: Iterable[object] = ()) -> PluginManager:
    """A fresh manager: the core kinds, every entry point, then ``extra_plugins``."""
    pm = PluginManager()
    pm.add_hookspecs(hookspecs)
    pm.register(kinds, name=CORE_PLUGIN)
    for ep in sorted(_entry_points(), key=lambda ep: ep.name):
        if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue
        try:
            plugin = ep.load()
        except Exception as exc:
            raise PluginError(
                f"plugin {ep.name!r} (entry point {ep.value!r}) could not be loaded: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        _register(pm, plugin, ep.name)
        if ep.dist is not None:
            pm.distributions[ep.name] = ep.dist
    register_plugins(pm, extra_plugins)
    return pm


def register_plugins(pm: pluggy.PluginManager, plugins: Iterable[object]) -> None:
    """Register plugin objects (modules or instances) under readable names, then check
    that every ``ikzsurvey_*`` function they have is a known hook."""
    for plugin in plugins:
        if pm.is_registered(plugin):  # e.g. installed and also passed in by a test
            continue
        name = plugin_name(plugin)
        suffix = 1
        while pm.has_plugin(name if suffix == 1 else f"{name}#{suffix}"):
            suffix += 1
        _register(pm, plugin, name if suffix == 1 else f"{name}#{suffix}")
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {pm.get_name(exc.plugin)!r}: {exc}") from exc


def plugin_name(plugin: object) -> str:
    """A module's name, or an instance's class (``module.Class``)."""
    if hasattr(plugin, "__name__"):
        return plugin.__name__
    cls = type(plugin)
    return f"{cls.__module__}.{cls.__qualname__}"


def _entry_points():
    return importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)


def _register(pm: pluggy.PluginManager, plugin: object, name: str | None) -> None:
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {name!r}: {exc}") from exc
    except ValueError as exc:  # already registered under another name
        raise PluginError(f"plugin {name!r}: {exc}") from exc


def plugin_versions(pm: PluginManager) -> dict[str, str]:
    """Plugin name → "distribution version" that provides it ("" if not installed)."""
    versions = {}
    for name, _plugin in pm.list_name_plugin():
        dist = pm.distributions.get(name)
        if name == CORE_PLUGIN:
            versions[name] = f"ikzsurvey {importlib.metadata.version('ikzsurvey')}"
        else:
            versions[name] = f"{dist.metadata['Name']} {dist.version}" if dist else ""
    return versions


def build_registry(pm: pluggy.PluginManager) -> Registry:
    """Call the definition hooks plugin by plugin and check every result."""
    registry = Registry()
    for impl in pm.hook.ikzsurvey_question_kinds.get_hookimpls():
        for kind in _call(impl, "ikzsurvey_question_kinds"):
            _add_kind(registry, kind, impl.plugin_name)
    for impl in pm.hook.ikzsurvey_question_sets.get_hookimpls():
        for qs in _call(impl, "ikzsurvey_question_sets"):
            _add_question_set(registry, qs, impl.plugin_name)
    return registry


def _call(impl, hook: str) -> list:
    try:
        result = impl.function()
        return list(result or ())
    except DefinitionError as exc:
        raise PluginError(str(exc.located(source=impl.plugin_name))) from exc
    except Exception as exc:
        raise PluginError(
            f"plugin {impl.plugin_name!r}: {hook}() failed: {type(exc).__name__}: {exc}"
        ) from exc


def _add_kind(registry: Registry, kind: object, plugin: str) -> None:
    if not isinstance(kind, QuestionKind):
        raise PluginError(f"plugin {plugin!r}: returned {kind!r}, not a QuestionKind")
    if kind.name in registry.kinds:
        raise PluginError(f"plugin {plugin!r}: question kind {kind.name!r} is defined twice")
    if getattr(kind.question_class, "kind", None) != kind.name:
        raise PluginError(
            f"plugin {plugin!r}: question kind {kind.name!r}: its question_class must "
            f"declare kind = {kind.name!r}"
        )
    registry.kinds[kind.name] = kind
    registry.kind_providers[kind.name] = plugin


def _add_question_set(registry: Registry, qs: object, plugin: str) -> None:
    if not isinstance(qs, QuestionSet):
        raise PluginError(f"plugin {plugin!r}: returned {qs!r}, not a QuestionSet")
    source = f"{plugin} ({qs.source})" if getattr(qs, "source", None) else plugin
    where = {"source": source, "question_set": f"{qs.id}@{qs.version}"}
    try:
        check_question_set(qs, registry.kinds)
    except DefinitionError as exc:
        raise PluginError(str(exc.located(**where))) from exc
    key = (qs.id, qs.version)
    if key in registry.question_sets:
        raise PluginError(
            str(
                DefinitionError(
                    f"{qs.key} is already provided by plugin {registry.providers[key]!r}",
                    field="id",
                    **where,
                )
            )
        )
    registry.question_sets[key] = qs
    registry.providers[key] = plugin


def check_question_set(qs: QuestionSet, known_kinds: dict[str, QuestionKind]) -> None:
    """Raise :class:`DefinitionError` (with the field) for anything malformed."""
    if not isinstance(qs.id, str) or not ID_PATTERN.match(qs.id):
        raise DefinitionError(
            "id must be lower-case letters, digits, '-' or '_' (at most 64)", field="id"
        )
    if isinstance(qs.version, bool) or not isinstance(qs.version, int) or qs.version < 1:
        raise DefinitionError(
            f"version must be a positive integer, not {qs.version!r}", field="version"
        )
    if not (is_text(qs.title) and qs.title):
        raise DefinitionError("missing text", field="title")
    if qs.description is not None and not is_text(qs.description):
        raise DefinitionError("must be a text", field="description")
    for name in ("audiences", "phases"):
        values = getattr(qs, name)
        if isinstance(values, str):
            raise DefinitionError(f"must be a tuple of ids, not the string {values!r}", field=name)
        if not all(isinstance(v, str) and ID_PATTERN.match(v) for v in values):
            raise DefinitionError("must be a list of ids", field=name)
    for phase in qs.phases:
        if phase not in PHASES:
            raise DefinitionError(f"unknown phase {phase!r}", field="phases")
    if not qs.questions:
        raise DefinitionError("a question set needs at least one question", field="questions")
    seen: set[str] = set()
    for i, question in enumerate(qs.questions):
        try:
            _check_question(question, known_kinds, seen)
        except DefinitionError as exc:
            name = getattr(question, "id", "?")
            prefix = f"questions[{i}] ({name})"
            raise DefinitionError(
                exc.reason, field=f"{prefix}.{exc.field}" if exc.field else prefix
            ) from exc


def _check_question(question: object, known_kinds: dict, seen: set[str]) -> None:
    if not isinstance(question, Question):
        raise DefinitionError(f"{question!r} is not a question")
    kind = known_kinds.get(question.kind)
    if kind is None:
        raise DefinitionError(f"unknown question kind {question.kind!r}", field="kind")
    if not isinstance(question, kind.question_class):
        raise DefinitionError(
            f"kind {question.kind!r} expects {kind.question_class.__name__}", field="kind"
        )
    if not isinstance(question.id, str) or not ID_PATTERN.match(question.id):
        raise DefinitionError(
            f"id {question.id!r} must be lower-case letters, digits, '-' or '_'", field="id"
        )
    if question.id in seen:
        raise DefinitionError(f"duplicate question id {question.id!r}", field="id")
    seen.add(question.id)
    if not (is_text(question.text) and question.text):
        raise DefinitionError("missing text", field="text")
    if not isinstance(question.required, bool):
        raise DefinitionError("must be True or False", field="required")
    for name in ("dimension", "facet"):
        value = getattr(question, name)
        if value is not None and not (isinstance(value, str) and ID_PATTERN.match(value)):
            raise DefinitionError(
                "must be an id (lower-case letters, digits, '-', '_')", field=name
            )
    for name in ("help", "section"):
        value = getattr(question, name)
        if value is not None and not is_text(value):
            raise DefinitionError("must be a text", field=name)
    if kind.check is not None:
        kind.check(question)
