"""What a reader fetches of a survey's results over HTTP, as the attacker of
tests/disclosure.py takes it: every number of every surface, put together per release.

A :class:`Reading` holds one release's numbers as fetched — the API for every breakdown and
wave, the CSV and XLSX exports, the public summaries, the released comment lists — keyed as
the surfaces name them: municipality names, audience keys and wave numbers (``None``: all;
an "all waves" cell means the waves of the release, which the API's ``waves`` list names).
Every surface must show the same number for the same cell and question: :meth:`Reading.put`
asserts it, so a surface that showed something of its own is caught twice, by the
disagreement and by the attack on what it adds. Nothing here imports the application.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from html import unescape

from openpyxl import load_workbook

from .disclosure import Published, Range
from .html_page import leading_int, parse

DIMENSIONS = ("municipality", "audience", "wave")
BREAKDOWNS = [",".join(c) for r in range(4) for c in itertools.combinations(DIMENSIONS, r)]
#: How the attacker models each aggregation the API names.
KINDS = {"ordinal": "single", "nominal": "single", "numeric": "single",
         "multiple": "multiple", "text": "text"}


@dataclass
class Reading:
    """One release as a reader fetched it."""

    waves: tuple[int, ...]
    responses: dict = field(default_factory=dict)  # shown cell → responses
    invitations: dict = field(default_factory=dict)  # segment → invitations issued
    kinds: dict = field(default_factory=dict)  # question key → the attacker's kind
    counts: dict = field(default_factory=dict)  # key → {cell: {value: count}}
    answered: dict = field(default_factory=dict)  # key → {cell: n}
    ranges: dict = field(default_factory=dict)  # key → {bin label: Range}
    lists: dict = field(default_factory=dict)  # text key → {part's cell: its texts}
    listed: dict = field(default_factory=dict)  # text key → {part's cell: texts listed}
    texts: dict = field(default_factory=dict)  # key → the question's text, per language
    numbers: Counter = field(default_factory=Counter)  # surface → numbers read

    def put(self, table: dict, cell, value, surface: str) -> None:
        self.numbers[surface] += 1
        if cell in table:
            assert table[cell] == value, (
                f"{surface} shows {value!r} for {cell}, another surface {table[cell]!r}")
        else:
            table[cell] = value

    def question(self, key, aggregation: str, cell, n, counts, surface: str) -> None:
        kind = self.kinds.setdefault(key, KINDS[aggregation])
        if kind == "single":
            assert n == sum(counts.values()), (key, cell, n, counts)
        if kind != "text":
            self.put(self.counts.setdefault(key, {}), cell, counts, surface)
        self.put(self.answered.setdefault(key, {}), cell, n, surface)

    def published(self, lists_exact: bool = True) -> Published:
        """What the release showed, as the attacker takes it. A part's list is as long as
        the part's comments where every comment is released (``lists_exact``: the tests
        release all of them); else it bounds them from below only, and is not used."""
        answered = {key: dict(cells) for key, cells in self.answered.items()}
        for key, parts in self.listed.items():
            for cell, n in parts.items():
                known = answered.setdefault(key, {}).get(cell)
                assert known is None or (known == n if lists_exact else known >= n), (
                    f"{key} {cell}: {n} comments listed, the API shows {known}")
                if lists_exact:
                    answered[key][cell] = n
        questions = {key: (kind, self.counts.get(key, {}), answered.get(key, {}))
                     for key, kind in self.kinds.items()}
        return Published(self.waves, dict(self.responses), questions)

    def segments(self) -> dict:
        return {cell: n for cell, n in self.invitations.items() if None not in cell}


def _cell(row: dict) -> tuple:
    wave = row["wave"]
    return (row["municipality"] or None, row["audience"] or None,
            int(wave) if wave not in (None, "") else None)


def read_api(client, survey_id: int) -> Reading:
    """Every breakdown of ``GET /api/v1/surveys/<id>/results`` for every wave and none."""
    first = _api(client, survey_id, {})
    reading = Reading(tuple(w["number"] for w in first["waves"]))
    for by, wave in itertools.product(BREAKDOWNS, (None, *reading.waves)):
        args = {"by": by, **({"wave": wave} if wave is not None else {})}
        payload = first if not args["by"] and wave is None else _api(client, survey_id, args)
        assert tuple(w["number"] for w in payload["waves"]) == reading.waves
        for row in payload["responses"]:
            cell = _cell(row)
            reading.put(reading.invitations, cell, row["invitations"], "api")
            if not row["suppressed"]:
                reading.put(reading.responses, cell, row["responses"], "api")
        for question in payload["questions"]:
            key = (question["question_set"], question["id"])
            reading.texts[key] = question["text"]
            for row in question["cells"]:
                if row["suppressed"]:
                    continue
                counts = row["counts"] or {}
                if question["aggregation"] == "numeric":
                    labels = reading.ranges.setdefault(key, {})
                    for b in row["bins"]:
                        labels[b["label"]] = Range(b["lower"], b["upper"])
                    counts = {labels[b["label"]]: b["n"] for b in row["bins"]}
                reading.question(key, question["aggregation"], _cell(row), row["n"], counts,
                                 "api")
    return reading


def _api(client, survey_id: int, args: dict) -> dict:
    response = client.get(f"/api/v1/surveys/{survey_id}/results", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


#: The workbooks read where every one would take too long (the demo's): the whole
#: cooperation and the finest breakdown, whose cells hold every other cell's atoms.
XLSX_SAMPLE = ("", "municipality,audience,wave")


def read_exports(client, reading: Reading, base: str, waves=None, every_xlsx=True) -> None:
    """The CSV and XLSX exports under ``base`` (``/results/<id>`` or a public summary's
    ``/public/<id>/waves/<n>``) for every breakdown and wave (``waves``; a public summary
    shows its own wave only), added to ``reading``; unless ``every_xlsx``, the workbooks
    of :data:`XLSX_SAMPLE` only (an XLSX holds the rows of the CSV, and the responses of
    the API)."""
    waves = reading.waves if waves is None else waves
    for by, wave in itertools.product(BREAKDOWNS, (None, *waves)):
        args = {"by": by, **({"wave": wave} if wave is not None else {})}
        response = client.get(f"{base}/export.csv", query_string=args)
        assert response.status_code == 200, (base, args, response.status_code)
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        _summary(reading, rows, "csv")
        if not every_xlsx and (by not in XLSX_SAMPLE or wave is not None):
            continue
        response = client.get(f"{base}/export.xlsx", query_string=args)
        assert response.status_code == 200, (base, args, response.status_code)
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        summary, responses = (list(sheet.iter_rows(values_only=True)) for sheet in book)
        book.close()
        _summary(reading, [dict(zip(summary[0], row, strict=True)) for row in summary[1:]],
                 "xlsx")
        for row in (dict(zip(responses[0], r, strict=True)) for r in responses[1:]):
            cell = _cell(row)
            reading.put(reading.invitations, cell, row["invitations"], "xlsx")
            if row["suppressed"] != "yes":
                reading.put(reading.responses, cell, row["responses"], "xlsx")


def _summary(reading: Reading, rows: list[dict], surface: str) -> None:
    aggregations = {key: a for key, a in _aggregations(reading).items()}
    for row in rows:
        if row["kind"] != "question" or row["suppressed"] == "yes":
            continue
        key = (row["question_set"], row["id"])
        counts = {}
        for part in (row["counts"] or "").split("; "):
            if part:
                value, _, count = part.rpartition("=")
                value = value.removeprefix("'")  # a formula's neutralising apostrophe
                counts[reading.ranges[key][value] if key in reading.ranges else value] = int(
                    count)
        reading.question(key, aggregations[key], _cell(row), int(row["n"]), counts, surface)


def _aggregations(reading: Reading) -> dict:
    back = {kind: aggregation for aggregation, kind in KINDS.items()}
    return {key: "numeric" if key in reading.ranges else back[kind]
            for key, kind in reading.kinds.items()}


@dataclass(frozen=True)
class Labels:
    """The dashboard's drop-down lists: municipality id → name, audience key → label."""

    municipalities: dict
    audiences: dict


