"""The results' charts: SVG drawn by matplotlib, each with a data table beside it on its page."""

from __future__ import annotations

from flask import (
    Response,
    abort,
)
from flask_babel import gettext as _

from ..texts import localize
from . import analysis
from .scope import load, question_or_404
from .views import _labels, _trends, number, quadrant_names, results_route


def _svg(data: bytes) -> Response:
    response = Response(data, mimetype="image/svg+xml")
    # matplotlib writes an inline <style> element; an SVG shown through <img> runs no
    # script, so this relaxation is confined to the picture.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    return response  # Cache-Control: no-store, as every staff answer (ikzsurvey.errors)


def _format_number(value: float) -> str:
    return number(value)


@results_route("/charts/ipa/<set_id>-<level>.svg")
def ipa_chart(survey_id: int, set_id: str, level: str, public_wave: int | None):
    from .charts import ipa_chart as draw

    if level not in ("factors", "items"):
        abort(404)
    _scope, selection, results = load(survey_id, public_wave)
    view = next(
        (v for v in analysis.importance_performance(results, selection)
         if v.question_set.id == set_id),
        None,
    )
    if view is None:
        abort(404)
    points = view.factors if level == "factors" else view.items
    labelled = [
        (localize(p.label) if level == "factors" else str(i), p.performance, p.importance)
        for i, p in enumerate(points, start=1)
    ]
    return _svg(
        draw(
            labelled,
            x_label=_("Fulfilment (mean, 1–5)"),
            y_label=_("Importance (mean, 1–5)"),
            quadrant_labels=tuple(quadrant_names()[q] for q in analysis.QUADRANTS),
            scale=(1, view.scale),
            cross=view.cross,
            title=_("Importance and fulfilment"),
            empty_text=_("No results to show"),
        )
    )


@results_route("/charts/scores/<set_id>.svg")
def scores_chart(survey_id: int, set_id: str, public_wave: int | None):
    from .charts import trend_chart

    _scope, selection, results = load(survey_id, public_wave, trend=True)
    scores = results.scores_of(set_id)
    if not scores:
        abort(404)
    series = [
        (localize(s.label), [p.value for p in analysis.score_trend(results, s, selection)])
        for s in scores
    ]
    low = min((s.minimum for s in scores if s.minimum is not None), default=None)
    high = max((s.maximum for s in scores if s.maximum is not None), default=None)
    return _svg(
        trend_chart(
            [_("Wave %(number)d", number=w.number) for w in results.waves],
            series,
            y_label=_("Score"),
            y_range=(low, high) if low is not None and high is not None else None,
            title=_("Scores by wave"),
            format_number=_format_number,
            empty_text=_("No results to show"),
        )
    )


@results_route("/charts/questions/<set_id>/<question_id>.svg")
def question_chart(survey_id: int, set_id: str, question_id: str, public_wave: int | None):
    from .charts import distribution_chart

    scope, selection, results = load(survey_id, public_wave)
    result = question_or_404(results, set_id, question_id,
                             ("ordinal", "nominal", "multiple", "numeric"))
    options = option_labels(result)
    labels = _labels(scope)
    groups = [(_("Selection"), result.cells[selection.cell])]
    for m in results.dimensions[0]:
        groups.append((labels["municipality"][m], result.cells[selection.along(0, m)]))
    shares = [
        [_share(cell, key) for _label, cell in groups] for key, _text in options
    ]
    return _svg(
        distribution_chart(
            [text for _key, text in options],
            shares,
            [label for label, _cell in groups],
            title=localize(result.question.text),
            format_number=lambda v: number(v, 1) + " %",
            x_label=_("Share of answers in %"),
            empty_text=_("No results to show"),
        )
    )


@results_route("/charts/trends/<set_id>/<question_id>.svg")
def trend_chart_view(survey_id: int, set_id: str, question_id: str, public_wave: int | None):
    from .charts import trend_chart

    scope, selection, results = load(survey_id, public_wave, trend=True)
    # Number questions have no mean (it would tell their raw values): no trend of it.
    result = question_or_404(results, set_id, question_id, ("ordinal",))
    series = [
        (label, [p.value for p in points])
        for label, points in _trends(results, result, selection, _labels(scope))
    ]
    scale = getattr(result.question, "scale", None)
    return _svg(
        trend_chart(
            [_("Wave %(number)d", number=w.number) for w in results.waves],
            series,
            y_label=_("Mean"),
            y_range=(1, scale) if scale else None,
            title=localize(result.question.text),
            format_number=_format_number,
            empty_text=_("No results to show"),
        )
    )


def option_labels(result) -> list[tuple[str, str]]:
    """(value key, label) of every answer option of a choice or Likert question, or of
    every range of a number question (its key is its label)."""
    q = result.question
    if getattr(result, "layout", None) is not None:
        return [(b.label, b.label) for b in result.layout.bins]
    if hasattr(q, "options") and q.options:
        return [(key, localize(label)) for key, label in q.options]
    if hasattr(q, "scale"):
        labels = list(getattr(q, "labels", None) or [])
        return [
            (str(point), localize(labels[point - 1]) if len(labels) == q.scale else str(point))
            for point in range(1, q.scale + 1)
        ]
    return []


def _share(cell, key):
    if cell.suppressed or not cell.n:
        return None
    return round(100 * (cell.counts or {}).get(key, 0) / cell.n, 1)
