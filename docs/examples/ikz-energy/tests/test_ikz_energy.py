"""The plugin's own tests: its definitions load the way ikzsurvey loads them at start-up,
and its texts are translated with its own catalog (translation domain ``ikz_energy``).

Run from the distribution's folder with ``pytest`` (setup.cfg puts the folder on the path,
so the tests work installed or not).
"""

from __future__ import annotations

from pathlib import Path

import ikz_energy
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ikzsurvey.plugin_api import FreeText, Likert, MultipleChoice, Number, SingleChoice
from ikzsurvey.testing import check_plugin
from ikzsurvey.texts import clear_caches, localize

TRANSLATIONS = Path(ikz_energy.__file__).parent / "translations"


@pytest.fixture(scope="module")
def compiled_catalogs():
    """Compile every ``.po`` of the plugin into the ``.mo`` that ikzsurvey reads — what
    ``pybabel compile -d ikz_energy/translations -D ikz_energy`` does."""
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/ikz_energy.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name, domain="ikz_energy")
        with po.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)
    clear_caches()  # forget catalogs looked up before they were compiled
    yield
    clear_caches()


def test_the_plugin_passes_the_start_up_checks():
    registry = check_plugin(ikz_energy)  # raises PluginError with the start-up message
    qs = registry.get("energy-acceptance", 1)
    assert qs is not None and qs.key == "energy-acceptance@1"
    assert len(qs.questions) == 6
    assert [type(q) for q in qs.questions] == [
        Likert,
        Likert,
        SingleChoice,
        MultipleChoice,
        Number,
        FreeText,
    ]
    assert qs.audiences == ("citizens", "council")


def test_every_question_is_required_unless_marked_optional():
    qs = check_plugin(ikz_energy).get("energy-acceptance", 1)
    required = {q.id: q.required for q in qs.questions}
    assert required == {
        "wind-nearby": True,
        "trust-utility": True,
        "ownership": True,
        "concerns": False,
        "years": False,
        "remarks": False,
    }


def test_the_title_is_german_after_compiling_the_catalog(compiled_catalogs):
    qs = check_plugin(ikz_energy).get("energy-acceptance", 1)
    assert localize(qs.title, "de") == "Akzeptanz lokaler Energieprojekte"
    assert localize(qs.title, "en") == "Acceptance of local energy projects"
    assert localize(qs.questions[3].text, "de") == "Was bereitet Ihnen Sorgen?"


def test_every_text_has_a_german_translation():
    with (TRANSLATIONS / "de" / "LC_MESSAGES" / "ikz_energy.po").open("rb") as fh:
        catalog = read_po(fh)
    with (TRANSLATIONS / "ikz_energy.pot").open("rb") as fh:
        template = read_po(fh)
    msgids = {m.id for m in template if m.id}
    assert msgids == {m.id for m in catalog if m.id}  # the catalog is up to date
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert untranslated == []
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert fuzzy == []