def read_labels(client, survey_id: int) -> Labels:
    page = parse(client.get(f"/results/{survey_id}/?lang=en").get_data(as_text=True))
    return Labels(
        {v: text for v, text in page.selects["municipality"] if v != "all"},
        {v: text for v, text in page.selects["audience"] if v != "all"},
    )


def read_comment_lists(client, survey_id: int, reading: Reading, labels: Labels) -> None:
    """Every released comment list of the release: for every selection of municipality and
    audience (all waves: a release's free text is one fixed partition over its waves,
    whatever the filter), each free-text question's page lists all its texts, and the
    dashboard up to ten and how many there are ("Read all N released answers"), which must
    agree. A comment's words identify it, so the texts listed by exactly the same
    selections are one part of the partition, and the selections listing it tell its cell
    (every selection overlapping that cell lists it, and no other: asserted). Each part's
    texts go into :attr:`Reading.lists` and its size into :attr:`Reading.listed`; one
    selection per wave is read too, and must list the same."""
    ids = {name: id_ for id_, name in labels.municipalities.items()}
    texts = {reading.texts[key]["en"]: key for key, kind in reading.kinds.items()
             if kind == "text"}
    municipalities = sorted({c[0] for c in reading.invitations if c[0] is not None})
    audiences = sorted({c[1] for c in reading.invitations if c[1] is not None})
    selections = [(m, a) for m in (None, *municipalities) for a in (None, *audiences)]
    listed: dict = {key: {} for key in texts.values()}  # key → selection → texts
    for (m, a), wave in [*((s, None) for s in selections),
                         *((selections[-1], w) for w in reading.waves)]:
        args = {"municipality": ids[m] if m else "all", "audience": a or "all",
                "wave": wave or "all", "lang": "en"}
        on_dashboard = {}
        html = client.get(f"/results/{survey_id}/", query_string=args).get_data(as_text=True)
        for heading, chunk in _text_sections(html):
            key = texts.get(heading)
            if key is not None:
                more = READ_ALL.search(chunk)
                shown = parse(chunk).lists.get("comments", [[]])[0]
                on_dashboard[key] = (int(more.group(1)) if more else len(shown), set(shown))
        assert set(on_dashboard) == set(listed), (args, on_dashboard)
        for key in texts.values():
            response = client.get(f"/results/{survey_id}/questions/{key[0]}/{key[1]}",
                                  query_string=args)
            assert response.status_code == 200, (args, response.status_code)
            page = parse(response.get_data(as_text=True)).lists.get("comments", [[]])[0]
            every = frozenset(page)
            assert len(every) == len(page), "a list names a comment twice"
            count, shown = on_dashboard[key]
            assert count == len(every) and shown <= every, (args, count, len(every))
            reading.numbers["comments"] += 1
            if wave is None:
                listed[key][(m, a)] = every
            else:
                assert every == listed[key][(m, a)], "a wave's selection lists other comments"
    for key, per_selection in listed.items():
        holding: dict = {}
        for selection, every in per_selection.items():
            for text in every:
                holding.setdefault(text, set()).add(selection)
        parts: dict = {}
        for text, where in holding.items():
            parts.setdefault(frozenset(where), set()).add(text)
        for where, part in parts.items():
            cell = tuple(_common({s[d] for s in where} - {None}) for d in (0, 1))
            overlapping = {s for s in selections
                           if all(c is None or v is None or c == v for c, v in zip(cell, s))}
            assert where == overlapping, f"{key}: a list is no part of one partition: {where}"
            cell = (*cell, None)
            reading.lists.setdefault(key, {})[cell] = frozenset(part)
            reading.listed.setdefault(key, {})[cell] = len(part)


