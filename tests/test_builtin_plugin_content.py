"""The six built-in question-set plugins: their structure, their catalogs and their German.

Each plugin is checked on its own (``check_plugin``), against the ids of its published
version (a published version never changes: new questions mean a new version), against its
own catalog (every text translated into German, catalogs not stale against the source), and
for plain, formal German.
"""

from __future__ import annotations

import importlib
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from ikzsurvey.plugin_api import (
    PHASES,
    FreeText,
    Likert,
    LocalizedText,
    MultipleChoice,
    QuestionSet,
    SingleChoice,
)
from ikzsurvey.testing import check_plugin
from ikzsurvey.texts import PluginText, translations_dir

PLUGINS = {
    "success_factors": "success-factors",
    "competence_fears": "competence-fears",
    "perceived_benefits": "perceived-benefits",
    "shared_goals": "shared-goals",
    "cooperation_review": "cooperation-review",
    "phase_checklists": "phase-checklists",
}
AUDIENCES = ("employees", "council", "citizens")
QUESTION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Informal address ("du", "ihr", …) as a lower-case word; formal "Sie"/"Ihr" is fine.
INFORMAL = re.compile(r"\b(?:du|dich|dir|dein\w*|euch|euer|eure\w*|ihr)\b")
MAX_QUESTION_LENGTH = 120  # characters, in English and in German: read on phones
MAX_LABEL_LENGTH = 60

SUCCESS_FACTOR_ITEMS = {
    "support": ("mayors", "managers", "politics", "state-federal"),
    "participation": ("early-involvement", "reducing-fears", "showing-benefits",
                      "showing-options"),
    "trust": ("open-exchange", "compromise", "challenges", "strengths"),
    "roles": ("decision-powers", "cost-sharing", "time-for-roles", "role-conflicts"),
    "evaluation": ("efficiency", "service", "resources", "resilience"),
}

PHASE_STEPS = {
    "initiation": (
        "willing-partners", "common-objective", "joint-analysis", "interests", "verify-goals",
        "involve-employees", "think-big", "plan-initiation", "step-by-step", "monitoring",
        "culture-check", "changes",
    ),
    "implementation": (
        "legal-form", "document-processes", "standardise-processes", "error-culture",
        "knowledge-management", "knowledge-transfer",
    ),
    "consolidation": (
        "evaluations", "viability-doubts", "organisational-differences", "shared-services",
        "digitalisation", "robust-structures", "promote", "political-support",
    ),
}

#: The question ids of each published version 1, in order.
EXPECTED_IDS = {
    "success_factors": [
        f"{factor}-{item}-{facet}"
        for factor, items in SUCCESS_FACTOR_ITEMS.items()
        for item in items
        for facet in ("importance", "performance")
    ],
    "competence_fears": [
        "fear-decisions", "fear-shaping", "fear-influence", "fear-larger-partners",
        "fear-identity", "fear-proximity", "fear-own-role", "effect-competence",
        "reduce-concerns",
    ],
    "perceived_benefits": [
        "benefit-efficiency", "benefit-service-quality", "benefit-service-range",
        "benefit-resources", "benefit-resilience", "benefit-shaping", "benefit-expertise",
        "benefit-energy-transition", "other-benefits",
    ],
    "shared_goals": [
        "importance", "main-reason", "why",
        "belief-energy-transition", "belief-together", "belief-equal-say", "belief-citizens",
        "goal-areas", "divergence-own-goals", "divergence-expectations",
        "divergence-conflicts", "divergence-where",
    ],
    "cooperation_review": [
        "form-building-yard", "form-admin-services", "form-procurement",
        "form-energy-management", "form-climate-manager", "form-working-groups",
        "form-special-purpose-association", "other-forms", "works-well", "works-badly",
    ],
    "phase_checklists": [
        f"{phase}-{step}" for phase, steps in PHASE_STEPS.items() for step in steps
    ],
}


# --- helpers ---------------------------------------------------------------------------


def load(name: str):
    return importlib.import_module(f"ikzsurvey_plugins.{name}")


def the_set(name: str) -> QuestionSet:
    sets = load(name).ikzsurvey_question_sets()
    assert len(sets) == 1, f"{name} should provide exactly one question set"
    return sets[0]


