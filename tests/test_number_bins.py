"""Number questions are released in ranges (bins), never as raw values: layouts declared and
derived, merged below k over the whole survey, one layout for every breakdown, counted in
SQL, audited as options, validated at start-up, readable from TOML, and no unique value
findable on any page, API answer or export."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from ikzsurvey import hookimpl
from ikzsurvey.plugins import PluginError
from ikzsurvey.questions import DefinitionError, Number, QuestionSet
from ikzsurvey.results import bins as binning
from ikzsurvey.results.aggregate import count_survey
from ikzsurvey.results.release_audit import RawNumbersError, audit_survey, shapes
from ikzsurvey.results.release_counts import release_counts
from ikzsurvey.results.service import survey_results
from ikzsurvey.results.suppression import ALL
from ikzsurvey.surveys import registry

from .results_fixtures import close_waves, close_wave, make_cooperation, world
from .test_results_exports import api, csv_rows, respond, signed_in

K = 5
YEARS = ("sample", "years")
TOTAL = (ALL, ALL, ALL)

# --- layouts ---------------------------------------------------------------------------


def test_declared_edges_make_the_labelled_bins():
    layout = binning.layout((5, 10, 20))
    assert layout.labels == ("< 5", "5–9", "10–19", "≥ 20")
    assert [(b.lower, b.upper) for b in layout.bins] == [(None, 4), (5, 9), (10, 19), (20, None)]
    assert [layout.bin_of(v).label for v in (-3, 4, 5, 9, 10, 19.0, 20, 10**6)] == [
        "< 5", "< 5", "5–9", "5–9", "10–19", "10–19", "≥ 20", "≥ 20"]
    question = Number(id="n", text="n", min=0, max=100, bins=[5, 10, 20])
    assert question.bins == (5, 10, 20)
    assert binning.candidate_edges(question) == (5, 10, 20)


@pytest.mark.parametrize("low, high, edges", [
    (0, 120, (25, 50, 75, 100)),
    (1, 10, (2, 4, 6, 8, 10)),
    (0, 5, (1, 2, 3, 4, 5)),
    (0, 1000, (200, 400, 600, 800, 1000)),
    (18, 99, (20, 40, 60, 80)),
    (7, 7, ()),
    (0, None, (10, 100, 1000, 10_000, 100_000)),
    (None, None, (10, 100, 1000, 10_000, 100_000)),
    (-50, None, (0, 10, 100, 1000, 10_000)),
])
def test_derived_bins_are_at_most_six_with_round_edges(low, high, edges):
    derived = binning.derived_edges(low, high)
    assert derived == edges
    assert len(derived) + 1 <= binning.MAX_DERIVED_BINS
    assert list(derived) == sorted(set(derived))
    for edge in derived:
        assert low is None or edge > low
        assert high is None or edge <= high


def test_a_single_bin_is_labelled_with_the_bounds():
    assert binning.layout((), Number(id="n", text="n", min=0, max=120)).labels == ("0–120",)
    assert binning.layout((), Number(id="n", text="n", min=3)).labels == ("≥ 3",)
    assert binning.layout((), Number(id="n", text="n")).labels == ("all",)


@pytest.mark.parametrize("counts, expected", [
    ([10, 1, 5, 0, 0], (25,)),  # the lone 37 and the empty bins end up in "≥ 25"
    ([5, 5, 5, 5, 5], (25, 50, 75, 100)),  # nothing below k: nothing merged
    ([6, 2, 6, 3, 9], (50, 100)),  # 2 joins the smaller 6 below, then 3 joins 6, …
    ([1, 1, 1, 1, 0], ()),  # never k together: one bin
    ([0, 0, 0, 0, 0], ()),
    ([9, 9, 9, 9, 4], (25, 50, 75)),  # the last bin joins its only neighbour
])
def test_small_bins_merge_with_their_smaller_neighbour(counts, expected):
    merged = binning.merge_small((25, 50, 75, 100), counts, K)
    assert merged == expected
    sizes = [0] * (len(merged) + 1)
    for count, lower in zip(counts, (None, 25, 50, 75, 100), strict=True):
        sizes[0 if lower is None else sum(edge <= lower for edge in merged)] += count
    assert sum(sizes) == sum(counts)
    assert len(sizes) == 1 or min(sizes) >= K


def test_merging_needs_one_count_per_bin():
    with pytest.raises(ValueError, match="3 edges make 4 bins"):
        binning.merge_small((1, 2, 3), [1, 2], K)


# --- start-up validation and TOML ------------------------------------------------------


class _Plugin:
    def __init__(self, question):
        self.question = question

    @hookimpl
    def ikzsurvey_question_sets(self):
        return [QuestionSet(id="counted", version=1, title="T", questions=[self.question])]


@pytest.mark.parametrize("edges, field, reason", [
    ([10, 5], "bins[1]", "strictly increasing: 5 follows 10"),
    ([5, 5], "bins[1]", "strictly increasing"),
    ([0, 10], "bins[0]", "greater than min (0)"),
    ([10, 121], "bins[1]", "not be greater than max (120)"),
    ([10, "20"], "bins[1]", "'20' is not a whole number"),
    ([2.5], "bins[0]", "2.5 is not a whole number"),
    ([], "bins", "non-empty list"),
    (list(range(1, 25)), "bins", "at most 20 bins"),
])
def test_bad_bins_stop_startup_naming_plugin_set_and_question(app_factory, edges, field, reason):
    question = Number(id="years", text="Years", min=0, max=120, bins=edges)
    with pytest.raises(PluginError) as failure:
        app_factory(EXTRA_PLUGINS=(_Plugin(question),))
    message = str(failure.value)
    assert "_Plugin" in message
    assert "question set 'counted@1'" in message
    assert f"field 'questions[0] (years).{field}'" in message
    assert reason in message


def test_good_bins_start(app_factory):
    question = Number(id="years", text="Years", min=0, max=120, bins=[5, 10, 120])
    app = app_factory(EXTRA_PLUGINS=(_Plugin(question),))
    with app.app_context():
        assert registry().get("counted", 1).question("years").bins == (5, 10, 120)


TOML = """id = "heat-planning"
version = 1
title = "Wärmeplanung"

