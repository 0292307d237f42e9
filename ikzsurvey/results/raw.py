"""The organizer's raw export: one row per response, for segments of at least k only.

A row holds the segment (municipality, audience, wave) and the answers — no response id,
no date, no free text (free text lives apart from responses, see
:class:`~ikzsurvey.models.Comment`). Segments with fewer than k responses are left out
entirely: a row of a tiny segment would describe a person. Rows come in the random order
of their ids. Only the waves given (the organizer's scope: closed waves) are part of it. A
number question's answer is given as its range (the label of its bin in the layout of those
waves, :mod:`.bins`), never as the number: a rare value would point to a person as surely as
on the dashboard.
"""

from __future__ import annotations

from sqlalchemy import func, select, tuple_

from ..db import db
from ..models import Answer, Response
from ..surveys import pinned_question_sets
from .release_counts import survey_layouts
from .tables import neutralise


def raw_table(survey, registry, waves) -> list[list]:
    sets = pinned_question_sets(survey)
    columns = [
        (qs.id, q.id)
        for qs in sets
        for q in qs.questions
        if registry.kind_of(q).aggregation != "text"
    ]
    k = survey.min_group_size
    numbers = {
        (qs.id, q.id): q
        for qs in sets
        for q in qs.questions
        if registry.kind_of(q).aggregation == "numeric"
    }
    layouts = survey_layouts(survey.id, numbers, k, [w.id for w in waves])
    segment = (Response.municipality_id, Response.audience_id, Response.wave_id)
    shown = [w.id for w in waves]
    large = (select(*segment)
             .where(Response.survey_id == survey.id, Response.wave_id.in_(shown))
             .group_by(*segment))
    large = large.having(func.count() >= k)
    names = {m.id: m.name for m in survey.municipalities}
    audiences = {a.id: a.key for a in survey.audiences}
    waves = {w.id: w.number for w in survey.waves}
    header = ["municipality", "audience", "wave", *(f"{s}:{q}" for s, q in columns)]
    table: list[list] = [header]
    index = {column: i for i, column in enumerate(columns)}
    rows = db.session.execute(
        select(Response.id, *segment, Answer.question_set_id, Answer.question_id,
               Answer.value_num, Answer.value_text)
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.survey_id == survey.id, tuple_(*segment).in_(large))
        .order_by(Response.id, Answer.question_set_id, Answer.question_id, Answer.seq)
    )
    current_id, current = None, None
    for response_id, m, a, w, set_id, question_id, number, text in rows:
        if response_id != current_id:
            if current is not None:
                table.append(current)
            current_id = response_id
            current = [names[m], audiences[a], waves[w], *([None] * len(columns))]
        position = index.get((set_id, question_id))
        if position is None:
            continue
        layout = layouts.get((set_id, question_id))
        if layout is not None:
            value = layout.bin_of(number).label if number is not None else text
        else:
            value = _value(number, text)
        cell = 3 + position
        current[cell] = value if current[cell] is None else f"{current[cell]}|{value}"
    if current is not None:
        table.append(current)
    return [[neutralise(v) for v in row] for row in table]


def _value(number, text):
    if number is not None:
        return int(number) if float(number).is_integer() else number
    return text
