"""The JSON API, version 1: the surveys a caller may see and their suppressed results.

Authenticated by the session of a signed-in account or by ``Authorization: Bearer
<token>`` (``ikzsurvey create-token``). A viewer sees the published waves; an organizer
every closed wave (a running wave's results: nobody, docs/privacy.md). The numbers are
those of the dashboard, suppression included; number questions come as ``"bins"`` (label,
lower, upper, n), never as raw values.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user

from ..auth import role_required
from ..i18n import LOCALES
from ..results import tables
from ..results.export_views import audit_read
from ..results.scope import compute, parse_selection, scope_for
from ..results.service import FREE_TEXT_MINIMUM
from ..results.views import own_surveys
from ..texts import localize

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _texts(text) -> dict[str, str]:
    """A text in every language: ``{"de": …, "en": …}``."""
    return {locale: localize(text, locale) for locale in LOCALES}


def _waves(scope_waves):
    return [
        {"number": w.number, "status": w.status, "published": w.published, "public": w.public}
        for w in scope_waves
    ]


@bp.route("/surveys")
@role_required("admin", "viewer")
def surveys():
    rows = own_surveys()
    organizer = current_user.role == "admin"
    return jsonify(
        {
            "surveys": [
                {
                    "id": s.id,
                    "title": dict(s.title or {}),
                    "status": s.status,
                    "phase": s.phase,
                    "minimum_group_size": s.min_group_size,
                    "waves": _waves([w for w in s.waves if organizer or w.published]),
                    "results": f"/api/v1/surveys/{s.id}/results",
                }
                for s in rows
            ]
        }
    )


@bp.route("/surveys/<int:survey_id>/results")
@role_required("admin", "viewer")
def results(survey_id: int):
    scope = scope_for(survey_id, None)
    try:
        by = tables.parse_by(request.args.get("by"))
    except tables.BadRequest as exc:
        return {"error": str(exc), "status": 400}, 400
    wave_arg = request.args.get("wave", "")
    if wave_arg and wave_arg not in {str(w.number) for w in scope.waves}:
        return {"error": f"no wave {wave_arg!r} you may see", "status": 404}, 404
    if not scope.waves:
        abort(404)
    selection = parse_selection(scope, {"wave": wave_arg})
    computed = compute(scope)
    cells = tables.cells_for(computed, by, selection.wave)
    labels = tables.Labels.of(scope.survey)
    questions: dict[tuple[str, str], dict] = {}
    for row in tables.question_rows(computed, cells, labels, _texts):
        key = (row["question_set"], row["id"])
        result = computed.question(*key)
        entry = questions.setdefault(
            key,
            {
                "question_set": row["question_set"],
                "version": row["version"],
                "id": row["id"],
                "kind": result.question.kind,
                "aggregation": result.aggregation,
                "text": row["text"],
                "minimum_group_size": row["minimum_group_size"],
                "cells": [],
            },
        )
        # A number question is released in ranges: its cells carry "bins", no mean/sd/median.
        fields = (("n", "counts", "bins") if result.aggregation == "numeric"
                  else ("n", "counts", *tables.STAT_FIELDS[1:]))
        entry["cells"].append(_cell(row, fields))
    scores: dict[tuple[str, str], dict] = {}
    for row in tables.score_rows(computed, cells, labels, _texts):
        entry = scores.setdefault(
            (row["question_set"], row["id"]),
            {"question_set": row["question_set"], "id": row["id"], "label": row["text"],
             "cells": []},
        )
        entry["cells"].append(_cell(row, ("n", "value")))
    answer = jsonify(
        {
            "survey": survey_id,
            "minimum_group_size": computed.k,
            "free_text_minimum_group_size": max(computed.k, FREE_TEXT_MINIMUM),
            "by": list(by),
            "wave": int(wave_arg) if wave_arg else None,
            "waves": _waves(scope.waves),
            "responses": [
                {k: v for k, v in row.items()}
                for row in tables.response_rows(computed, cells, labels)
            ],
            "questions": list(questions.values()),
            "scores": list(scores.values()),
        }
    )
    # Recorded before the answer leaves, after it is built: the audit's commit expires the
    # session's objects, which building the answer would otherwise read again.
    audit_read(scope, "export.api")
    return answer


def _cell(row: dict, fields) -> dict:
    cell = {"municipality": row["municipality"], "audience": row["audience"],
            "wave": row["wave"], "suppressed": row["suppressed"]}
    if not row["suppressed"]:
        cell.update({field: row.get(field) for field in fields})
    return cell


def init_app(app) -> None:
    app.register_blueprint(bp)
