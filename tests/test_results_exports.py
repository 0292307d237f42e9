"""Results through the API, the CSV/XLSX exports and the dashboard: numbers computed by hand,
suppression, the same digits everywhere, formula neutralisation, no microdata, scores."""

from __future__ import annotations

import csv
import io
import math
import re
import secrets
from types import MappingProxyType

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from ikzsurvey import hookimpl
from ikzsurvey.db import db
from ikzsurvey.models import AuditEntry, Response, Survey, SurveyQuestionSet
from ikzsurvey.plugins import PluginError
from ikzsurvey.questions import Score, Value
from ikzsurvey.results import tables
from ikzsurvey.results.service import survey_results
from ikzsurvey.submission import AnswerValues, Segment, store_response

from .results_fixtures import close_waves, make_cooperation, make_user, sign_in, world
from .sample_plugin import SamplePlugin

K = 5

# --- Helpers ---------------------------------------------------------------------------


def respond(w, municipality, audience, wave, *, trust=None, owner=None, goals=(), years=None,
            remarks=None, question_set="sample", items=None):
    """Store one response; ``trust="dk"`` is don't know; ``items`` maps further question
    ids of ``question_set`` to a number."""
    answers = []
    if trust is not None:
        value = Value(text="dont_know") if trust == "dk" else Value(number=trust)
        answers.append(AnswerValues("sample", 1, "trust", (value,)))
    if owner is not None:
        answers.append(AnswerValues("sample", 1, "owner", (Value(text=owner),)))
    if goals:
        answers.append(AnswerValues("sample", 1, "goals", tuple(Value(text=g) for g in goals)))
    if years is not None:
        answers.append(AnswerValues("sample", 1, "years", (Value(number=years),)))
    if remarks:
        answers.append(AnswerValues("sample", 1, "remarks", (Value(text=remarks),),
                                    detached=True))
    for question_id, number in (items or {}).items():
        answers.append(AnswerValues(question_set, 1, question_id, (Value(number=number),)))
    segment = Segment(w.survey_id, w.waves[wave], w.municipalities[municipality],
                      w.audiences[audience])
    store_response(segment, answers, receipt_key=secrets.token_hex(16))


def signed_in(app, w, role="admin", *, close=True):
    """A client of the survey's cooperation, once the waves are closed (a running wave's
    results are shown to nobody; ``close=False`` leaves them running)."""
    with app.app_context():
        if close:
            close_waves(w)
        email = make_user(w.cooperation_id, role)
    client = app.test_client()
    sign_in(client, email)
    return client


