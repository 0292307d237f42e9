"""The counts a release rests on: every question's distribution, number questions in bins.

:func:`atom_counts` is :func:`.aggregate.count_survey` for every question that is not a
number, plus one ``GROUP BY`` query that counts the number questions' answers per segment
and candidate *bin* (a ``CASE`` expression over the bins' edges, :func:`.bins.bin_index`):
their raw values never leave the database. These are the queries of a release, over its
waves and every earlier release's (the joint audit models them all). :func:`view_of` sums
from them, without another query, what one release over some of those waves shows: each
cell of its waves, and each number question in one layout chosen from the total of the
release's waves (:func:`.bins.merge_small`) — closed waves only, so the layout never
changes with a response of a running wave (that would time the person and tell their
range) — that every breakdown gets (sums of counts are exact). :func:`release_counts` is
the two in one.
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
from .suppression import ALL


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
    fine = atom_counts(survey_id, questions, wave_ids)
    return view_of(fine, questions, k, wave_ids)


def atom_counts(
    survey_id: int,
    questions: Mapping[QuestionKey, tuple[object, str]],
    wave_ids: Iterable[int] | None = None,
) -> ReleaseCounts:
    """The counts of every segment of these waves, number questions in their *candidate*
    bins (nothing merged): what the joint audit models, and what :func:`view_of` sums into
    what a release over some of these waves shows. The queries of a release."""
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
    layouts = {key: binning.layout(candidates[key], q) for key, q in numbers.items()}
    for key in numbers:
        counts.questions[key] = QuestionCounts()
    for (m, a, w), key, index, count in rows:
        question = counts.questions[key]
        bin_ = layouts[key].bins[index]
        for cell in generalisations((m, a, w)):
            question.values[cell][bin_] += count
            question.n[cell] += count
    return ReleaseCounts(counts, layouts)


def is_segment(cell: tuple) -> bool:
    return all(v is not ALL for v in cell)


def view_of(
    fine: ReleaseCounts,
    questions: Mapping[QuestionKey, tuple[object, str]],
    k: int,
    wave_ids: Iterable[int] | None = None,
) -> ReleaseCounts:
    """What a release over ``wave_ids`` (all of ``fine``'s when ``None``) counts, summed
    from :func:`atom_counts` without another query: each cell of those waves, and each
    number question in the layout its candidate bins merge into over those waves (see the
    module docs)."""
    visible = None if wave_ids is None else set(wave_ids)

    def seen(cell) -> bool:
        return is_segment(cell) and (visible is None or cell[2] in visible)

    source = fine.counts
    layouts = {}
    for key, (question, aggregation) in questions.items():
        if aggregation != "numeric":
            continue
        edges = binning.candidate_edges(question)
        totals: Counter = Counter()
        for cell, values in source.questions.get(key, QuestionCounts()).values.items():
            if seen(cell):
                for bin_, count in values.items():
                    totals[bin_.index] += count
        fine_counts = [totals[i] for i in range(len(edges) + 1)]
        layouts[key] = binning.layout(binning.merge_small(edges, fine_counts, k), question)
    result = SurveyCounts(questions={}, responses=Counter(), invitations=Counter(),
                          used_invitations=Counter())
    for key, question_counts in source.questions.items():
        target = result.questions[key] = QuestionCounts()
        layout = layouts.get(key)
        for cell, values in question_counts.values.items():
            if not seen(cell):
                continue
            for value, count in values.items():
                if layout is not None:
                    value = layout.bin_of(value.lower) if value.lower is not None \
                        else layout.bins[0]
                for general in generalisations(cell):
                    target.values[general][value] += count
        for cell, count in question_counts.n.items():
            if seen(cell):
                for general in generalisations(cell):
                    target.n[general] += count
    for name in ("responses", "invitations", "used_invitations"):
        total = getattr(result, name)
        for cell, count in getattr(source, name).items():
            if seen(cell):
                for general in generalisations(cell):
                    total[general] += count
    return ReleaseCounts(result, layouts)


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