def shown_texts(qs: QuestionSet):
    """Every text a respondent sees, as ``(where, text)``."""
    yield "title", qs.title
    if qs.description is not None:
        yield "description", qs.description
    for q in qs.questions:
        yield f"{q.id}.text", q.text
        for name in ("help", "section"):
            if getattr(q, name) is not None:
                yield f"{q.id}.{name}", getattr(q, name)
        for name in ("labels", "anchors"):
            for i, label in enumerate(getattr(q, name, None) or ()):
                yield f"{q.id}.{name}[{i}]", label
        for key, label in getattr(q, "options", ()):
            yield f"{q.id}.options[{key}]", label


def msgids(qs: QuestionSet) -> set[str]:
    return {text.msgid for _where, text in shown_texts(qs)}


def catalog_dir(name: str) -> Path:
    return Path(load(name).__file__).parent / "translations"


def read_catalog(name: str, locale: str | None):
    folder = catalog_dir(name)
    path = folder / f"{name}.pot" if locale is None else (
        folder / locale / "LC_MESSAGES" / f"{name}.po"
    )
    assert path.is_file(), f"missing catalog {path}"
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def catalog_ids(catalog) -> set[str]:
    return {message.id for message in catalog if message.id}  # without the header


def source_msgids(name: str) -> set[str]:
    """What ``pybabel extract -k _`` finds in the plugin's source."""
    folder = Path(load(name).__file__).parent
    return {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            folder, method_map=[("**.py", "python")], keywords={"_": None}
        )
    }


def german(name: str) -> Translations:
    """The German catalog compiled in memory (the .mo files are build output)."""
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(name, "de"))
    buffer.seek(0)
    return Translations(fp=buffer, domain=name)


def by_dimension(qs: QuestionSet, dimension: str) -> list:
    return [q for q in qs.questions if q.dimension == dimension]


def label_ids(question) -> tuple[str, ...]:
    return tuple(label.msgid for label in question.labels)


def sections_in_order(qs: QuestionSet) -> list[str]:
    """The section msgids as pages: consecutive runs collapsed."""
    runs: list[str] = []
    for q in qs.questions:
        section = q.section.msgid if q.section is not None else None
        if not runs or runs[-1] != section:
            runs.append(section)
    return runs


all_plugins = pytest.mark.parametrize("name", list(PLUGINS))


# --- every plugin ----------------------------------------------------------------------


@all_plugins
def test_the_hook_returns_one_valid_question_set(name):
    module = load(name)
    registry = check_plugin(module)  # the same checks as at start-up
    qs = the_set(name)
    assert isinstance(qs, QuestionSet)
    assert (qs.id, qs.version) == (PLUGINS[name], 1)
    assert registry.get(qs.id, 1) == qs
    assert module.__doc__ and len(module.__doc__.strip()) > 100, "say what it asks and why"
    assert set(qs.audiences) <= set(AUDIENCES) and qs.audiences
    assert set(qs.phases) <= set(PHASES)


@all_plugins
def test_question_ids_are_unique_well_formed_and_those_published(name):
    ids = [q.id for q in the_set(name).questions]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates
    assert all(QUESTION_ID.match(i) for i in ids), ids
    assert ids == EXPECTED_IDS[name], "a published version never changes: bump the version"


@all_plugins
def test_every_shown_text_goes_through_the_plugins_own_catalog(name):
    module = load(name)
    qs = the_set(name)
    for where, text in shown_texts(qs):
        assert isinstance(text, PluginText), f"{where}: {text!r} is not marked with _()"
        assert text.module == module.__name__, where
        assert text.msgid.strip() == text.msgid and text.msgid, where
    folder, domain = translations_dir(module.__name__)
    assert (folder, domain) == (catalog_dir(name), name)


@all_plugins
def test_every_text_has_a_german_translation(name):
    catalog = read_catalog(name, "de")
    messages = {m.id: m for m in catalog if m.id}
    for msgid in msgids(the_set(name)):
        assert msgid in messages, f"not in the German catalog: {msgid!r}"
    for msgid, message in messages.items():
        assert not message.fuzzy, f"fuzzy: {msgid!r}"
        assert isinstance(message.string, str) and message.string.strip(), (
            f"untranslated: {msgid!r}"
        )
        assert message.string != msgid, f"left in English: {msgid!r}"
    assert not list(catalog.check())  # placeholders and the like agree
    translations = german(name)
    qs = the_set(name)
    assert translations.gettext(qs.title.msgid) == messages[qs.title.msgid].string


