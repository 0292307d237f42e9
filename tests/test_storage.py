"""The storage guarantee: one transaction, one use per invitation, no lock errors."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from ikzsurvey.db import db, is_sqlite
from ikzsurvey.models import Invitation
from ikzsurvey.questions import Value
from ikzsurvey.submission import (
    AlreadySubmitted,
    AnswerValues,
    Segment,
    SurveyClosed,
    store_response,
)

from .factories import counts, invite, make_survey

ANSWERS = [AnswerValues("sample", 1, "trust", (Value(number=3),))]


def _segment(survey) -> Segment:
    return Segment(survey.id, survey.waves[0].id, survey.municipalities[0].id,
                   survey.audiences[0].id)


def test_an_invitation_is_spent_once(app):
    with app.app_context():
        survey = make_survey()
        invite(survey, "employees")
        invitation_id = db.session.scalar(select(Invitation.id))
        store_response(_segment(survey), ANSWERS, invitation_id=invitation_id)
        with pytest.raises(AlreadySubmitted):
            store_response(_segment(survey), ANSWERS, invitation_id=invitation_id)
        assert counts() == {"responses": 1, "answers": 1, "comments": 0, "used": 1, "receipts": 0}


def test_a_receipt_key_is_spent_once(app):
    with app.app_context():
        survey = make_survey()
        store_response(_segment(survey), ANSWERS, receipt_key="k" * 32)
        with pytest.raises(AlreadySubmitted):
            store_response(_segment(survey), ANSWERS, receipt_key="k" * 32)
        assert counts() == {"responses": 1, "answers": 1, "comments": 0, "used": 0, "receipts": 1}


def test_a_failed_answer_insert_rolls_back_the_invitation_flag(app):
    with app.app_context():
        survey = make_survey()
        invite(survey, "employees")
        invitation_id = db.session.scalar(select(Invitation.id))
        duplicate = ANSWERS + ANSWERS  # the same primary key twice: the insert fails
        with pytest.raises(IntegrityError):
            store_response(_segment(survey), duplicate, invitation_id=invitation_id)
        assert counts() == {"responses": 0, "answers": 0, "comments": 0, "used": 0, "receipts": 0}


def test_closed_wave_refuses_storage(app):
    with app.app_context():
        survey = make_survey(wave_status="closed")
        with pytest.raises(SurveyClosed):
            store_response(_segment(survey), ANSWERS, receipt_key="x" * 32)
        assert counts()["responses"] == 0


def test_closed_survey_refuses_storage_and_leaves_the_invitation_unused(app):
    with app.app_context():
        survey = make_survey(status="closed")
        invite(survey, "employees")
        invitation_id = db.session.scalar(select(Invitation.id))
        with pytest.raises(SurveyClosed):  # closed comes first, before "already used"
            store_response(_segment(survey), ANSWERS, invitation_id=invitation_id)
        assert counts() == {"responses": 0, "answers": 0, "comments": 0, "used": 0, "receipts": 0}
        survey.status = "open"
        db.session.commit()
        store_response(_segment(survey), ANSWERS, invitation_id=invitation_id)
        assert counts()["responses"] == 1 and counts()["used"] == 1


def test_the_array_insert_of_answers_names_every_column_of_the_table():
    """PostgreSQL stores a response's answers with one INSERT from arrays: a column added to
    the table must be added there too."""
    from ikzsurvey.submission import _ANSWER_COLUMNS, ANSWER

    assert set(_ANSWER_COLUMNS) == {column.name for column in ANSWER.columns}


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    with app.app_context():
        if not is_sqlite():  # PostgreSQL needs neither; its row locks do the queueing
            assert db.engine.dialect.name == "postgresql"
            return
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_concurrent_submissions_all_land_and_a_shared_token_counts_once(app):
    with app.app_context():
        survey = make_survey()
        segment = _segment(survey)
        invite(survey, "employees")
        shared = db.session.scalar(select(Invitation.id))
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(i: int) -> None:
        with app.app_context():
            try:
                if i % 2:
                    store_response(segment, ANSWERS, invitation_id=shared)
                else:
                    store_response(segment, ANSWERS, receipt_key=f"{i:032d}")
                result = "stored"
            except AlreadySubmitted:
                result = "refused"
            except Exception as exc:  # "database is locked" would land here
                result = f"error: {exc}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert outcomes.count("stored") == 12 + 1  # every open-link key once, the token once
    with app.app_context():
        assert counts() == {"responses": 13, "answers": 13, "comments": 0, "used": 1, "receipts": 12}


def test_the_one_statement_names_every_comment_column_but_the_redaction():
    """PostgreSQL writes comments from arrays plus the segment: a column added to the table
    must be added there too."""
    from ikzsurvey.submission import _COMMENT_COLUMNS, COMMENT

    segment_and_status = {"survey_id", "wave_id", "municipality_id", "audience_id", "status"}
    left_empty = {"redacted_text"}  # set when an organizer redacts the comment
    assert set(_COMMENT_COLUMNS) | segment_and_status | left_empty == {
        column.name for column in COMMENT.columns
    }


MIXED = [
    AnswerValues("sample", 1, "trust", (Value(number=4),)),
    AnswerValues("sample", 1, "goals", (Value(text="heat"), Value(text="sun"))),
    AnswerValues("sample", 1, "remarks", (Value(text="Mehr Info, bitte"),), detached=True),
]


def test_a_response_is_stored_whole_and_on_postgresql_in_one_statement(app):
    """(SQLite sends its statements straight to the driver, past SQLAlchemy's events.)"""
    from sqlalchemy import event

    with app.app_context():
        survey = make_survey()
        segment = _segment(survey)
        sent: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            sent.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            store_response(segment, MIXED, receipt_key="r" * 32)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        if db.engine.dialect.name == "postgresql":
            # No BEGIN, no COMMIT, no statement per table: one round trip.
            assert len(sent) == 1 and sent[0].lstrip().startswith("WITH")
        assert counts() == {"responses": 1, "answers": 3, "comments": 1, "used": 0,
                            "receipts": 1}
        row = db.session.execute(text(
            "SELECT survey_id, wave_id, municipality_id, audience_id, question_id, text, "
            "status, redacted_text FROM comment")).one()
        assert tuple(row) == (segment.survey_id, segment.wave_id, segment.municipality_id,
                              segment.audience_id, "remarks", "Mehr Info, bitte", "pending",
                              None)
        goals = db.session.execute(text(
            "SELECT seq, value_text, value_num FROM answer WHERE question_id = 'goals' "
            "ORDER BY seq")).all()
        assert [tuple(g) for g in goals] == [(0, "heat", None), (1, "sun", None)]


def test_a_response_without_answers_is_stored_once(app):
    with app.app_context():
        survey = make_survey()
        invite(survey, "employees")
        invitation_id = db.session.scalar(select(Invitation.id))
        store_response(_segment(survey), [], invitation_id=invitation_id)
        with pytest.raises(AlreadySubmitted):
            store_response(_segment(survey), MIXED, invitation_id=invitation_id)
        assert counts() == {"responses": 1, "answers": 0, "comments": 0, "used": 1,
                            "receipts": 0}
