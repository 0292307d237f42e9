"""The counts a release rests on: every question's distribution, number questions in bins.

:func:`release_counts` is :func:`.aggregate.count_survey` for every question that is not a
number, plus one ``GROUP BY`` query that counts the number questions' answers per segment
and *bin* (a ``CASE`` expression over the bins' edges, :func:`.bins.bin_index`): their raw
values never leave the database. The layout of each number question is chosen from that
query's total over all municipalities and audiences of the waves shown — closed waves only,
so the layout never changes with a response of a running wave (that would time the
person and tell their range) — and every breakdown of the scope gets that same layout
(:func:`.bins.merge_small`). The counts of the visible waves are then summed from the
query's rows into the layout's bins (sums of counts are exact).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from ..db import db
from ..models import Answer, Response
from . import bins as binning
from .aggregate import QuestionCounts, QuestionKey, SurveyCounts, count_survey, generalisations


@dataclass
class ReleaseCounts:
    """Counts of a survey as a release may show them.

    ``counts.questions`` holds number questions counted per :class:`.bins.Bin` of
    ``layouts[key]`` — never per raw value.
    """

    counts: SurveyCounts
    layouts: dict[QuestionKey, binning.BinLayout]


def release_counts(
    survey_id: int,
    questions: Mapping[QuestionKey, tuple[object, str]],
    k: int,
    wave_ids: Iterable[int] | None = None,
) -> ReleaseCounts:
    """Count a survey's answers for a release.

    :param questions: question key → (question, aggregation of its kind).
    :param k: the survey's minimum group size (bins below it are merged).
    :param wave_ids: the waves whose counts are returned and whose answers the layouts rest
        on (all when ``None``).
    """
    kinds = {key: aggregation for key, (_q, aggregation) in questions.items()}
    counts = count_survey(
        survey_id,
        distribution_questions=[key for key, a in kinds.items() if a not in ("text", "numeric")],
        respondent_questions=[key for key, a in kinds.items() if a == "multiple"],
        text_questions=[key for key, a in kinds.items() if a == "text"],
        wave_ids=wave_ids,
    )
    numbers = {key: q for key, (q, a) in questions.items() if a == "numeric"}
    rows, candidates = _bin_rows(survey_id, numbers, wave_ids)
    layouts = _layouts(rows, candidates, numbers, k)
    for key in numbers:
        counts.questions[key] = QuestionCounts()
    for (m, a, w), key, index, count in rows:
        fine = candidates[key]
        bin_ = layouts[key].bin_of(fine[index - 1]) if index else layouts[key].bins[0]
        question = counts.questions[key]
        for cell in generalisations((m, a, w)):
            question.values[cell][bin_] += count
            question.n[cell] += count
    return ReleaseCounts(counts, layouts)


def _bin_rows(survey_id: int, numbers: Mapping[QuestionKey, object],
              wave_ids: Iterable[int] | None = None):
    """Answers per segment, number question and candidate bin of these waves (all when
    ``None``), in one query."""
    candidates = {key: binning.candidate_edges(q) for key, q in numbers.items()}
    if not numbers:
        return [], candidates
    index = binning.bin_index(
        [
            (and_(Answer.question_set_id == set_id, Answer.question_id == question_id), edges)
            for (set_id, question_id), edges in sorted(candidates.items())
        ],
        Answer.value_num,
    ).label("bin")
    segment = (Response.municipality_id, Response.audience_id, Response.wave_id)
    inner = (
        select(*segment, Answer.question_set_id, Answer.question_id, index)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.survey_id == survey_id,
               Answer.question_set_id.in_(sorted({s for s, _q in numbers})),
               Answer.value_num.is_not(None))
    )
    if wave_ids is not None:
        inner = inner.where(Response.wave_id.in_(sorted(set(wave_ids))))
    inner = inner.subquery()
    columns = (inner.c.municipality_id, inner.c.audience_id, inner.c.wave_id,
               inner.c.question_set_id, inner.c.question_id, inner.c.bin)
    rows = []
    for m, a, w, set_id, question_id, bin_index, count in db.session.execute(
        select(*columns, func.count()).where(inner.c.bin.is_not(None)).group_by(*columns)
    ):
        rows.append(((m, a, w), (set_id, question_id), int(bin_index), count))
    return rows, candidates


def _layouts(rows, candidates, numbers, k) -> dict[QuestionKey, binning.BinLayout]:
    totals: dict[QuestionKey, Counter] = {key: Counter() for key in numbers}
    for _segment, key, index, count in rows:
        totals[key][index] += count
    layouts = {}
    for key, question in numbers.items():
        edges = candidates[key]
        fine = [totals[key][i] for i in range(len(edges) + 1)]
        layouts[key] = binning.layout(binning.merge_small(edges, fine, k), question)
    return layouts
