"""Counting in the database, summed up to every level, against hand-computed numbers."""

from __future__ import annotations

import secrets

from sqlalchemy import event

from ikzsurvey.db import db
from ikzsurvey.models import Municipality, Wave
from ikzsurvey.questions import Value
from ikzsurvey.results.aggregate import count_survey
from ikzsurvey.results.suppression import ALL
from ikzsurvey.submission import AnswerValues, Segment, store_response

from .factories import make_survey

DISTRIBUTION = [("sample", "trust"), ("sample", "owner"), ("sample", "goals"), ("sample", "years")]
RESPONDENT = [("sample", "goals")]
TEXT = [("sample", "remarks")]


def _store(survey, municipality, audience, trust, owner, goals=(), remarks=None, wave=None):
    answers = [
        AnswerValues("sample", 1, "trust",
                     (Value(text="dont_know") if trust == "dk" else Value(number=trust),)),
        AnswerValues("sample", 1, "owner", (Value(text=owner),)),
    ]
    if goals:
        answers.append(AnswerValues("sample", 1, "goals", tuple(Value(text=g) for g in goals)))
    if remarks:
        answers.append(
            AnswerValues("sample", 1, "remarks", (Value(text=remarks),), detached=True)
        )
    wave = wave or survey.waves[0]
    store_response(Segment(survey.id, wave.id, municipality.id, audience.id), answers,
                   receipt_key=secrets.token_hex(16))


def _setup():
    survey = make_survey()
    second = Municipality(name="Zweitdorf", cooperation_id=survey.cooperation_id)
    survey.municipalities.append(second)
    survey.waves.append(Wave(number=2, status="open"))
    db.session.commit()
    return survey


def test_counts_per_value_and_per_level(app):
    with app.app_context():
        survey = _setup()
        first, second = survey.municipalities
        citizens = next(a for a in survey.audiences if a.key == "citizens")
        council = next(a for a in survey.audiences if a.key == "council")
        _store(survey, first, citizens, 4, "town", goals=("heat", "sun"), remarks="Gut")
        _store(survey, first, citizens, 5, "coop", goals=("heat",))
        _store(survey, first, council, "dk", "town")
        _store(survey, second, citizens, 2, "town", goals=("sun", "wind"), remarks="Na ja",
               wave=survey.waves[1])
        counts = count_survey(survey.id, DISTRIBUTION, RESPONDENT, TEXT)
        first_wave_only = count_survey(
            survey.id, DISTRIBUTION, RESPONDENT, TEXT, wave_ids=[survey.waves[0].id]
        )
        m1, m2 = first.id, second.id
        cit, cou = citizens.id, council.id
        w1, w2 = survey.waves[0].id, survey.waves[1].id

    trust = counts.questions[("sample", "trust")]
    assert trust.n[(ALL, ALL, ALL)] == 4
    assert trust.values[(ALL, ALL, ALL)] == {4.0: 1, 5.0: 1, "dont_know": 1, 2.0: 1}
    assert trust.values[(m1, ALL, ALL)] == {4.0: 1, 5.0: 1, "dont_know": 1}
    assert trust.values[(m1, cit, w1)] == {4.0: 1, 5.0: 1}
    assert trust.n[(ALL, cit, ALL)] == 3 and trust.n[(ALL, ALL, w2)] == 1
    assert trust.n[(m2, cou, ALL)] == 0

    goals = counts.questions[("sample", "goals")]
    assert goals.n[(ALL, ALL, ALL)] == 3  # respondents, not chosen options
    assert goals.values[(ALL, ALL, ALL)] == {"heat": 2, "sun": 2, "wind": 1}  # per option
    assert goals.values[(m1, cit, ALL)] == {"heat": 2, "sun": 1}

    remarks = counts.questions[("sample", "remarks")]
    assert remarks.n[(ALL, ALL, ALL)] == 2 and not remarks.values  # free text is not counted
    assert remarks.n[(m2, ALL, w2)] == 1 and remarks.n[(m2, ALL, w1)] == 0

    assert counts.responses[(ALL, ALL, ALL)] == 4
    assert counts.responses[(m1, cou, w1)] == 1

    # Counting only some waves (a viewer's published ones) leaves the others out of every
    # total, so no "all waves" figure contains an unpublished wave.
    assert first_wave_only.responses[(ALL, ALL, ALL)] == 3
    assert first_wave_only.responses[(m2, ALL, ALL)] == 0
    only_trust = first_wave_only.questions[("sample", "trust")]
    assert only_trust.values[(ALL, ALL, ALL)] == {4.0: 1, 5.0: 1, "dont_know": 1}
    assert first_wave_only.questions[("sample", "remarks")].n[(ALL, ALL, ALL)] == 1


def test_the_number_of_queries_does_not_grow_with_responses(app):
    def queries_for(responses: int) -> int:
        with app.app_context():
            survey = _setup()
            first = survey.municipalities[0]
            citizens = next(a for a in survey.audiences if a.key == "citizens")
            for i in range(responses):
                _store(survey, first, citizens, 1 + i % 5, "town", goals=("heat",))
            survey_id = survey.id
            statements = []

            def count(conn, cursor, statement, *args):
                if statement.lstrip().upper().startswith("SELECT"):
                    statements.append(statement)

            event.listen(db.engine, "before_cursor_execute", count)
            try:
                count_survey(survey_id, DISTRIBUTION, RESPONDENT, TEXT)
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
            return len(statements)

    # numbers, texts (options, don't know), respondents, comments, responses, invitations
    assert queries_for(3) == queries_for(40) == 6
