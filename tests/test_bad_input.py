"""A generated batch of malformed submissions: never a 5xx, never a row changed."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wtforms import StringField

from ikzsurvey.kinds import clean_text

from .factories import counts, invite, make_survey, open_link
from .respondent import VALID_PAGE_ONE, Respondent

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

junk_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=10),
    st.sampled_from(
        [
            "0",
            "-1",
            "6",
            "99999999999999999999",
            "1.5",
            "NaN",
            "",
            " ",
            "\x00",
            "dont_know ",
            "TOWN",
            "None",
            "null",
            "[]",
            "<script>",
        ]
    ),
)
junk_value = st.one_of(junk_text, st.lists(junk_text, max_size=4))
unknown_fields = st.dictionaries(
    st.text(min_size=1, max_size=20)
    .filter(lambda k: not k.startswith("q-"))
    .map(lambda k: "q-" + k),
    junk_value,
    max_size=3,
)

# Page one: "trust" must be 1–5 or dont_know; anything else is malformed.
bad_trust = junk_value.filter(
    lambda v: not (isinstance(v, str) and v in {"1", "2", "3", "4", "5", "dont_know"})
)
def _valid_years(value: str) -> bool:
    """What the app accepts for "years": a whole number from 0 to 120."""
    try:
        return 0 <= int(clean_text(value)) <= 120
    except ValueError:
        return False


# Page two (the last page): at least one of these is out of bounds.
bad_page_two = st.one_of(
    st.fixed_dictionaries(
        {"q-goals": st.lists(st.sampled_from(["heat", "sun", "wind"]), min_size=3, max_size=6)}
    ),
    st.fixed_dictionaries(
        {
            "q-goals": st.lists(
                junk_text.filter(lambda v: v not in {"heat", "sun", "wind"}), min_size=1, max_size=3
            )
        }
    ),
    st.fixed_dictionaries(
        {
            "q-years": junk_text.filter(
                lambda v: clean_text(v) != "" and not _valid_years(v)
            )
        }
    ),
    st.fixed_dictionaries({"q-years": st.integers().filter(lambda n: not 0 <= n <= 120).map(str)}),
    st.fixed_dictionaries(
        {
            "q-remarks": st.text(min_size=201, max_size=400).filter(
                lambda v: len(clean_text(v)) > 200
            )
        }
    ),
)


@SETTINGS
@given(trust=bad_trust, owner=junk_value, extra=unknown_fields, csrf=st.booleans())
def test_malformed_first_pages_store_nothing(app, trust, owner, extra, csrf):
    with app.app_context():
        if not hasattr(app, "_bad_input_key"):
            app._bad_input_key = open_link(make_survey())
        before = counts()
    respondent = Respondent(app.test_client())
    respondent.open(f"/o/{app._bad_input_key}")
    response = respondent.post(1, {"q-trust": trust, "q-owner": owner, **extra}, csrf=csrf)
    assert response.status_code in (400, 422), response.status_code
    with app.app_context():
        assert counts() == before


@SETTINGS
@given(page_two=bad_page_two, extra=unknown_fields)
def test_malformed_last_pages_store_nothing(app, page_two, extra):
    with app.app_context():
        token = invite(make_survey())
        before = counts()
    respondent = Respondent(app.test_client())
    respondent.open(f"/t/{token}")
    assert respondent.post(1, VALID_PAGE_ONE).status_code == 303
    response = respondent.post(2, {**page_two, **extra})
    assert response.status_code == 422, response.get_data(as_text=True)[:2000]
    with app.app_context():
        assert counts() == before


@SETTINGS
@given(junk=st.text(min_size=1, max_size=200))
def test_arbitrary_link_paths_get_4xx(client, junk):
    for prefix in ("/t/", "/o/", "/survey/page/"):
        response = client.get(prefix + quote(junk, safe=""))
        # 4xx, or werkzeug's 308 to the path with doubled slashes merged ("%2F" decodes to "/")
        ok = 400 <= response.status_code < 500 or response.status_code == 308
        assert ok, (prefix, junk, response.status_code)


@pytest.mark.parametrize("years, message", [
    ("1" + "0" * 30, "Bitte geben Sie eine Zahl von 0 bis 120 ein."),   # OverflowError before
    ("١٢", "Bitte geben Sie eine ganze Zahl ein"),   # Arabic-Indic digits, read as 12 before
    ("１２", "Bitte geben Sie eine ganze Zahl ein"),   # full-width digits
    ("12.0", "Bitte geben Sie eine ganze Zahl ein"),
])
def test_a_number_answer_takes_ascii_digits_within_the_bounds(app, years, message):
    with app.app_context():
        token = invite(make_survey())
    respondent = Respondent(app.test_client())
    respondent.open(f"/t/{token}")
    assert respondent.post(1, VALID_PAGE_ONE).status_code == 303
    response = respondent.post(2, {"q-goals": ["heat"], "q-years": years})
    assert response.status_code in (200, 422)
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert counts()["responses"] == 0


def test_a_number_question_without_bounds_has_the_default_ones():
    from wtforms import Form

    from ikzsurvey.kinds import NUMBER_LIMIT, WholeNumber

    class F(Form):
        n = StringField(validators=[WholeNumber(None, None)])

    assert F(data={"n": str(NUMBER_LIMIT)}).validate()
    assert F(data={"n": str(-NUMBER_LIMIT)}).validate()
    assert not F(data={"n": str(NUMBER_LIMIT + 1)}).validate()
    assert not F(data={"n": "1" + "0" * 30}).validate()


def test_a_question_set_cannot_declare_bounds_beyond_the_limit():
    from ikzsurvey.kinds import NUMBER_LIMIT, check_number
    from ikzsurvey.plugin_api import DefinitionError, Number

    with pytest.raises(DefinitionError):
        check_number(Number(id="n", text="n", max=NUMBER_LIMIT * 10))
    check_number(Number(id="n", text="n", max=NUMBER_LIMIT))