@all_plugins
def test_catalogs_are_not_stale(name):
    in_source = source_msgids(name)
    assert msgids(the_set(name)) <= in_source, "a text passed to _() is not a literal"
    for locale in (None, "de", "en"):
        catalog = read_catalog(name, locale)
        ids = catalog_ids(catalog)
        assert ids - in_source == set(), f"{locale or 'pot'}: msgids no longer in the source"
        assert in_source - ids == set(), f"{locale or 'pot'}: msgids missing, run make catalogs"
        assert not catalog.obsolete, f"{locale or 'pot'}: obsolete entries"


@all_plugins
def test_no_f_strings_or_variables_in_underscore(name):
    source = Path(load(name).__file__).read_text(encoding="utf-8")
    assert not re.search(r"\b_\(\s*[fF][\"']", source)
    assert not re.search(r"\b_\(\s*[A-Za-z]", source)


@all_plugins
def test_german_uses_formal_address(name):
    for message in read_catalog(name, "de"):
        if message.id:
            found = INFORMAL.findall(message.string)
            assert not found, f"informal {found} in {message.string!r}"


@all_plugins
def test_texts_are_short_enough_for_phones(name):
    qs = the_set(name)
    translations = german(name)
    for where, text in shown_texts(qs):
        limit = MAX_QUESTION_LENGTH if where.endswith((".text", ".help", ".section")) else (
            MAX_LABEL_LENGTH if "[" in where else None
        )
        if limit is None:  # title and description
            continue
        for shown in (text.msgid, translations.gettext(text.msgid)):
            assert len(shown) <= limit, f"{where}: {shown!r} is {len(shown)} characters"


def test_the_formal_address_check_catches_informal_german():
    for informal in ("Was denkst du?", "Wie findet ihr das?", "Deine Meinung: dein Ziel",
                     "Das hilft dir.", "Wir fragen euch."):
        assert INFORMAL.search(informal), informal
    for formal in ("Was denken Sie?", "Ihre Meinung", "Wie wichtig ist Ihnen das?",
                   "Die Gemeinde verliert ihre Identität.", "Direkt und dienstlich"):
        assert not INFORMAL.search(formal), formal


def test_the_texts_helper_sees_untranslated_texts():
    qs = QuestionSet(id="x", version=1, title="plain",
                     questions=[Likert(id="a", text=LocalizedText({"de": "A"}))])
    assert [where for where, text in shown_texts(qs) if not isinstance(text, PluginText)] == [
        "title", "a.text"]


# --- success factors -------------------------------------------------------------------


def test_success_factors_ask_importance_and_performance_of_each_item():
    qs = the_set("success_factors")
    assert len(qs.questions) == 40
    assert all(isinstance(q, Likert) for q in qs.questions)
    assert set(qs.audiences) == set(AUDIENCES)
    assert set(qs.phases) in (set(), set(PHASES))
    assert [q.dimension for q in qs.questions[::8]] == list(SUCCESS_FACTOR_ITEMS)
    for factor, items in SUCCESS_FACTOR_ITEMS.items():
        questions = by_dimension(qs, factor)
        assert len(questions) == 8
        assert Counter(q.facet for q in questions) == {"importance": 4, "performance": 4}
        assert len({q.section for q in questions}) == 1, "one page per factor"
        for item in items:
            importance = qs.question(f"{factor}-{item}-importance")
            performance = qs.question(f"{factor}-{item}-performance")
            assert importance.facet == "importance" and performance.facet == "performance"
            assert importance.text != performance.text
            assert "important" in importance.text.msgid
            assert "fulfilled" in performance.text.msgid
    for q in qs.questions:
        assert q.scale == 5 and len(q.labels) == 5 and q.required
        if q.facet == "importance":
            assert not q.dont_know
            assert label_ids(q)[0] == "Not important at all"
            assert label_ids(q)[-1] == "Very important"
        else:
            assert q.dont_know
            assert label_ids(q)[0] == "Not fulfilled at all"
            assert label_ids(q)[-1] == "Fully fulfilled"
    assert sections_in_order(qs) == [
        "Support", "Participation", "Trust", "Clear roles and responsibilities",
        "Readiness to evaluate",
    ]


# --- competence fears ------------------------------------------------------------------


