"""Results as flat rows: the one shape behind the API, the CSV and the XLSX exports.

The rows carry exactly the numbers of :func:`~ikzsurvey.results.service.survey_results`
(rounded there), so exports, API and dashboard agree to the digit. A number question's
row has no mean, SD or median; its ``counts`` are per range (``< 5=3; 5–9=7``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

from .service import SurveyResults
from .suppression import ALL, Cell

DIMENSIONS = ("municipality", "audience", "wave")
STAT_FIELDS = ("n", "mean", "sd", "median", "top2", "consensus", "dont_know")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class BadRequest(ValueError):
    """A parameter of a results request cannot be understood; the message says why."""


def parse_by(value: str | None) -> tuple[str, ...]:
    """``by=municipality,audience`` → the dimensions in their canonical order."""
    names = [part.strip() for part in (value or "").split(",") if part.strip()]
    unknown = [name for name in names if name not in DIMENSIONS]
    if unknown:
        raise BadRequest(
            f"unknown 'by' value {unknown[0]!r}; use any of {', '.join(DIMENSIONS)}"
        )
    return tuple(name for name in DIMENSIONS if name in names)


def cells_for(results: SurveyResults, by: Sequence[str], wave_id=None) -> list[Cell]:
    """The cells of a breakdown: every value of each ``by`` dimension, the others at
    "all" — except the wave, fixed to ``wave_id`` when given."""
    axes = []
    for d, name in enumerate(DIMENSIONS):
        if name == "wave" and wave_id is not None:
            axes.append((wave_id,))
        elif name in by:
            axes.append(results.dimensions[d])
        else:
            axes.append((ALL,))
    return list(product(*axes))


@dataclass(frozen=True)
class Labels:
    """How cells are named in exports: municipality names, audience keys, wave numbers."""

    municipalities: dict
    audiences: dict
    waves: dict

    @classmethod
    def of(cls, survey) -> Labels:
        return cls(
            {m.id: m.name for m in survey.municipalities},
            {a.id: a.key for a in survey.audiences},
            {w.id: w.number for w in survey.waves},
        )

    def cell(self, cell: Cell) -> dict[str, Any]:
        m, a, w = cell
        return {
            "municipality": None if m is ALL else self.municipalities[m],
            "audience": None if a is ALL else self.audiences[a],
            "wave": None if w is ALL else self.waves[w],
        }


def question_rows(results: SurveyResults, cells: Iterable[Cell], labels: Labels, text):
    """One row per question and cell. ``text`` renders a question's (lazy) text."""
    cells = list(cells)
    for result in results.questions:
        q = result.question
        for cell in cells:
            numbers = result.numbers(cell)
            yield {
                "kind": "question",
                "question_set": result.question_set.id,
                "version": result.question_set.version,
                "id": q.id,
                "text": text(q.text),
                **labels.cell(cell),
                "minimum_group_size": result.minimum,
                **{key: numbers.get(key) for key in ("suppressed", *STAT_FIELDS)},
                "counts": numbers.get("counts"),
                "bins": numbers.get("bins"),
            }


def score_rows(results: SurveyResults, cells: Iterable[Cell], labels: Labels, text):
    cells = list(cells)
    for score in results.scores:
        for cell in cells:
            value = score.cells[cell]
            yield {
                "kind": "score",
                "question_set": score.question_set.id,
                "version": score.question_set.version,
                "id": score.id,
                "text": text(score.label),
                **labels.cell(cell),
                "minimum_group_size": results.k,
                "suppressed": value.suppressed,
                "n": value.n,
                "value": value.value,
            }


def response_rows(results: SurveyResults, cells: Iterable[Cell], labels: Labels):
    for cell in cells:
        yield {
            **labels.cell(cell),
            "suppressed": results.responses[cell] is None,
            "responses": results.responses[cell],
            "invitations": results.invitations.get(cell, 0),
            "response_rate": results.response_rate(cell),
        }


# A formula start after a separator: a spreadsheet that splits the line at another separator
# than the one it was written with (German Excel splits at ";", also inside a comma-separated
# cell) or at a line break starts a new cell there — which would then be a formula.
_FORMULA_AFTER_SEPARATOR = re.compile(r"""([,;|\t\r\n][\s"]*)(?=[=+\-@])""")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula gets an apostrophe before it: at the
    start of the cell and after every separator or line break inside it (``x;=1+2``)."""
    if not isinstance(value, str):
        return value
    value = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


SUMMARY_COLUMNS = (
    "kind", "question_set", "version", "id", "text", "municipality", "audience", "wave",
    "minimum_group_size", "suppressed", "n", "mean", "sd", "median", "top2", "consensus",
    "dont_know", "value", "counts",
)
RESPONSE_COLUMNS = (
    "municipality", "audience", "wave", "suppressed", "responses", "invitations",
    "response_rate",
)


def _cell_value(row: dict, column: str):
    value = row.get(column)
    if column == "counts" and value is not None:
        return "; ".join(f"{key}={count}" for key, count in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def summary_table(rows: Iterable[dict]) -> list[list]:
    table: list[list] = [list(SUMMARY_COLUMNS)]
    for row in rows:
        table.append([neutralise(_cell_value(row, c)) for c in SUMMARY_COLUMNS])
    return table


def response_table(rows: Iterable[dict]) -> list[list]:
    table: list[list] = [list(RESPONSE_COLUMNS)]
    for row in rows:
        table.append([neutralise(_cell_value(row, c)) for c in RESPONSE_COLUMNS])
    return table


def to_csv(table: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in table:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


def to_xlsx(sheets: dict[str, list[list]]) -> bytes:
    """One worksheet per table; the first row bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, table in sheets.items():
        sheet = book.create_sheet(title=title[:31])
        for row in table:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
