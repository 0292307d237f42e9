"""Plugin discovery, the registry's checks, and the public plugin API."""

from __future__ import annotations

import importlib.metadata
import inspect

import pytest

import ikzsurvey.hookspecs as hookspecs
import ikzsurvey.plugin_api as plugin_api
from ikzsurvey import hookimpl
from ikzsurvey.plugin_api import (
    FreeText,
    Likert,
    LocalizedText,
    MultipleChoice,
    Question,
    QuestionKind,
    QuestionSet,
    SingleChoice,
    Value,
    _,
)
from ikzsurvey.plugins import PluginError
from ikzsurvey.testing import check_plugin

from .test_builtin_plugin_content import PLUGINS as BUILTIN


def test_builtin_plugins_are_found_through_the_entry_point_group(app):
    names = {ep.name for ep in importlib.metadata.entry_points(group="ikzsurvey")}
    assert set(BUILTIN) | {"toml_question_sets"} <= names
    registry = app.extensions["ikzsurvey.registry"]
    for plugin, set_id in BUILTIN.items():
        assert registry.providers[(set_id, 1)] == plugin


def test_builtin_plugins_use_only_the_public_plugin_path():
    import pathlib

    for source in pathlib.Path("plugins").glob("*/__init__.py"):
        code = source.read_text()
        imports = [line for line in code.splitlines() if "ikzsurvey" in line and "import" in line]
        for line in imports:
            assert line.strip().startswith(
                ("from ikzsurvey import hookimpl", "from ikzsurvey.plugin_api import")
            ), f"{source}: {line}"


def test_every_hook_is_documented():
    specs = [name for name, obj in vars(hookspecs).items() if name.startswith("ikzsurvey_")]
    assert {"ikzsurvey_question_sets", "ikzsurvey_question_kinds", "ikzsurvey_scores"} <= set(specs)
    for name in specs:
        doc = inspect.getdoc(getattr(hookspecs, name))
        assert doc and ":return:" in doc, name


def test_plugin_api_exports_the_contract():
    for name in ("QuestionSet", "Likert", "SingleChoice", "MultipleChoice", "FreeText",
                 "Number", "QuestionKind", "Score", "_"):
        assert name in plugin_api.__all__ and hasattr(plugin_api, name)


def test_definitions_are_immutable():
    qs = QuestionSet(id="x", version=1, title="X",
                     questions=[SingleChoice(id="a", text="A", options=[("k", "K")])])
    assert isinstance(qs.questions, tuple) and isinstance(qs.questions[0].options, tuple)
    with pytest.raises(AttributeError):
        qs.version = 2


class _Plugin:
    def __init__(self, *sets):
        self.sets = sets

    @hookimpl
    def ikzsurvey_question_sets(self):
        return self.sets


def _broken(**changes) -> QuestionSet:
    questions = changes.pop("questions", [Likert(id="a", text="A"), Likert(id="b", text="B")])
    return QuestionSet(**{"id": "broken", "version": 1, "title": "T", "questions": questions,
                          **changes})


@pytest.mark.parametrize(
    ("question_set", "field", "reason"),
    [
        (_broken(questions=[Likert(id="a", text="A"), Likert(id="a", text="B")]),
         "questions[1] (a).id", "duplicate question id"),
        (_broken(questions=[Likert(id="a", text="")]), "questions[0] (a).text", "missing text"),
        (_broken(version=0), "version", "positive integer"),
        (_broken(version="1"), "version", "positive integer"),
        (_broken(title=""), "title", "missing text"),
        (_broken(questions=[]), "questions", "at least one question"),
        (_broken(questions=[Likert(id="a", text="A", scale=1)]), "questions[0] (a).scale", "scale"),
        (_broken(questions=[Likert(id="a", text="A", labels=("x", "y"))]),
         "questions[0] (a).labels", "2 labels for a 5-point scale"),
        (_broken(questions=[SingleChoice(id="a", text="A", options=[])]),
         "questions[0] (a).options", "at least one option"),
        (_broken(questions=[MultipleChoice(id="a", text="A", options=[("x", "X")], max_choices=3)]),
         "questions[0] (a).max_choices", "max_choices"),
        (_broken(questions=[Likert(id="Not OK", text="A")]), "questions[0] (Not OK).id", "id"),
        (_broken(phases=("someday",)), "phases", "unknown phase"),
        (_broken(audiences="citizens"), "audiences", "not the string"),
        (_broken(questions=[Likert(id="a", text="A", dimension=5)]),
         "questions[0] (a).dimension", "must be an id"),
    ],
)
def test_a_broken_question_set_stops_startup_naming_plugin_set_and_field(
    app_factory, question_set, field, reason
):
    with pytest.raises(PluginError) as failure:
        app_factory(EXTRA_PLUGINS=(_Plugin(question_set),))
    message = str(failure.value)
    assert "_Plugin" in message  # the plugin
    assert f"question set '{question_set.id}@{question_set.version}'" in message
    assert f"field '{field}'" in message
    assert reason in message