def test_competence_fears_cover_each_fear_and_the_expected_effect():
    qs = the_set("competence_fears")
    fears = by_dimension(qs, "fear")
    assert {"decisions", "shaping", "influence", "identity", "own-role"} <= {
        q.facet for q in fears}
    assert len({q.facet for q in fears}) == len(fears)
    for q in fears:
        assert isinstance(q, Likert) and q.scale == 5
        assert q.labels is None and q.anchors is None, "agreement: the default labels"
        assert q.text.msgid.startswith("I fear")
    own_role = qs.question("fear-own-role")
    assert not own_role.required and own_role.help is not None  # employees only
    (effect,) = by_dimension(qs, "effect")
    assert isinstance(effect, Likert) and effect.scale == 5 and len(effect.labels) == 5
    assert label_ids(effect)[0] == "Will weaken it a lot"
    assert label_ids(effect)[-1] == "Will strengthen it a lot"
    free = [q for q in qs.questions if isinstance(q, FreeText)]
    assert [q.id for q in free] == ["reduce-concerns"] and not free[0].required


# --- perceived benefits ----------------------------------------------------------------


def test_perceived_benefits_ask_agreement_per_benefit():
    qs = the_set("perceived_benefits")
    benefits = by_dimension(qs, "benefit")
    facets = [q.facet for q in benefits]
    assert {"efficiency", "service-quality", "resources", "resilience", "shaping"} <= set(
        facets)
    assert len(set(facets)) == len(facets) >= 5
    for q in benefits:
        assert isinstance(q, Likert) and q.scale == 5 and q.labels is None
        assert q.id == f"benefit-{q.facet}"
    free = [q for q in qs.questions if isinstance(q, FreeText)]
    assert len(free) == 1 and not free[0].required
    assert len(qs.questions) == len(benefits) + 1


# --- shared goals ----------------------------------------------------------------------


def test_shared_goals_ask_why_beliefs_goal_areas_and_divergence():
    qs = the_set("shared_goals")
    why = qs.question("why")
    assert isinstance(why, FreeText) and not why.required
    assert isinstance(qs.question("main-reason"), SingleChoice)
    assert isinstance(qs.question("importance"), Likert)

    beliefs = by_dimension(qs, "beliefs")
    assert len(beliefs) >= 3 and all(isinstance(q, Likert) for q in beliefs)
    assert ("The partner municipalities share the same basic convictions about the energy "
            "transition.") in {q.text.msgid for q in beliefs}

    areas = qs.question("goal-areas")
    assert isinstance(areas, MultipleChoice) and areas.max_choices == 3
    keys = [key for key, _label in areas.options]
    assert len(keys) == len(set(keys)) >= 6
    assert {"energy-planning", "renewables", "public-buildings", "shared-staff", "funding",
            "participation"} <= set(keys)

    divergence = by_dimension(qs, "divergence")
    assert len(divergence) >= 2 and all(isinstance(q, Likert) for q in divergence)
    assert ("Our municipality's goals for the cooperation differ from those of the "
            "partners.") in {q.text.msgid for q in divergence}
    where = qs.question("divergence-where")
    assert isinstance(where, FreeText) and not where.required

    for options in (areas.options, qs.question("main-reason").options):
        assert all(QUESTION_ID.match(key) for key, _label in options)
    assert len(sections_in_order(qs)) == 3


# --- cooperation review ----------------------------------------------------------------


def test_cooperation_review_rates_each_existing_form_optionally():
    qs = the_set("cooperation_review")
    forms = [q for q in qs.questions if isinstance(q, Likert)]
    assert len(forms) >= 6
    assert {"building-yard", "admin-services", "procurement", "energy-management",
            "working-groups", "special-purpose-association"} <= {q.facet for q in forms}
    for q in forms:
        assert q.dont_know and not q.required
        assert q.id == f"form-{q.facet}" and q.dimension == "existing"
        assert label_ids(q)[0] == "Very badly" and label_ids(q)[-1] == "Very well"
        assert q.text.msgid.endswith("how well does this cooperation work?")
    for question_id in ("works-well", "works-badly"):
        q = qs.question(question_id)
        assert isinstance(q, FreeText) and not q.required


# --- phase checklists ------------------------------------------------------------------


def test_phase_checklists_rate_each_step_per_phase():
    qs = the_set("phase_checklists")
    assert set(qs.audiences) == {"council", "employees"}
    assert qs.phases == ()
    assert all(isinstance(q, Likert) for q in qs.questions)
    assert [q.dimension for q in qs.questions] == [
        phase for phase, steps in PHASE_STEPS.items() for _step in steps
    ]
    assert sections_in_order(qs) == [
        "Phase 1: Initiation", "Phase 2: Implementation", "Phase 3: Consolidation"]
    for q in qs.questions:
        assert q.scale == 4 and q.dont_know
        assert label_ids(q) == ("Not done yet", "Started", "Largely done", "Fully done")