def api(client, w, **args):
    response = client.get(f"/api/v1/surveys/{w.survey_id}/results", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def entry(payload, question_id, kind="questions"):
    return next(e for e in payload[kind] if e["id"] == question_id)


def cell(payload, question_id, municipality=None, audience=None, kind="questions"):
    found = [c for c in entry(payload, question_id, kind)["cells"]
             if (c["municipality"], c["audience"]) == (municipality, audience)]
    assert len(found) == 1, found
    return found[0]


def csv_rows(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def xlsx_book(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return load_workbook(io.BytesIO(response.get_data()))


def as_csv(value) -> str:
    """How the CSV export writes a value of the API."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# --- Worlds: stored answers whose numbers are known ------------------------------------

# Per respondent of wave 1: trust ("dk": don't know) / owner / goals chosen.
WAVE_ONE = {
    ("Altdorf", "employees"): "5/town/heat+sun 5/town/heat 4/coop/sun+wind 3/town/heat "
                              "2/coop/wind dk/town/heat+wind",
    ("Altdorf", "citizens"): "4/coop/sun 4/coop/sun 4/coop/heat+sun 3/coop/wind 5/coop/sun+wind",
    ("Neudorf", "employees"): "1/town/heat 2/town/heat 2/town/heat 3/town/heat 5/town/heat",
    ("Neudorf", "citizens"): "3/town/wind 3/town/wind 4/town/sun 5/coop/heat+wind "
                             "5/coop/wind dk/coop/sun 5/coop/wind",
}

# Trust in wave 1, by hand (scale answers only for mean, SD, median and top 2):
# total: 1×1 2×3 3×5 4×5 5×7, 2 dk; mean 77/21 = 3.667; Σx² = 313, SS = 313 − 77²/21
#   = 30.667, SD = √(30.667/20) = 1.238; median = 11th of 21 = 4; top 2 = 12/21 = .571
# Altdorf: 2 3 3 4 4 4 4 5 5 5; mean 3.9; SS 8.9, SD √(8.9/9) = .994; median 4; top 2 .7
# Neudorf: 1 2 2 3 3 3 4 5 5 5 5 → 38/11 = 3.455; SS 20.727, SD √2.0727 = 1.440;
#   median 3; top 2 5/11 = .455
# Altdorf employees 5 5 4 3 2: 3.8, SS 6.8, SD √1.7 = 1.304; Altdorf citizens 4 4 4 3 5:
# 4.0, SD √.5 = .707; Neudorf employees 1 2 2 3 5: 2.6, SS 9.2, SD √2.3 = 1.517, median 2;
# Neudorf citizens 3 3 4 5 5 5: 25/6 = 4.167, SS 4.833, SD √.9667 = .983, median 4.5
TRUST = {  # (municipality, audience): (n, mean, sd, median, top2, dont_know)
    (None, None): (23, 3.67, 1.24, 4.0, 0.571, 2),
    ("Altdorf", None): (11, 3.9, 0.99, 4.0, 0.7, 1),
    ("Neudorf", None): (12, 3.45, 1.44, 3.0, 0.455, 1),
    ("Altdorf", "employees"): (6, 3.8, 1.3, 4.0, 0.6, 1),
    ("Altdorf", "citizens"): (5, 4.0, 0.71, 4.0, 0.8, 0),
    ("Neudorf", "employees"): (5, 2.6, 1.52, 2.0, 0.2, 0),
    ("Neudorf", "citizens"): (7, 4.17, 0.98, 4.5, 0.667, 1),
}
BREAKDOWNS = {"": [(None, None)],
              "municipality": [("Altdorf", None), ("Neudorf", None)],
              "municipality,audience": [k for k in TRUST if k[1] is not None]}


def rated_world(app):
    """WAVE_ONE in wave 1 (closed), and five Altdorf employees in wave 2 who answer
    differently — the ``wave=1`` numbers must not contain them."""
    with app.app_context():
        w = world(make_cooperation(k=K))
        for (municipality, audience), people in WAVE_ONE.items():
            for person in people.split():
                trust, owner, goals = person.split("/")
                respond(w, municipality, audience, 1, trust=trust if trust == "dk" else
                        int(trust), owner=owner, goals=goals.split("+"))
        for _ in range(5):
            respond(w, "Altdorf", "employees", 2, trust=1, owner="town", goals=("sun",))
    return w


FORMULA_TOWNS = ('=HYPERLINK("http://x")', "@SUM(1)")


def formula_world(app):
    with app.app_context():
        w = world(make_cooperation(municipalities=FORMULA_TOWNS,
                                   audiences=("-staff", "citizens"), k=K))
        for _ in range(K):
            respond(w, FORMULA_TOWNS[0], "-staff", 1, trust=4, owner="=1+2")
    return w


def segments_world(app):
    """Five Altdorf employees and five Neudorf citizens in wave 1; two Altdorf citizens in
    wave 1 and one Altdorf employee in wave 2 are segments below k."""
    with app.app_context():
        w = world(make_cooperation(k=K))
        for i in range(5):
            respond(w, "Altdorf", "employees", 1, trust=[1, 2, 3, 4, "dk"][i], owner="town",
                    goals=("heat", "wind") if i % 2 else (), years=10 + i,
                    remarks=f"secret remark {i}")
            respond(w, "Neudorf", "citizens", 1, trust=5, owner="coop", goals=("sun",))
        for _ in range(2):
            respond(w, "Altdorf", "citizens", 1, trust=3, owner="town")
        respond(w, "Altdorf", "employees", 2, trust=2, owner="town")
    return w


FEARS = ("decisions", "shaping", "influence", "larger-partners", "identity", "proximity",
         "own-role")
# Altdorf employees: decisions 1…5, the others constant, own-role 1 2 2 2 3.
ALTDORF_FEARS = [dict(zip(FEARS, (d, 2, 5, 4, 1, 3, o), strict=True))
                 for d, o in zip((1, 2, 3, 4, 5), (1, 2, 2, 2, 3), strict=True)]


def fears_world(app):
    """competence-fears@1 pinned beside the sample set: 5 Altdorf employees, 8 Neudorf
    employees (all 4) and 2 Neudorf citizens (all 1, own-role left out). Eight, not fewer:
    organizers knew the employees to be k or more while the wave ran, so a Neudorf of 6 + 2
    would leave its citizens at most 3 (docs/privacy.md, "What organizers see of
    participation") and could not be shown."""
    with app.app_context():
        survey = make_cooperation(k=K)
        survey.question_sets.append(
            SurveyQuestionSet(question_set_id="competence-fears", version=1, position=1))
        db.session.commit()
        w = world(survey)

        def fears(municipality, audience, values):
            items = {f"fear-{facet}": v for facet, v in values.items()}
            respond(w, municipality, audience, 1, question_set="competence-fears", items=items)

        for values in ALTDORF_FEARS:
            fears("Altdorf", "employees", values)
        for _ in range(8):
            fears("Neudorf", "employees", dict.fromkeys(FEARS, 4))
        for _ in range(2):
            fears("Neudorf", "citizens", dict.fromkeys(FEARS[:-1], 1))
    return w


class RecordingScores:
    """Records what it is given; scores a copy of trust's mean and one with n = k − 1."""

    def __init__(self):
        self.views = []

    @hookimpl
    def ikzsurvey_scores(self, question_set, results):
        if question_set.id != "sample":
            return None
        self.views.append(results)
        trust = results["trust"]
        return [Score(id="trust-copy", label="Trust copy", value=trust.get("mean"),
                      n=trust.get("n") or 0),
                Score(id="tiny", label="Tiny", value=1.0, n=K - 1)]


def scored_world(app):
    """8 Altdorf employees and 2 citizens: with 6 + 2, the employees known to be k or more
    (organizers saw that while the wave ran) would leave the citizens at most 3 beside the
    total, which could not be shown."""
    with app.app_context():
        w = world(make_cooperation(k=K))
        for _ in range(8):
            respond(w, "Altdorf", "employees", 1, trust=4, owner="town", remarks="hello")
        for _ in range(2):
            respond(w, "Altdorf", "citizens", 1, trust=2, owner="coop")
    return w


class MalformedScores:
    def __init__(self, value):
        self.value = value

    @hookimpl
    def ikzsurvey_scores(self, question_set, results):
        return self.value if question_set.id == "sample" else None


# --- 1. Hand-computed aggregates ---------------------------------------------------------


@pytest.mark.parametrize("by", list(BREAKDOWNS))
def test_api_likert_numbers_equal_hand_computed_ones(app, by):
    w = rated_world(app)
    payload = api(signed_in(app, w), w, by=by, wave="1")
    assert payload["by"] == [d for d in by.split(",") if d] and payload["wave"] == 1
    assert len(entry(payload, "trust")["cells"]) == len(BREAKDOWNS[by])
    for key in BREAKDOWNS[by]:
        shown = cell(payload, "trust", *key)
        n, mean, sd, median, top2, dont_know = TRUST[key]
        assert shown["wave"] == 1 and shown["suppressed"] is False, key
        assert (shown["n"], shown["mean"], shown["sd"], shown["median"], shown["top2"],
                shown["dont_know"]) == (n, mean, sd, median, top2, dont_know), key
        assert sum(shown["counts"].values()) == n and shown["counts"].get("dont_know", 0) == \
            dont_know


def test_api_consensus_is_tastle_wierman_of_the_cell(app):
    w = rated_world(app)
    shown = cell(api(signed_in(app, w), w, by="municipality,audience", wave="1"), "trust",
                 "Altdorf", "citizens")
    # 4 4 4 3 5, mean 4, width 4: 1 + 0.2·log2(1 − 1/4) + 0.2·log2(1 − 1/4) = 0.834
    assert shown["consensus"] == round(1 + 0.4 * math.log2(0.75), 2) == 0.83


def test_api_counts_scale_points_and_options_and_respondents_once(app):
    w = rated_world(app)
    client = signed_in(app, w)
    total = api(client, w, wave="1")
    assert cell(total, "trust")["counts"] == {"1": 1, "2": 3, "3": 5, "4": 5, "5": 7,
                                              "dont_know": 2}
    assert cell(total, "owner")["n"] == 23
    assert cell(total, "owner")["counts"] == {"coop": 11, "town": 12}
    goals = cell(api(client, w, by="municipality,audience", wave="1"), "goals",
                 "Altdorf", "employees")
    # six respondents, three of them chose two options: 9 choices, n = 6
    assert goals["n"] == 6 and goals["counts"] == {"heat": 4, "sun": 2, "wind": 3}
    assert goals["mean"] is None and goals["dont_know"] is None
    assert cell(total, "goals")["n"] == 23
    assert cell(total, "goals")["counts"] == {"heat": 11, "sun": 8, "wind": 10}


# --- 2. Suppression ----------------------------------------------------------------------


@pytest.mark.parametrize("k", [5, 12])
def test_api_suppresses_small_cells_and_their_complement(app, k):
    with app.app_context():
        w = world(make_cooperation(k=k))
        # 2k: organizers knew the employees to be k or more while the wave ran; beside the
        # total, fewer would leave the two citizens less than k of room.
        for _ in range(2 * k):
            respond(w, "Altdorf", "employees", 1, trust=4, owner="town")
        for _ in range(2):
            respond(w, "Altdorf", "citizens", 1, trust=2, owner="coop")
    client = signed_in(app, w)
    by_audience = api(client, w, by="audience", wave="1")
    total = cell(api(client, w, wave="1"), "trust")
    employees = cell(by_audience, "trust", audience="employees")
    assert cell(by_audience, "trust", audience="citizens") == {
        "municipality": None, "audience": "citizens", "wave": 1, "suppressed": True}
    # total − employees would give the two citizens: not both may be shown
    assert total["suppressed"] or employees["suppressed"]
    assert (total["suppressed"], total.get("n")) == (False, 2 * k + 2)  # the total stays
    assert "n" not in employees and "mean" not in employees
    assert by_audience["minimum_group_size"] == k == entry(by_audience, "trust")[
        "minimum_group_size"]
    assert by_audience["free_text_minimum_group_size"] == max(k, 10) == entry(
        by_audience, "remarks")["minimum_group_size"]


# --- 3. Exports equal the API and the dashboard ------------------------------------------


FIELDS = {"question": ("suppressed", "n", "mean", "sd", "median", "top2", "consensus",
                       "dont_know"),
          "score": ("suppressed", "n", "value")}


def assert_rows_equal_api(rows: list[dict], payload: dict) -> None:
    """Each CSV row is one cell of a question or score of the API, with the same digits."""
    cells = {(kind[:-1], e["id"], c["municipality"], c["audience"], c["wave"]): (e, c)
             for kind in ("questions", "scores") for e in payload[kind] for c in e["cells"]}
    assert len(rows) == len(cells)
    for row in rows:
        key = (row["kind"], row["id"], row["municipality"] or None, row["audience"] or None,
               int(row["wave"]) if row["wave"] else None)
        found, shown = cells.pop(key)
        assert row["question_set"] == found["question_set"]
        for field in FIELDS[row["kind"]]:
            assert row[field] == as_csv(shown.get(field)), (key, field)
        minimum = found.get("minimum_group_size", payload["minimum_group_size"])
        assert row["minimum_group_size"] == str(minimum)
        counts = dict(part.split("=") for part in row["counts"].split("; ") if part)
        assert {k: int(v) for k, v in counts.items()} == (shown.get("counts") or {})


@pytest.mark.parametrize("by,wave", [("", "1"), ("municipality,audience", "1"),
                                     ("audience", "")])
def test_csv_export_rows_equal_the_api_to_the_digit(app, by, wave):
    w = rated_world(app)
    client = signed_in(app, w)
    rows = csv_rows(client, f"/results/{w.survey_id}/export.csv?by={by}&wave={wave}")
    assert {r["kind"] for r in rows} == {"question"}
    assert_rows_equal_api(rows, api(client, w, by=by, wave=wave))


def test_csv_export_score_rows_equal_the_api_scores(app):
    w = fears_world(app)
    client = signed_in(app, w)
    rows = csv_rows(client, f"/results/{w.survey_id}/export.csv?by=municipality&wave=1")
    assert {r["id"] for r in rows if r["kind"] == "score"} == {"fear-index"}
    assert_rows_equal_api(rows, api(client, w, by="municipality", wave="1"))


def test_xlsx_sheets_hold_the_rows_of_the_csv_and_the_api_responses(app):
    w = rated_world(app)
    client = signed_in(app, w)
    query = "?by=municipality,audience&wave=1"
    rows = csv_rows(client, f"/results/{w.survey_id}/export.csv{query}")
    book = xlsx_book(client, f"/results/{w.survey_id}/export.xlsx{query}")
    header, *body = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert header == list(rows[0]) == list(tables.SUMMARY_COLUMNS)
    assert len(body) == len(rows)
    for values, row in zip(body, rows, strict=True):
        for column, value in zip(header, values, strict=True):
            if isinstance(value, (int, float)):
                assert float(row[column]) == value, column
            else:
                assert row[column] == ("" if value is None else value), column
    header, *body = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    expected = api(client, w, by="municipality,audience", wave="1")["responses"]
    assert header == list(tables.RESPONSE_COLUMNS)
    assert [dict(zip(header, values, strict=True)) for values in body] == [
        {**r, "suppressed": as_csv(r["suppressed"])} for r in expected]


@pytest.mark.parametrize("lang,mean,sd", [("", "3,67", "1,24"), ("en", "3.67", "1.24")])
def test_dashboard_shows_the_api_mean_formatted_per_locale(app, lang, mean, sd):
    w = rated_world(app)
    client = signed_in(app, w)
    assert cell(api(client, w, wave="1"), "trust")["mean"] == 3.67
    page = client.get(f"/results/{w.survey_id}/", query_string={"wave": "1", "lang": lang})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = re.search(r"questions/sample/trust.*?</tr>", html, re.S)
    assert row, "no ratings row for trust"
    assert f">{mean}<" in row.group(0) and f">{sd}<" in row.group(0)
    other = "3.67" if lang == "" else "3,67"
    assert other not in row.group(0)


# --- 4. Formula neutralisation ------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+49 30", "-2", "@SUM(1)", "\tx", "\rx",
                                  '=HYPERLINK("http://x")'])
def test_neutralise_prefixes_formula_starts(text):
    assert tables.neutralise(text) == "'" + text


@pytest.mark.parametrize("text, neutral", [
    ("x;=1+2", "x;'=1+2"),
    ("x,+49 30", "x,'+49 30"),
    ('a; "=HYPERLINK(1)"', 'a; "\'=HYPERLINK(1)"'),
    ("x\t@SUM(1)", "x\t'@SUM(1)"),
    ("one\n=1+1|-2", "one\n'=1+1|'-2"),
    ("=1;=2", "'=1;'=2"),
])
def test_neutralise_catches_a_formula_after_a_separator_inside_a_cell(text, neutral):
    assert tables.neutralise(text) == neutral


def test_a_formula_after_a_separator_stays_text_when_a_spreadsheet_splits_there():
    """German Excel splits a comma-separated line at ";": every piece of every cell must
    still be text, not a formula."""
    table = [["municipality"], [tables.neutralise("Altdorf;=1+2;@A1")]]
    line = tables.to_csv(table).splitlines()[1]
    for piece in re.split(r"[;,]", line.strip('"')):
        assert not piece.lstrip(' "').startswith(tables.FORMULA_STARTS), piece


@pytest.mark.parametrize("value", [-2, 3.5, 0, None, "Altdorf", "a=b", " =1", "'quoted",
                                   "x; y", "Wärme, Strom"])
def test_neutralise_leaves_numbers_and_ordinary_text_alone(value):
    assert tables.neutralise(value) == value


def test_csv_and_xlsx_neutralise_municipality_names_and_audience_keys(app):
    w = formula_world(app)
    client = signed_in(app, w)
    query = "?by=municipality,audience&wave=1"
    rows = csv_rows(client, f"/results/{w.survey_id}/export.csv{query}")
    assert {r["municipality"] for r in rows} == {"'" + t for t in FORMULA_TOWNS}
    assert {r["audience"] for r in rows} == {"'-staff", "citizens"}
    sheet = xlsx_book(client, f"/results/{w.survey_id}/export.xlsx{query}").worksheets[0]
    header = [c.value for c in sheet[1]]
    for name in ("municipality", "audience"):
        column = header.index(name) + 1
        cells = [sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)]
        assert all(c.data_type == "s" for c in cells), name  # a string, not a formula
        assert {c.value for c in cells} == {r[name] for r in rows}, name


# --- 5. No microdata ---------------------------------------------------------------------


def test_there_is_no_raw_export_not_even_for_organizers(app):
    """Results are tables only: rows of a small segment describe its people, and their
    breakdown subtracted from the released totals gives the left-out segments away
    (docs/privacy.md, "Why there is no raw export")."""
    w = segments_world(app)
    organizer = signed_in(app, w)
    base = f"/results/{w.survey_id}"
    dashboard = organizer.get(f"{base}/")
    assert dashboard.status_code == 200 and "raw.csv" not in dashboard.get_data(as_text=True)
    for url in (f"{base}/raw.csv", f"{base}/raw.csv?wave=1"):
        assert organizer.get(url).status_code == 404, url
    with app.app_context():
        assert db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "export.raw")) is None


