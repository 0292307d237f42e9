"""The counting queries' shape does not change a single count.

:func:`count_survey` counts numbers and texts in separate groupings, filters on the question
set instead of every (set, question) pair, and drops questions nobody asked for in Python.
These tests hold its counts against hand-computed numbers and against a plain count in
Python over every stored answer, for mixed kinds, two pinned sets sharing question ids, a
set that is no longer asked for, a subset of a set's questions and wave filters.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter, defaultdict

import pytest
from sqlalchemy import event, select

from ikzsurvey.db import db
from ikzsurvey.models import Answer, Municipality, Response, Wave
from ikzsurvey.questions import Value
from ikzsurvey.results.aggregate import count_survey, generalisations
from ikzsurvey.results.suppression import ALL
from ikzsurvey.submission import AnswerValues, Segment, store_response

from .factories import make_survey

SAMPLE = [("sample", "trust"), ("sample", "owner"), ("sample", "goals"), ("sample", "years")]
SECOND = [("second", "trust"), ("second", "owner"), ("second", "goals")]
MULTIPLE = [("sample", "goals"), ("second", "goals")]
TEXT = [("sample", "remarks")]


def _setup():
    survey = make_survey(question_sets=(("sample", 1), ("second", 1)))
    survey.municipalities.append(
        Municipality(name="Zweitdorf", cooperation_id=survey.cooperation_id)
    )
    survey.waves.append(Wave(number=2, status="open"))
    db.session.commit()
    return survey


def _store(survey, municipality, audience, wave, answers):
    store_response(
        Segment(survey.id, wave.id, municipality.id, audience.id),
        [AnswerValues(set_id, 1, question_id, tuple(values), detached=(question_id == "remarks"))
         for set_id, question_id, values in answers],
        receipt_key=secrets.token_hex(16),
    )


def _num(x):
    return Value(number=x)


def _txt(x):
    return Value(text=x)


def _plain(counts):
    """A QuestionCounts as plain dicts without zero entries (for exact comparison)."""
    return (
        {cell: n for cell, n in counts.n.items() if n},
        {cell: dict(+values) for cell, values in counts.values.items() if +values},
    )


def _reference(survey_id, distribution, respondent, wave_ids=None):
    """The same counts, computed in Python from every stored answer (tests only)."""
    distribution, respondent = set(distribution), set(respondent)
    query = (
        select(Response.id, Response.municipality_id, Response.audience_id, Response.wave_id,
               Answer.question_set_id, Answer.question_id, Answer.value_num, Answer.value_text)
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.survey_id == survey_id)
    )
    if wave_ids is not None:
        query = query.where(Response.wave_id.in_(list(wave_ids)))
    n: dict = defaultdict(Counter)
    values: dict = defaultdict(lambda: defaultdict(Counter))
    respondents: dict = defaultdict(lambda: defaultdict(set))
    for response_id, m, a, w, set_id, question_id, number, text in db.session.execute(query):
        key = (set_id, question_id)
        if key not in distribution:
            continue
        value = number if number is not None else text
        for cell in generalisations((m, a, w)):
            values[key][cell][value] += 1
            if key in respondent:
                respondents[key][cell].add(response_id)
            else:
                n[key][cell] += 1
    for key, cells in respondents.items():
        for cell, ids in cells.items():
            n[key][cell] = len(ids)
    return {
        key: ({c: v for c, v in n[key].items() if v},
              {c: dict(v) for c, v in values[key].items()})
        for key in values
    }


def _counted(counts, distribution):
    return {key: _plain(counts.questions[key]) for key in distribution
            if key in counts.questions}


def test_hand_computed_counts_with_two_sets_sharing_question_ids(app):
    with app.app_context():
        survey = _setup()
        first, second = survey.municipalities
        cit = next(a for a in survey.audiences if a.key == "citizens")
        cou = next(a for a in survey.audiences if a.key == "council")
        w1, w2 = survey.waves
        _store(survey, first, cit, w1, [
            ("sample", "trust", [_num(4)]), ("sample", "owner", [_txt("town")]),
            ("sample", "goals", [_txt("heat"), _txt("sun")]), ("sample", "years", [_num(12)]),
            ("second", "trust", [_num(1)]), ("second", "owner", [_txt("coop")]),
            ("old", "trust", [_num(5)]),  # a set the survey no longer pins
        ])
        _store(survey, first, cou, w1, [
            ("sample", "trust", [_txt("dont_know")]), ("sample", "owner", [_txt("town")]),
            ("sample", "years", [_num(40)]),
            ("second", "trust", [_txt("dont_know")]), ("second", "goals", [_txt("wind")]),
        ])
        _store(survey, second, cit, w2, [
            ("sample", "trust", [_num(4)]), ("sample", "owner", [_txt("coop")]),
            ("sample", "goals", [_txt("sun")]), ("sample", "remarks", [_txt("Gut so")]),
            ("second", "trust", [_num(2)]),
        ])
        both = count_survey(survey.id, SAMPLE + SECOND, MULTIPLE, TEXT)
        sample_only = count_survey(survey.id, SAMPLE, [("sample", "goals")])
        second_trust = count_survey(survey.id, [("second", "trust")], [])
        first_wave = count_survey(survey.id, SAMPLE + SECOND, MULTIPLE, wave_ids=[w1.id])
        m1, m2, c1, c2 = first.id, second.id, cit.id, cou.id
        wave1, wave2 = w1.id, w2.id

    total = (ALL, ALL, ALL)
    trust = both.questions[("sample", "trust")]
    assert trust.values[total] == {4.0: 2, "dont_know": 1}
    assert trust.n[total] == 3
    assert trust.values[(m1, c2, wave1)] == {"dont_know": 1}
    assert trust.values[(m2, ALL, ALL)] == {4.0: 1}
    other_trust = both.questions[("second", "trust")]  # same question id, other set
    assert other_trust.values[total] == {1.0: 1, "dont_know": 1, 2.0: 1}
    assert other_trust.values[(ALL, c1, ALL)] == {1.0: 1, 2.0: 1}
    assert both.questions[("sample", "owner")].values[total] == {"town": 2, "coop": 1}
    assert both.questions[("second", "owner")].values[total] == {"coop": 1}
    goals = both.questions[("sample", "goals")]
    assert goals.values[total] == {"heat": 1, "sun": 2} and goals.n[total] == 2
    assert both.questions[("second", "goals")].n[total] == 1
    years = both.questions[("sample", "years")]
    assert years.values[total] == {12.0: 1, 40.0: 1} and years.n[total] == 2
    assert both.questions[("sample", "remarks")].n[total] == 1
    assert ("old", "trust") not in both.questions  # un-pinned set: not counted
    assert set(both.questions) == set(SAMPLE + SECOND + TEXT)

    assert set(sample_only.questions) == set(SAMPLE)
    assert _plain(sample_only.questions[("sample", "trust")]) == _plain(trust)
    assert _plain(sample_only.questions[("sample", "goals")]) == _plain(goals)
    assert set(second_trust.questions) == {("second", "trust")}  # a subset of a set's questions
    assert _plain(second_trust.questions[("second", "trust")]) == _plain(other_trust)

    assert first_wave.questions[("sample", "trust")].values[total] == {4.0: 1, "dont_know": 1}
    assert first_wave.questions[("second", "trust")].values[total] == {1.0: 1, "dont_know": 1}
    assert first_wave.questions[("sample", "trust")].n[(ALL, ALL, wave2)] == 0
    assert first_wave.responses[total] == 2 and both.responses[total] == 3


@pytest.mark.parametrize("seed", [1, 2])
def test_counts_equal_a_plain_count_of_every_answer(app, seed):
    rng = random.Random(seed)
    with app.app_context():
        survey = _setup()
        municipalities, audiences, waves = survey.municipalities, survey.audiences, survey.waves
        for _ in range(80):
            answers = []
            for set_id in ("sample", "second", "old"):
                if rng.random() < 0.9:
                    trust = rng.choice([1, 2, 3, 4, 5, "dont_know"])
                    answers.append((set_id, "trust",
                                    [_txt(trust) if isinstance(trust, str) else _num(trust)]))
                if rng.random() < 0.8:
                    answers.append((set_id, "owner", [_txt(rng.choice(["town", "coop"]))]))
                goals = rng.sample(["heat", "sun", "wind"], rng.randint(0, 2))
                if goals:
                    answers.append((set_id, "goals", [_txt(g) for g in goals]))
            if rng.random() < 0.7:
                answers.append(("sample", "years", [_num(rng.randint(0, 120))]))
            _store(survey, rng.choice(municipalities), rng.choice(audiences), rng.choice(waves),
                   answers)
        survey_id, w1 = survey.id, waves[0].id
        cases = [
            (SAMPLE + SECOND, MULTIPLE, None),
            (SAMPLE + SECOND, MULTIPLE, [w1]),
            (SAMPLE, [("sample", "goals")], None),
            ([("second", "trust"), ("sample", "years")], [], [w1]),
            ([("second", "goals")], [], None),  # multiple choice counted as plain values
        ]
        for distribution, respondent, wave_ids in cases:
            counts = count_survey(survey_id, distribution, respondent, wave_ids=wave_ids)
            expected = _reference(survey_id, distribution, respondent, wave_ids)
            assert _counted(counts, distribution) == expected, (distribution, wave_ids)
            assert set(counts.questions) <= set(distribution)


def test_a_survey_of_numbers_never_groups_by_text(app):
    """Numbers only: one counting query, without the text column, filtered by the set."""
    with app.app_context():
        survey = _setup()
        first = survey.municipalities[0]
        citizens = next(a for a in survey.audiences if a.key == "citizens")
        for trust in (1, 2, 2, 5):
            _store(survey, first, citizens, survey.waves[0],
                   [("sample", "trust", [_num(trust)]), ("sample", "years", [_num(trust * 10)])])
        survey_id = survey.id
        statements = []

        def record(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            counts = count_survey(survey_id, [("sample", "trust"), ("sample", "years")], [])
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    assert counts.questions[("sample", "trust")].values[(ALL, ALL, ALL)] == {
        1.0: 1, 2.0: 2, 5.0: 1}
    assert counts.questions[("sample", "years")].n[(ALL, ALL, ALL)] == 4
    answer_queries = [s for s in statements if "FROM answer" in s]
    assert len(answer_queries) == 1
    assert "value_text" not in answer_queries[0]
    assert "question_set_id =" in answer_queries[0]
    assert len(statements) == 3  # answers, responses, invitations