[[questions]]
kind = "number"
id = "households"
text = "Haushalte"
min = 0
max = 500
bins = {bins}
"""


def test_toml_question_sets_declare_bins(tmp_path):
    from ikzsurvey_plugins.toml_question_sets import load_file

    path = tmp_path / "heat-planning.toml"
    path.write_text(TOML.format(bins="[10, 50, 100]"), encoding="utf-8")
    question = load_file(path).question("households")
    assert question.bins == (10, 50, 100)
    assert binning.layout(binning.candidate_edges(question)).labels == (
        "< 10", "10–49", "50–99", "≥ 100")


def test_bad_toml_bins_stop_startup_naming_the_file(app_factory, tmp_path):
    folder = tmp_path / "question_sets"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "heat-planning.toml").write_text(TOML.format(bins="[50, 10]"), encoding="utf-8")
    with pytest.raises(PluginError) as failure:
        app_factory(QUESTION_SET_DIR=str(folder))
    message = str(failure.value)
    assert "heat-planning.toml" in message and "heat-planning@1" in message
    assert "questions[0] (households).bins[1]" in message and "strictly increasing" in message


# --- a survey with one unique value ----------------------------------------------------

#: (municipality, audience, wave) → years. The whole survey: 11 answers below 25, the lone
#: 37, five from 50 to 74 — so "25–49" (1) joins "50–74" and the empty bins above: the
#: layout is "< 25" (11) and "≥ 25" (6).
YEARS_GIVEN = {
    ("Altdorf", "employees", 1): (3, 5, 8, 12, 15, 37),
    ("Neudorf", "citizens", 1): (4, 6, 9, 55, 60, 61),
    ("Neudorf", "employees", 1): (20, 22, 62, 70, 18),
}
LAYOUT = ["< 25", "≥ 25"]


def unique_world(app, running=()):
    with app.app_context():
        w = world(make_cooperation(k=K))
        for (m, a, wave), values in YEARS_GIVEN.items():
            for years in values:
                respond(w, m, a, wave, trust=3, owner="town", years=years)
        for m, a, wave, years in running:
            respond(w, m, a, wave, trust=3, owner="town", years=years)
        close_wave(w, 1, published=True, public=True)
    return w


def _numbers(results):
    return {key: (q, results.question(*key).aggregation)
            for key in [(r.question_set.id, r.question.id) for r in results.questions]
            for q in [results.question(*key).question]}


def test_bins_are_counted_per_cell_from_the_whole_survey_layout(app):
    w = unique_world(app)
    with app.app_context():
        results = survey_results(_survey(w), registry())
        years = results.question(*YEARS)
        assert years.layout.labels == tuple(LAYOUT)
        total = years.cells[TOTAL]
        assert total.n == 17 and total.counts == {"< 25": 11, "≥ 25": 6}
        assert total.bins == ({"label": "< 25", "lower": None, "upper": 24, "n": 11},
                              {"label": "≥ 25", "lower": 25, "upper": None, "n": 6})
        assert total.mean is None and total.sd is None and total.median is None
        altdorf = years.cells[(w.municipalities["Altdorf"], ALL, ALL)]
        assert altdorf.counts == {"< 25": 5, "≥ 25": 1}
        assert "mean" not in altdorf.as_dict() and altdorf.as_dict()["bins"][1]["n"] == 1


def _survey(w):
    from ikzsurvey.db import db
    from ikzsurvey.models import Survey

    return db.session.get(Survey, w.survey_id)


def _layouts_seen(app, w, roles) -> set[tuple[str, ...]]:
    layouts = set()
    for role in roles:
        client = signed_in(app, w, role, close=False)
        for by in ("", "municipality", "audience", "wave", "municipality,audience",
                   "municipality,audience,wave"):
            payload = api(client, w, by=by)
            entry = next(e for e in payload["questions"] if e["id"] == "years")
            shown = [c for c in entry["cells"] if not c["suppressed"]]
            assert shown
            for cell in shown:
                layouts.add(tuple(b["label"] for b in cell["bins"]))
                assert {b["label"]: b["n"] for b in cell["bins"]} == cell["counts"]
                assert sum(b["n"] for b in cell["bins"]) == cell["n"]
                assert not {"mean", "sd", "median"} & set(cell)
    return layouts


def test_one_layout_for_every_breakdown_and_role_and_none_from_a_running_wave(app):
    # Wave 2 is running: five answers from 25 to 49 would give that range k answers. Were
    # they part of the layout, the moment the range splits would time a person and tell
    # their range: the layout rests on the closed waves only, the same for every breakdown.
    w = unique_world(app, running=[("Altdorf", "citizens", 2, y) for y in (30, 31, 40, 44, 49)])
    assert _layouts_seen(app, w, ("admin", "viewer")) == {("< 25", "≥ 25")}
    viewer = api(signed_in(app, w, "viewer", close=False), w)
    total = next(e for e in viewer["questions"] if e["id"] == "years")["cells"][0]
    assert total["counts"] == {"< 25": 11, "≥ 25": 6}  # wave 1 only
    # Closed, wave 2 is part of the organizer's view (not yet of the viewer's, unpublished):
    # its answers give 25–49 six answers, and the organizer's layout splits that range.
    with app.app_context():
        close_waves(w)
    assert _layouts_seen(app, w, ("admin",)) == {("< 25", "25–49", "≥ 50")}
    assert _layouts_seen(app, w, ("viewer",)) == {("< 25", "≥ 25")}


def test_suppressed_cells_carry_no_bins(app):
    w = unique_world(app, running=[("Altdorf", "citizens", 1, 40)])
    payload = api(signed_in(app, w, "viewer"), w, by="municipality,audience")
    cells = next(e for e in payload["questions"] if e["id"] == "years")["cells"]
    small = next(c for c in cells if (c["municipality"], c["audience"]) == ("Altdorf", "citizens"))
    assert small == {"municipality": "Altdorf", "audience": "citizens", "wave": None,
                     "suppressed": True}


#: 37 as a number of its own: not part of 37,5 or 1370 or an id like a37.
UNIQUE = re.compile(r"(?<!\w)(?<!\d[.,])37(?!\w|[.,]\d)")


def _fetch_everything(app, w):
    """Every page, chart, API answer and export a viewer (and the organizer) can fetch."""
    fetched = {}
    viewer, organizer = signed_in(app, w, "viewer"), signed_in(app, w, "admin")
    for who, client in (("viewer", viewer), ("organizer", organizer)):
        base = f"/results/{w.survey_id}"
        urls = [f"{base}/", f"{base}/?municipality={w.municipalities['Altdorf']}",
                f"{base}/questions/sample/years",
                f"{base}/questions/sample/years?audience=employees",
                f"{base}/charts/questions/sample/years.svg",
                f"/api/v1/surveys/{w.survey_id}/results?by=municipality,audience,wave"]
        for by in ("", "municipality", "audience", "municipality,audience"):
            urls.append(f"{base}/export.csv?by={by}")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            fetched[(who, url)] = _readable(url, response.get_data(as_text=True))
        book = load_workbook(io.BytesIO(client.get(f"{base}/export.xlsx?by=municipality,audience")
                                        .get_data()))
        fetched[(who, "xlsx")] = "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in book for row in sheet.iter_rows(values_only=True))
    public = app.test_client()
    for url in (f"/public/{w.survey_id}/waves/1/", f"/public/{w.survey_id}/waves/1/questions/sample/years"):
        response = public.get(url)
        assert response.status_code == 200, url
        fetched[("public", url)] = response.get_data(as_text=True)
    return fetched


def _readable(url, text):
    """JSON with its characters unescaped; CSV as tab-separated cells (so "1,37" is two
    cells, not a German decimal)."""
    if "/api/" in url:
        return json.dumps(json.loads(text), ensure_ascii=False)
    if ".csv" in url:
        return "\n".join("\t".join(row) for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return text


def test_the_unique_value_is_on_no_page_api_answer_or_export(app):
    w = unique_world(app)
    fetched = _fetch_everything(app, w)
    for where, text in fetched.items():
        assert not UNIQUE.search(text), (where, text[max(0, UNIQUE.search(text).start() - 80):][:160])
    # The search finds what is there: the ranges themselves are on every surface.
    for where, text in fetched.items():
        if not where[1].endswith(".svg"):
            assert "≥ 25" in text or "&ge; 25" in text, where
    # And in the counts: the organizer's export of the whole cooperation holds all 17.
    whole = fetched[("organizer", f"/results/{w.survey_id}/export.csv?by=")]
    assert "< 25=11; ≥ 25=6" in whole


def test_the_search_for_the_unique_value_would_find_it():
    assert UNIQUE.search("<td>37</td>") and UNIQUE.search('"years": 37,')
    assert UNIQUE.search(_readable("export.csv", "municipality,wave,n\r\nAltdorf,1,37\r\n"))
    assert UNIQUE.search(_readable("/api/v1/x", '{"counts": {"37": 1}}'))
    assert UNIQUE.search("37%") and UNIQUE.search("[37, 40]")
    assert not UNIQUE.search("37,5 %") and not UNIQUE.search("1370") and not UNIQUE.search("#a37")
    assert not UNIQUE.search("64.37") and not UNIQUE.search("0,37")


def test_raw_counts_of_numbers_would_show_the_value_which_release_counts_never_do(app):
    w = unique_world(app)
    with app.app_context():
        survey = _survey(w)
        raw = count_survey(w.survey_id, [YEARS], [])
        assert raw.questions[YEARS].values[TOTAL][37.0] == 1  # what the bins hide
        results = survey_results(survey, registry())
        questions = _numbers(results)
        released = release_counts(w.survey_id, questions, K)
        values = released.counts.questions[YEARS].values[TOTAL]
        assert all(isinstance(v, binning.Bin) for v in values)
        assert {b.label: c for b, c in values.items()} == {"< 25": 11, "≥ 25": 6}


def test_the_audit_refuses_raw_number_counts_and_audits_bins(app):
    w = unique_world(app)
    with app.app_context():
        survey = _survey(w)
        aggregations = {YEARS: "numeric", ("sample", "trust"): "ordinal"}
        raw = count_survey(w.survey_id, [YEARS, ("sample", "trust")], [])
        with pytest.raises(RawNumbersError, match="sample/years.*raw number value"):
            shapes(raw, aggregations)
        dimensions = (tuple(w.municipalities.values()), tuple(w.audiences.values()),
                      tuple(w.waves.values()))
        with pytest.raises(RawNumbersError):
            audit_survey(raw, dimensions, aggregations, K)
        questions = {key: (survey_results(survey, registry()).question(*key).question, a)
                     for key, a in aggregations.items()}
        released = release_counts(w.survey_id, questions, K)
        years = next(s for s in shapes(released, aggregations) if s.key == YEARS)
        assert years.kind == "single"
        assert [b.label for b in years.values] == LAYOUT
        shown = audit_survey(released, dimensions, aggregations, K).shown
        assert TOTAL in shown


def test_bin_counts_come_from_one_group_by_over_a_case(app):
    from sqlalchemy import event

    from ikzsurvey.db import db

    w = unique_world(app)
    statements = []
    with app.app_context():
        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            questions = {YEARS: (Number(id="years", text="y", min=0, max=120), "numeric")}
            release_counts(w.survey_id, questions, K)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    binned = [s for s in statements if "CASE" in s.upper()]
    assert len(binned) == 1 and "GROUP BY" in binned[0].upper()
    assert not any("value_num" in s.split("GROUP BY")[-1] for s in statements if "GROUP BY" in s)


# --- German ------------------------------------------------------------------------------


def test_the_pages_name_ranges_in_german_and_english(app):
    w = unique_world(app)
    client = signed_in(app, w, "viewer")
    german = client.get(f"/results/{w.survey_id}/").get_data(as_text=True)
    assert '<th scope="col">Bereich</th>' in german
    assert ("Zahlen werden nur in Bereichen gezeigt; ein Bereich mit weniger als 5 Antworten in "
            "den angezeigten Wellen wird mit seinem Nachbarbereich zusammengefasst.") in german
    question = client.get(f"/results/{w.survey_id}/questions/sample/years").get_data(as_text=True)
    assert "Antworten je Bereich" in question and "Mittelwert" not in question
    english = client.get(f"/results/{w.survey_id}/questions/sample/years?lang=en")
    text = english.get_data(as_text=True)
    assert "answers per range" in text and "Mean" not in text
    assert ("Numbers are shown in ranges only; a range with fewer than 5 answers in the waves "
            "shown is merged with its neighbour.") in text


def test_number_ranges_in_the_csv_export(app):
    w = unique_world(app)
    rows = csv_rows(signed_in(app, w, "viewer"), f"/results/{w.survey_id}/export.csv")
    years = next(r for r in rows if r["id"] == "years")
    assert years["counts"] == "< 25=11; ≥ 25=6"
    assert years["mean"] == years["sd"] == years["median"] == ""


def test_definition_error_is_raised_by_the_kind_check():
    from ikzsurvey.kinds import check_number

    with pytest.raises(DefinitionError, match="strictly increasing"):
        check_number(Number(id="n", text="n", bins=(3, 2)))
    check_number(Number(id="n", text="n", bins=(-5, 0, 3)))  # no bounds: any increasing edges