# --- 6. Scores ---------------------------------------------------------------------------

def test_fear_index_is_the_mean_of_item_means(app):
    w = fears_world(app)
    client = signed_in(app, w)
    by_town = api(client, w, by="municipality", wave="1")
    altdorf = cell(by_town, "fear-index", "Altdorf", kind="scores")
    neudorf = cell(by_town, "fear-index", "Neudorf", kind="scores")
    # Altdorf: (3 + 2 + 5 + 4 + 1 + 3 + 2) / 7 = 2.857; n = 5
    assert (altdorf["suppressed"], altdorf["value"], altdorf["n"]) == (False, 2.86, 5)
    # Neudorf: six items (8·4 + 2·1) / 10 = 3.4, own-role 4.0: 24.4 / 7 = 3.486; n = 8
    assert (neudorf["suppressed"], neudorf["value"], neudorf["n"]) == (False, 3.49, 8)
    for town, score in (("Altdorf", altdorf), ("Neudorf", neudorf)):
        means = [cell(by_town, f"fear-{f}", town)["mean"] for f in FEARS]
        assert score["value"] == round(sum(means) / len(means), 2)


def test_fear_index_is_suppressed_where_its_items_are(app):
    w = fears_world(app)
    by_audience = api(signed_in(app, w), w, by="audience", wave="1")
    # citizens (2) are below k, so the 13 employees of 15 are hidden as well
    for audience in ("employees", "citizens"):
        assert cell(by_audience, "fear-decisions", audience=audience)["suppressed"]
        assert cell(by_audience, "fear-index", audience=audience, kind="scores") == {
            "municipality": None, "audience": audience, "wave": 1, "suppressed": True}


