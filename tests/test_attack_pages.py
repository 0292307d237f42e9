"""The dashboard and the question pages show nothing the API does not, so the attack over
HTTP (tests/test_attack_http.py) need not read their numbers.

Every number on them comes from the stored release the API prints in full — the same
results, read back from the same JSON, where a hidden cell carries no numbers at all:
responses and the response rate (responses ÷ the invitations the API shows for every
cell), each question's answers, options or ranges, ``n`` and don't know; means, standard
deviations, medians, top-two shares and consensus, computed from a shown cell's counts;
plugin scores, computed from the shown numbers; "where we agree and diverge", importance
and fulfilment, trends: means of shown cells side by side. The charts draw the same numbers
as images. Only the comment lists are read from the database at request time, and how many
each cell lists is part of the attack (http_reading.read_comment_lists). This test checks
the equality on a sample: the tables of the dashboard and of two question pages, for a
few selections, against the API.
"""

from __future__ import annotations

from dataclasses import replace

from .attack_world import K, play
from .html_page import leading_int, parse
from .http_reading import read_labels
from .sample_plugin import SAMPLE
from .test_attack_http import K_THEN_ONE_MORE

HIDDEN = f"fewer than {K} answers"
TRUST, OWNER, GOALS, YEARS = (("sample", q) for q in ("trust", "owner", "goals", "years"))


def _api_cell(client, survey_id, cell) -> dict:
    """Every number the API shows of one cell: responses, and per question its row."""
    m, a, w = cell
    by = ",".join(d for d, v in (("municipality", m), ("audience", a)) if v is not None)
    args = {"by": by, **({"wave": w} if w is not None else {})}
    payload = client.get(f"/api/v1/surveys/{survey_id}/results", query_string=args).get_json()
    rows = [r for r in payload["responses"]
            if (r["municipality"], r["audience"], r["wave"]) == cell]
    questions = {(q["question_set"], q["id"]): next(
        c for c in q["cells"] if (c["municipality"], c["audience"], c["wave"]) == cell)
        for q in payload["questions"]}
    return {"responses": rows[0], **questions}


def _number(value) -> str:
    return "–" if value is None else f"{value:,.2f}"


def _order(key, api_row) -> list[str]:
    if key == TRUST:
        return [str(p) for p in range(1, 6)]
    if key == YEARS:
        return [b["label"] for b in api_row["bins"]]
    question = next(q for q in SAMPLE.questions if q.id == key[1])
    return [option for option, _label in question.options]


def test_the_pages_show_the_numbers_of_the_api(app):
    # The exports are not compared here: a sample of the workbooks is enough to play it.
    seen, clients = play(app, replace(K_THEN_ONE_MORE, every_xlsx=False))
    viewer, survey_id = clients.viewer, seen.survey_id
    labels = read_labels(viewer, survey_id)
    ids = {name: id_ for id_, name in labels.municipalities.items()}
    municipalities, audiences = seen.names
    texts = {TRUST: "I trust the partners.", OWNER: "Who should own it?",
             GOALS: "Which goals?", YEARS: "Jahre / years"}
    checked = 0
    for cell in [(None, None, None), (municipalities[0], None, None), (None, audiences[1], 2),
                 (municipalities[1], audiences[0], 1)]:
        m, a, w = cell
        args = {"municipality": ids[m] if m else "all", "audience": a or "all",
                "wave": w or "all", "lang": "en"}
        page = parse(viewer.get(f"/results/{survey_id}/", query_string=args)
                     .get_data(as_text=True))
        # Responses: the selection's wave, every municipality and audience and "all".
        table = page.table("Responses and response rate")
        for row, mm in zip(table.rows[1:], (*municipalities, None), strict=True):
            for text, aa in zip(row[1:], (*audiences, None), strict=True):
                shown = _api_cell(viewer, survey_id, (mm, aa, w))["responses"]
                assert (HIDDEN in text) == shown["suppressed"], (mm, aa, w, text)
                if not shown["suppressed"]:
                    assert leading_int(text) == shown["responses"]
                    checked += 1
        api = _api_cell(viewer, survey_id, cell)
        ratings = page.table("Mean, spread, share agreeing and consensus")
        row = next(r for r in ratings.rows if r[0] == texts[TRUST])
        if api[TRUST]["suppressed"]:
            assert HIDDEN in row[1]
        else:
            n, mean, sd, median = row[1:5]
            assert (int(n), mean, sd, median) == (
                api[TRUST]["n"], *(_number(api[TRUST][f]) for f in ("mean", "sd", "median")))
            assert int(row[7]) == api[TRUST]["dont_know"]
            checked += 1
        for key in (OWNER, GOALS, YEARS):
            if api[key]["suppressed"]:
                continue
            table = next(t for t in page.tables
                         if t.caption.startswith(f"{api[key]['n']} people answered")
                         and [r[0] for r in t.rows[1:]] == _labels(key, api[key]))
            counts = [int(r[1]) for r in table.rows[1:]]
            assert counts == [(api[key]["counts"] or {}).get(o, 0)
                              for o in _order(key, api[key])]
            checked += 1
        # The question pages: each municipality (or group) of the selection, and "all".
        for key in (TRUST, YEARS):
            html = viewer.get(f"/results/{survey_id}/questions/{key[0]}/{key[1]}",
                              query_string=args).get_data(as_text=True)
            for caption, along in (("By municipality", 0), ("By group", 1)):
                table = parse(html).table(f"{caption}:")
                values = (municipalities, audiences)[along]
                for row, value in zip(table.rows[1:], (*values, None), strict=True):
                    part = list(cell)
                    part[along] = value
                    shown = _api_cell(viewer, survey_id, tuple(part))[key]
                    if shown["suppressed"]:
                        assert HIDDEN in row[1]
                        continue
                    order = _order(key, shown)
                    assert int(row[1]) == shown["n"]
                    assert [int(c) for c in row[2:2 + len(order)]] == [
                        (shown["counts"] or {}).get(o, 0) for o in order]
                    if key == TRUST:
                        assert row[2 + len(order)] == _number(shown["mean"])
                    checked += 1
    assert checked > 20


def _labels(key, api_row) -> list[str]:
    if key == YEARS:
        return [b["label"] for b in api_row["bins"]]
    question = next(q for q in SAMPLE.questions if q.id == key[1])
    return [str(label) for _option, label in question.options]