def test_an_unknown_question_kind_stops_startup():
    class Slider(Question):
        kind = "slider"

    with pytest.raises(PluginError, match=r"questions\[0\] \(s\)\.kind.*unknown question kind"):
        check_plugin(_Plugin(_broken(questions=[Slider(id="s", text="S")])))


def test_the_same_id_and_version_from_two_plugins_stops_startup():
    with pytest.raises(PluginError, match="already provided by plugin"):
        check_plugin(_Plugin(_broken()), _Plugin(_broken()))


def test_a_plugin_that_raises_stops_startup_with_its_name():
    class Exploding:
        @hookimpl
        def ikzsurvey_question_sets(self):
            raise RuntimeError("boom")

    with pytest.raises(PluginError, match="Exploding.*ikzsurvey_question_sets.*boom"):
        check_plugin(Exploding())


def test_a_misspelled_hook_stops_startup():
    class Typo:
        @hookimpl
        def ikzsurvey_question_setz(self):
            return []

    with pytest.raises(PluginError, match="ikzsurvey_question_setz"):
        check_plugin(Typo())


def test_a_plugin_already_found_through_its_entry_point_may_be_passed_again():
    import ikzsurvey_plugins.success_factors as installed

    from ikzsurvey.plugins import make_plugin_manager

    pm = make_plugin_manager([installed])
    assert pm.get_name(installed) == "success_factors"


def test_a_plugin_can_add_a_question_kind():
    from wtforms import IntegerField

    class Stars(Question):
        kind = "stars"

    stars = QuestionKind(
        name="stars",
        question_class=Stars,
        make_field=lambda q: IntegerField(q.text),
        to_values=lambda q, data: [Value(number=data)] if data is not None else [],
        aggregation="ordinal",
    )

    class StarsPlugin:
        @hookimpl
        def ikzsurvey_question_kinds(self):
            return [stars]

        @hookimpl
        def ikzsurvey_question_sets(self):
            return [QuestionSet(id="rated", version=1, title="R",
                                questions=[Stars(id="s", text="Rate it")])]

    registry = check_plugin(StarsPlugin())
    assert registry.kinds["stars"] is stars
    assert registry.get("rated", 1).questions[0].kind == "stars"
    with pytest.raises(PluginError, match="question kind 'stars' is defined twice"):
        check_plugin(StarsPlugin(), StarsPlugin())


def test_plugin_texts_are_translated_with_the_plugins_own_catalog(app):
    from ikzsurvey.texts import localize

    qs = app.extensions["ikzsurvey.registry"].get("success-factors", 1)
    german, english = localize(qs.title, "de"), localize(qs.title, "en")
    assert german and english and german != english


def test_lazy_texts_remember_their_plugin_module():
    text = _("Hello")
    assert text.module == __name__ and text.msgid == "Hello"
    assert str(LocalizedText({"de": "Hallo", "en": "Hello"})) == "Hallo"  # German by default
    assert FreeText(id="f", text=text).text == text


def test_plugins_command_lists_plugins_sets_and_versions(runner):
    result = runner.invoke(args=["plugins"])
    assert result.exit_code == 0, result.output
    assert "success_factors (ikzsurvey 0.1.0)" in result.output
    assert "question set: success-factors@1" in result.output
    assert "question kind: likert" in result.output
    assert "question set: sample@1 (5 questions)" in result.output