def _common(values: set):
    """The one value of a dimension every specific selection listing a part names, else
    None (the part spans that dimension)."""
    return next(iter(values)) if len(values) == 1 else None


READ_ALL = re.compile(r"Read all (\d+) released answers")
COMMENT_MARKS = ('<ul class="comments">', "No free-text answers have been released",
                 "Free-text answers are shown for groups")


def _text_sections(html: str):
    """(heading, what follows it up to the next heading) of a dashboard's free-text
    questions."""
    for chunk in html.split("<h3>")[1:]:
        heading, _, rest = chunk.partition("</h3>")
        rest = rest.split("</section>")[0]
        if any(mark in rest for mark in COMMENT_MARKS):
            yield unescape(heading.strip()), rest


@dataclass
class Participation:
    """What the organizer's survey page showed of participation, where it showed a number:
    of closed waves, responses per wave (number → n) and per segment, used invitations per
    segment; of running waves, the segments flagged "k or more" and the wave's total; the
    survey's answers over ``waves`` (the status line); invitations issued per segment."""

    responses: dict = field(default_factory=dict)
    segments: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)
    issued: dict = field(default_factory=dict)
    running: dict = field(default_factory=dict)  # running wave number → its total
    large: set = field(default_factory=set)  # (municipality, audience, running wave)
    total: int | None = None
    waves: tuple = ()