def test_score_plugin_gets_a_read_only_view_of_released_aggregates(app_factory):
    plugin = RecordingScores()
    app = app_factory(EXTRA_PLUGINS=(SamplePlugin(), plugin))
    w = scored_world(app)
    api(signed_in(app, w), w, by="municipality,audience")
    with app.app_context():
        ids = db.session.scalars(select(Response.id)).all()
    assert plugin.views and len(ids) == 10
    for view in plugin.views:
        assert type(view) is MappingProxyType
        assert set(view) == {"trust", "owner", "goals", "years"}  # no free text
        assert all(type(numbers) is MappingProxyType for numbers in view.values())
        with pytest.raises(TypeError):
            view["trust"] = {}
        with pytest.raises(TypeError):
            view["trust"]["mean"] = 5
        text = repr({key: dict(numbers) for key, numbers in view.items()})
        assert not any(i in text for i in ids)
    suppressed = [numbers for view in plugin.views for numbers in view.values()
                  if numbers.get("suppressed")]
    assert suppressed and all(dict(numbers) == {"suppressed": True} for numbers in suppressed)


def test_score_plugin_cannot_change_the_counts_other_plugins_see(app_factory):
    plugin = RecordingScores()
    app = app_factory(EXTRA_PLUGINS=(SamplePlugin(), plugin))
    w = scored_world(app)
    api(signed_in(app, w), w)
    view = next(v for v in plugin.views if not v["trust"]["suppressed"])
    assert view["trust"]["counts"] == {"2": 2, "4": 8}
    with pytest.raises(TypeError):  # every plugin of the cell is given this same view
        view["trust"]["counts"]["4"] = 600


