"""Question sets from TOML files in IKZSURVEY_QUESTION_SET_DIR."""

from __future__ import annotations

import pytest

from ikzsurvey.plugins import PluginError
from ikzsurvey.texts import LocalizedText, localize

from .factories import make_survey, open_link
from .respondent import Respondent

VALID = '''
id = "heat-planning"
version = 2
audiences = ["citizens"]
title = { de = "Kommunale Wärmeplanung", en = "Municipal heat planning" }

[[questions]]
id = "support"
kind = "likert"
dont_know = true
dimension = "acceptance"
text = { de = "Ich unterstütze eine gemeinsame Wärmeplanung.", en = "I support joint heat planning." }

[[questions]]
id = "heating"
kind = "single_choice"
text = { de = "Wie heizen Sie?", en = "How do you heat?" }
options = [
  { key = "gas", text = { de = "Gas", en = "Gas" } },
  { key = "heat-pump", text = { de = "Wärmepumpe", en = "Heat pump" } },
]

[[questions]]
id = "note"
kind = "free_text"
required = false
max_length = 500
text = "Anmerkungen / remarks"
'''


def _write(folder, name: str, content: str):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def test_a_toml_question_set_is_loaded_with_texts_per_language(tmp_path, app_factory):
    _write(tmp_path / "question_sets", "heat.toml", VALID)
    app = app_factory()
    qs = app.extensions["ikzsurvey.registry"].get("heat-planning", 2)
    assert app.extensions["ikzsurvey.registry"].providers[("heat-planning", 2)] == (
        "toml_question_sets"
    )
    assert isinstance(qs.title, LocalizedText)
    assert localize(qs.title, "de") == "Kommunale Wärmeplanung"
    assert localize(qs.questions[0].text, "en") == "I support joint heat planning."
    assert qs.questions[0].dont_know is True and qs.questions[2].required is False
    assert qs.audiences == ("citizens",)


def test_a_toml_question_set_can_be_answered(tmp_path, app_factory):
    _write(tmp_path / "question_sets", "heat.toml", VALID)
    app = app_factory()
    with app.app_context():
        key = open_link(make_survey(question_sets=[("heat-planning", 2)]))
    respondent = Respondent(app.test_client())
    respondent.open(f"/o/{key}")
    html = respondent.page(1).get_data(as_text=True)
    assert "Ich unterstütze eine gemeinsame Wärmeplanung." in html and "Wärmepumpe" in html
    done = respondent.post(1, {"q-support": "dont_know", "q-heating": "heat-pump"})
    assert done.status_code == 303, done.get_data(as_text=True)
    assert done.headers["Location"].endswith("/survey/thanks")


BROKEN = [
    ('id = "x"\nversion = 1\ntitle = "T"\nquestions = [\n', "", "cannot read TOML"),
    (VALID.replace('kind = "likert"', 'kind = "slider"'),
     "questions[0] (support).kind", "unknown question kind 'slider'"),
    (VALID.replace('text = { de = "Wie heizen Sie?", en = "How do you heat?" }', 'text = ""'),
     "questions[1] (heating).text", "missing text"),
    (VALID.replace('id = "heating"', 'id = "support"'),
     "questions[1] (support).id", "duplicate question id"),
    (VALID.replace("version = 2", "version = 0"), "version", "positive integer"),
    (VALID.replace("dont_know = true", "dont_knoww = true"),
     "questions[0] (support).dont_knoww", "unknown key"),
    (VALID.replace('{ key = "gas", text = { de = "Gas", en = "Gas" } }', '"gas"'),
     "questions[1] (heating).options[0]", "an option is"),
]


@pytest.mark.parametrize(("content", "field", "reason"), BROKEN)
def test_a_broken_toml_file_stops_startup_naming_file_set_and_field(
    tmp_path, app_factory, content, field, reason
):
    path = _write(tmp_path / "question_sets", "broken.toml", content)
    with pytest.raises(PluginError) as failure:
        app_factory()
    message = str(failure.value)
    assert str(path) in message
    assert reason in message
    if field:
        assert f"field '{field}'" in message
        assert "question set 'heat-planning@" in message or "question set 'x@" in message
