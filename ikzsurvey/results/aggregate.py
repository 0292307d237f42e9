"""Counting answers in the database.

A few GROUP BY queries per survey, whatever the number of responses:

* the distribution of every question that is not free text, per segment (municipality ×
  audience × wave) and value, in two groupings:

  - every answer of the asked question sets by its number (``value_num``). The question set
    is a condition (``question_set_id = :set``, a prefix of the answer's primary key), not a
    grouping column, when one set is asked for; the question is no condition at all:
    answers of questions nobody asked for (of a set no longer pinned, or left out by the
    caller) are dropped in Python, where the rows are read anyway;
  - the answers without a number (option keys, "don't know") by their text
    (``value_text``), and only for the questions that the first query found to have such
    answers. A survey of numbers only (Likert items without "don't know", numbers) is
    never grouped by text: grouping by a column that is NULL in every row costs sorting
    time on SQLite and, on PostgreSQL, a group estimate that is off by orders of magnitude
    (``pg_stats`` knows no distinct count for an all-NULL column), which led the planner
    to a sort that spilled to disk;

* the number of respondents per segment for multiple-choice questions (for every other kind
  it is the sum of its distribution: one value per respondent);
* the number of free-text answers (comments) per segment and question;

plus the responses and invitations per segment.

Their rows — at most segments × questions × distinct values — are then summed up to every
level a viewer can choose (:func:`roll_up`): whole cooperation, per municipality, per
audience, both, and each of these per wave or for all waves. Sums of counts are exact, so
nothing is lost by summing aggregates instead of counting again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select, true, tuple_

from ..db import db
from ..models import Answer, Comment, Invitation, Response, Wave
from .suppression import ALL, Cell

#: The dimensions of a cell key, in order.
DIMENSIONS = ("municipality", "audience", "wave")

QuestionKey = tuple[str, str]  # (question set id, question id)
ValueKey = float | str  # a number (scale point, number) or a text (option key, dont_know)


@dataclass
class QuestionCounts:
    """Per cell: respondents who answered (``n``) and how often each value was given."""

    n: Counter = field(default_factory=Counter)
    values: dict[Cell, Counter] = field(default_factory=lambda: defaultdict(Counter))


@dataclass
class SurveyCounts:
    questions: dict[QuestionKey, QuestionCounts]
    responses: Counter  # cell → responses
    invitations: Counter  # cell → invitations issued
    used_invitations: Counter  # cell → invitations used


def generalisations(segment: tuple) -> list[Cell]:
    """The segment itself and every cell that contains it (8 for three dimensions)."""
    cells: list[Cell] = [()]
    for value in segment:
        cells = [cell + (v,) for cell in cells for v in (value, ALL)]
    return cells


def roll_up(rows: Iterable[tuple[tuple, int]]) -> Counter:
    """Sum counts per segment up to every level."""
    total: Counter = Counter()
    for segment, count in rows:
        for cell in generalisations(segment):
            total[cell] += count
    return total


def count_survey(
    survey_id: int,
    distribution_questions: Iterable[QuestionKey],
    respondent_questions: Iterable[QuestionKey],
    text_questions: Iterable[QuestionKey] = (),
    wave_ids: Iterable[int] | None = None,
) -> SurveyCounts:
    """Count a survey's answers (see the module docs for the queries).

    :param distribution_questions: questions whose values are counted; their ``n`` is the
        sum of their counts unless they are also in ``respondent_questions``.
    :param respondent_questions: questions whose ``n`` is counted as distinct respondents
        (multiple choice).
    :param text_questions: free-text questions, counted from their comments.
    :param wave_ids: count these waves only (e.g. the published ones); all when ``None``.
    """
    distribution_questions = set(distribution_questions)
    respondent_questions = set(respondent_questions)
    segment = (Response.municipality_id, Response.audience_id, Response.wave_id)
    waves = None if wave_ids is None else sorted(wave_ids)

    def in_waves(column):
        return true() if waves is None else column.in_(waves)

    questions: dict[QuestionKey, QuestionCounts] = defaultdict(QuestionCounts)

    cells_of: dict[tuple, list[Cell]] = {}  # segment → the cells it counts in

    def add(key: QuestionKey, m, a, w, value, count: int) -> None:
        cells = cells_of.get((m, a, w))
        if cells is None:
            cells = cells_of[(m, a, w)] = generalisations((m, a, w))
        counts = questions[key]
        values = counts.values
        for cell in cells:
            values[cell][value] += count
        if key not in respondent_questions:
            n = counts.n
            for cell in cells:
                n[cell] += count

    sets = sorted({set_id for set_id, _ in distribution_questions})
    if sets:
        # Every answer of the asked question sets, by number. No filter on the question:
        # answers of questions nobody asked for (a set's questions the caller left out) are
        # dropped below, where the rows are read anyway. A single set is a condition on the
        # answer's primary-key prefix (response_id, question_set_id) and not part of the key.
        one_set = len(sets) == 1
        by_set = () if one_set else (Answer.question_set_id,)
        in_sets = Answer.question_set_id == sets[0] if one_set else Answer.question_set_id.in_(sets)
        rows = db.session.execute(
            select(*segment, *by_set, Answer.question_id, Answer.value_num, func.count())
            .join(Response, Response.id == Answer.response_id)
            .where(Response.survey_id == survey_id, in_waves(Response.wave_id), in_sets)
            .group_by(*segment, *by_set, Answer.question_id, Answer.value_num)
        )
        text_valued: set[QuestionKey] = set()
        for row in rows:
            if one_set:
                m, a, w, question_id, number, count = row
                key = (sets[0], question_id)
            else:
                m, a, w, set_id, question_id, number, count = row
                key = (set_id, question_id)
            if key not in distribution_questions:
                continue
            if number is None:
                text_valued.add(key)  # counted by their text below
                continue
            add(key, m, a, w, number, count)

        # The answers without a number (option keys, "don't know"), by text: only for the
        # questions that have such answers, so a survey of numbers never groups by text.
        for set_id in sets:
            ids = sorted(q for s, q in text_valued if s == set_id)
            if not ids:
                continue
            rows = db.session.execute(
                select(*segment, Answer.question_id, Answer.value_text, func.count())
                .join(Response, Response.id == Answer.response_id)
                .where(
                    Response.survey_id == survey_id,
                    in_waves(Response.wave_id),
                    Answer.question_set_id == set_id,
                    Answer.question_id.in_(ids),
                    Answer.value_num.is_(None),
                )
                .group_by(*segment, Answer.question_id, Answer.value_text)
            )
            for m, a, w, question_id, text, count in rows:
                add((set_id, question_id), m, a, w, text, count)

    if respondent_questions:
        rows = db.session.execute(
            select(
                *segment,
                Answer.question_set_id,
                Answer.question_id,
                func.count(Answer.response_id.distinct()),
            )
            .join(Response, Response.id == Answer.response_id)
            .where(
                Response.survey_id == survey_id,
                in_waves(Response.wave_id),
                tuple_(Answer.question_set_id, Answer.question_id).in_(
                    sorted(respondent_questions)
                ),
            )
            .group_by(*segment, Answer.question_set_id, Answer.question_id)
        )
        for m, a, w, set_id, question_id, count in rows:
            counts = questions[(set_id, question_id)]
            for cell in generalisations((m, a, w)):
                counts.n[cell] += count

    text_questions = sorted(text_questions)
    if text_questions:
        comment_segment = (Comment.municipality_id, Comment.audience_id, Comment.wave_id)
        rows = db.session.execute(
            select(*comment_segment, Comment.question_set_id, Comment.question_id, func.count())
            .where(
                Comment.survey_id == survey_id,
                in_waves(Comment.wave_id),
                tuple_(Comment.question_set_id, Comment.question_id).in_(text_questions),
            )
            .group_by(*comment_segment, Comment.question_set_id, Comment.question_id)
        )
        for m, a, w, set_id, question_id, count in rows:
            counts = questions[(set_id, question_id)]
            for cell in generalisations((m, a, w)):
                counts.n[cell] += count

    responses = roll_up(
        ((m, a, w), count)
        for m, a, w, count in db.session.execute(
            select(*segment, func.count())
            .where(Response.survey_id == survey_id, in_waves(Response.wave_id))
            .group_by(*segment)
        )
    )
    invitation_segment = (Invitation.municipality_id, Invitation.audience_id, Invitation.wave_id)
    issued: list[tuple[tuple, int]] = []
    used: list[tuple[tuple, int]] = []
    for m, a, w, count, spent in db.session.execute(
        select(*invitation_segment, func.count(), func.count().filter(Invitation.used))
        .join(Wave, Wave.id == Invitation.wave_id)
        .where(Wave.survey_id == survey_id, in_waves(Invitation.wave_id))
        .group_by(*invitation_segment)
    ):
        issued.append(((m, a, w), count))
        used.append(((m, a, w), spent))
    return SurveyCounts(
        questions=dict(questions),
        responses=responses,
        invitations=roll_up(issued),
        used_invitations=roll_up(used),
    )