def test_plugin_score_below_k_is_suppressed_and_others_follow_their_items(app_factory):
    app = app_factory(EXTRA_PLUGINS=(SamplePlugin(), RecordingScores()))
    w = scored_world(app)
    client = signed_in(app, w)
    shown = []
    for by in ("", "audience", "municipality,audience"):
        payload = api(client, w, by=by)
        tiny = entry(payload, "tiny", kind="scores")
        assert all(c["suppressed"] and "value" not in c for c in tiny["cells"])
        for scored in entry(payload, "trust-copy", kind="scores")["cells"]:
            trust = cell(payload, "trust", scored["municipality"], scored["audience"])
            assert scored["suppressed"] == trust["suppressed"]
            assert (scored.get("value"), scored.get("n")) == (trust.get("mean"),
                                                              trust.get("n"))
            shown += [] if scored["suppressed"] else [(scored["value"], scored["n"])]
    assert shown == [(3.6, 10)]  # the total only: (8·4 + 2·2) / 10


@pytest.mark.parametrize("value", [["not a score"], [{"id": "x", "value": 1.0}], 3.5,
                                   Score(id="bare", label="Bare", value=1.0, n=10)],
                         ids=["text", "dict", "number", "bare-score"])
def test_plugin_returning_something_else_than_scores_raises_plugin_error(app_factory, value):
    app = app_factory(EXTRA_PLUGINS=(SamplePlugin(), MalformedScores(value)))
    w = scored_world(app)
    with app.app_context():
        survey = db.session.get(Survey, w.survey_id)
        with pytest.raises(PluginError, match="sample"):
            survey_results(survey, app.extensions["ikzsurvey.registry"])