SURVEY_ANSWERS = re.compile(r"k = \d+ · (\d+) answers")


def read_participation(client, survey_id: int, labels: Labels, html: str | None = None
                       ) -> Participation:
    """The survey page (``html``: as fetched already) — its status line, its tables of
    waves and of responses and invitations — read leniently: a cell that does not start
    with a number shows none."""
    if html is None:
        html = client.get(f"/organize/surveys/{survey_id}/?lang=en").get_data(as_text=True)
    page = parse(html)
    found = Participation()
    keys = {label: key for key, label in labels.audiences.items()}
    waves = page.table("Waves of the survey")
    status, column = waves.column("Status"), waves.column("Responses")
    running = set()
    for row in waves.rows[1:]:
        number, n = leading_int(row[0].removeprefix("Wave ")), leading_int(row[column])
        found.waves += (number,)
        if row[status] == "running":
            running.add(number)
        if n is not None:
            (found.running if number in running else found.responses)[number] = n
    total = SURVEY_ANSWERS.search(" ".join(unescape(html).split()))
    found.total = int(total.group(1)) if total else None
    table = page.table("Responses and invitations per wave")
    wave, m, a = (table.column(name) for name in ("Wave", "Municipality", "Group"))
    for row in table.rows[1:]:
        segment = (row[m], keys.get(row[a], row[a]), leading_int(row[wave]))
        responses = row[table.column("Responses")]
        if segment[2] in running:
            if "or more" in responses:
                found.large.add(segment)
        elif leading_int(responses) is not None:
            found.segments[segment] = leading_int(responses)
        for name, into in (("Invitations issued", found.issued),
                           ("Invitations used", found.used)):
            value = leading_int(row[table.column(name)])
            if value is not None:
                into[segment] = value
    return found


REVIEW_ITEM = re.compile(r'<li class="review-item">\s*<p class="eyebrow">(.*?)</p>'
                         r'\s*<blockquote[^>]*>(.*?)</blockquote>\s*<p class="hint">(.*?)</p>',
                         re.S)
IN_PART = re.compile(r"In the release: among the answers of (.*)\.$")
TAB_COUNT = re.compile(r"\((\d+)\)</(?:span|a)>")


@dataclass
class Review:
    """The organizer's free-text review of his release of closed waves: the comments its
    parts show, each naming its question and its part (or none: "shown nowhere", which the
    review no longer lists)."""

    texts: dict  # text key → every comment's words
    parts: dict  # text key → {part's cell, or None for "shown nowhere": comments}


def read_review(client, survey_id: int, reading: Reading, labels: Labels) -> Review:
    """The free-text review, every page of every status; the tabs' counts must add up to
    the comments listed. A part's name is read back to its cell."""
    keys = {texts["en"]: key for key, texts in reading.texts.items()}
    cells = {name: (name, None, None) for name in labels.municipalities.values()}
    cells.update({label: (None, key, None) for key, label in labels.audiences.items()})
    cells["the whole cooperation"] = (None, None, None)
    review = Review({}, {})
    tabs = None
    listed = 0
    for status in ("pending", "released", "redacted", "withheld"):
        page = 1
        while True:
            html = client.get(f"/results/{survey_id}/comments",
                              query_string={"status": status, "page": page, "lang": "en"})
            assert html.status_code == 200, html.get_data(as_text=True)
            html = html.get_data(as_text=True)
            tabs = tabs or sum(int(n) for n in TAB_COUNT.findall(html))
            for question, text, hint in REVIEW_ITEM.findall(html):
                key = keys[unescape(question.strip())]
                review.texts.setdefault(key, set()).add(unescape(text))
                part = IN_PART.search(" ".join(unescape(hint).split()))
                cell = cells[part.group(1)] if part else None
                parts = review.parts.setdefault(key, {})
                parts[cell] = parts.get(cell, 0) + 1
                listed += 1
            if f"page={page + 1}" not in html:
                break
            page += 1
    assert listed == tabs, (listed, tabs)
    return review
