"""Exports of the results: CSV and XLSX of the released tables, nothing else — no microdata
(docs/privacy.md, "Why there is no raw export"). Reads by signed-in accounts and tokens are
audited (summarised per day)."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    request,
)
from flask_babel import gettext as _

from ..audit import audit
from ..texts import localize
from . import tables
from .scope import Scope, compute, parse_selection, scope_for
from .views import results_route


def _export_rows(scope: Scope):
    try:
        by = tables.parse_by(request.args.get("by"))
    except tables.BadRequest as exc:
        abort(400, description=str(exc))
    selection = parse_selection(scope, request.args)
    results = compute(scope)
    cells = tables.cells_for(results, by, selection.wave)
    labels = tables.Labels.of(scope.survey)
    text = localize
    summary = list(tables.question_rows(results, cells, labels, text))
    summary += list(tables.score_rows(results, cells, labels, text))
    responses = list(tables.response_rows(results, cells, labels))
    return summary, responses


def _filename(scope: Scope, ext: str) -> str:
    return f"ikzsurvey-{scope.survey.id}-results.{ext}"


@results_route("/export.csv")
def export_csv(survey_id: int, public_wave: int | None):
    scope = scope_for(survey_id, public_wave)
    if not scope.waves:
        abort(404)
    summary, _responses = _export_rows(scope)
    audit_read(scope, "export.csv")
    return Response(
        "\ufeff" + tables.to_csv(tables.summary_table(summary)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename(scope, "csv")}"'},
    )


@results_route("/export.xlsx")
def export_xlsx(survey_id: int, public_wave: int | None):
    scope = scope_for(survey_id, public_wave)
    if not scope.waves:
        abort(404)
    summary, responses = _export_rows(scope)
    audit_read(scope, "export.xlsx")
    data = tables.to_xlsx(
        {
            _("Results"): tables.summary_table(summary),
            _("Responses"): tables.response_table(responses),
        }
    )
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_filename(scope, "xlsx")}"'},
    )


def audit_read(scope: Scope, action: str) -> None:
    """Record an export by a signed-in account or token (public downloads are anonymous
    and not recorded); nothing about respondents is ever part of it."""
    if scope.public:
        return
    args = ", ".join(f"{k}={v}" for k, v in sorted(request.args.items()) if k != "lang")
    audit(scope.survey.cooperation_id, action,
          f"{scope.survey.title.get('de', '')}{' (' + args + ')' if args else ''}",
          summarise=True)  # a script polling the API must not bury everything else

