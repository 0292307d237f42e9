"""Storing a response: the one place where answers enter the database.

The response, its answers and the invitation's ``used`` flag (or an open-link journey's
spent key) are written in one transaction. Free-text answers become comments without a
link to the response (see :class:`~ikzsurvey.models.Comment`). Nothing records which
invitation was used, or when: the response carries its segment and the date only.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from .db import autocommit_engine, db
from .models import (
    Answer,
    Comment,
    Invitation,
    Response,
    SubmissionReceipt,
    Survey,
    Wave,
    random_id,
)
from .questions import Value


class SubmissionError(Exception):
    """Base of the reasons a submission is refused; nothing was stored."""


class AlreadySubmitted(SubmissionError):
    """The invitation was used, or this journey was submitted, already."""


class SurveyClosed(SubmissionError):
    """The survey or its wave is not open (any more)."""


@dataclass(frozen=True)
class Segment:
    """Municipality × audience × wave: all a response knows about its author."""

    survey_id: int
    wave_id: int
    municipality_id: int
    audience_id: int


@dataclass(frozen=True)
class AnswerValues:
    question_set_id: str
    question_set_version: int
    question_id: str
    values: tuple[Value, ...]
    #: Free text: stored as a :class:`~ikzsurvey.models.Comment`, apart from the response.
    detached: bool = False


def answer_values(question_set, question, values, registry) -> AnswerValues:
    """The values of one answered question, detached when its kind aggregates as free text."""
    return AnswerValues(
        question_set.id,
        question_set.version,
        question.id,
        tuple(values),
        detached=registry.kind_of(question).aggregation == "text",
    )


def store_response(
    segment: Segment,
    answers: Iterable[AnswerValues],
    *,
    invitation_id: int | None = None,
    receipt_key: str | None = None,
    on: dt.date | None = None,
) -> str:
    """Store one response in one transaction and return its (random) id.

    Exactly one of ``invitation_id`` (marked used, once) and ``receipt_key`` (spent,
    once) guards against storing the same questionnaire twice.

    :raises AlreadySubmitted: the invitation is used or the key spent; nothing stored.
    :raises SurveyClosed: the survey or wave is not open; nothing stored.
    """
    if (invitation_id is None) == (receipt_key is None):
        raise ValueError("give exactly one of invitation_id and receipt_key")
    response_id = random_id()
    answers = list(answers)
    comments = [
        {
            "id": random_id(),
            "survey_id": segment.survey_id,
            "wave_id": segment.wave_id,
            "municipality_id": segment.municipality_id,
            "audience_id": segment.audience_id,
            "question_set_id": a.question_set_id,
            "question_set_version": a.question_set_version,
            "question_id": a.question_id,
            "text": v.text,
            "status": "pending",
        }
        for a in answers
        if a.detached
        for v in a.values
        if v.text
    ]
    rows = [
        {
            "response_id": response_id,
            "question_set_id": a.question_set_id,
            "question_set_version": a.question_set_version,
            "question_id": a.question_id,
            "seq": seq,
            "value_num": v.number,
            "value_text": v.text,
        }
        for a in answers
        if not a.detached
        for seq, v in enumerate(a.values)
    ]
    session = db.session()
    if session.in_transaction():
        session.commit()  # nothing of this session's is pending or locked meanwhile
    name = session.get_bind().dialect.name
    store = {"postgresql": _store_in_one_statement, "sqlite": _store_on_sqlite}.get(name)
    if store is None:
        raise RuntimeError(f"ikzsurvey stores responses in SQLite or PostgreSQL, not {name}")
    return store(segment, response_id, rows, comments, invitation_id, receipt_key,
                 on or dt.date.today())


RESPONSE, ANSWER, COMMENT = Response.__table__, Answer.__table__, Comment.__table__
RECEIPT = SubmissionReceipt.__table__

_ANSWER_COLUMNS = {
    "response_id": "varchar", "question_set_id": "varchar", "question_set_version": "integer",
    "question_id": "varchar", "seq": "integer", "value_num": "double precision",
    "value_text": "text",
}


def _store_in_one_statement(segment, response_id, rows, comments, invitation_id,
                            receipt_key, on) -> str:
    """PostgreSQL: the whole response in one statement, in autocommit.

    A statement is atomic on its own, so the transaction needs no ``BEGIN`` and no
    ``COMMIT``: one round trip instead of six (open check, spent key or used invitation,
    response, answers, comments, commit). The data-modifying parts run in a chain: the key
    is spent (or the invitation marked used) only while the survey and wave are open, the
    response goes in only if that happened, its answers and comments only with it.
    """
    params = {
        "response_id": response_id,
        "survey_id": segment.survey_id,
        "wave_id": segment.wave_id,
        "municipality_id": segment.municipality_id,
        "audience_id": segment.audience_id,
        "submitted_on": on,
        # One JSON text each, read by json_to_recordset: cheaper to send than an array per
        # column, whose every element the driver would convert on its own.
        "answers": json.dumps(rows),
        "comments": json.dumps(comments),
    }
    if invitation_id is not None:
        statement, params["invitation_id"] = _ONE_STATEMENT["invitation"], invitation_id
    else:
        statement, params["receipt_key"] = _ONE_STATEMENT["receipt"], receipt_key
    with autocommit_engine().connect() as conn:
        opened, stored = conn.exec_driver_sql(statement, params).one()
    if not opened:
        raise SurveyClosed()
    if not stored:
        raise AlreadySubmitted()
    return response_id


def _recordset(columns: dict[str, str]) -> str:
    return ", ".join(f"{name} {kind}" for name, kind in columns.items())


#: What differs between a response's comments (the rest is its segment).
_COMMENT_COLUMNS = {
    "id": "varchar", "question_set_id": "varchar", "question_set_version": "integer",
    "question_id": "varchar", "text": "text",
}
#: An answer's columns but the response's id.
_ANSWER_VALUES = {name: kind for name, kind in _ANSWER_COLUMNS.items() if name != "response_id"}


def _one_statement(guard: str) -> str:
    """The statement of :func:`_store_in_one_statement` (the driver's own parameter
    style); ``guard`` spends the key or marks the invitation used and returns a row if it
    did."""
    return f"""WITH open_wave AS (
    SELECT w.id AS wave_id, w.survey_id FROM {Wave.__tablename__} w
    JOIN {Survey.__tablename__} s ON s.id = w.survey_id
    WHERE w.id = %(wave_id)s AND s.id = %(survey_id)s AND w.status = 'open'
      AND s.status = 'open'
), guard AS ({guard}
), stored AS (
    INSERT INTO {RESPONSE.name}
        (id, survey_id, wave_id, municipality_id, audience_id, submitted_on)
    SELECT %(response_id)s, survey_id, wave_id, %(municipality_id)s, %(audience_id)s,
           CAST(%(submitted_on)s AS date)
    FROM open_wave WHERE EXISTS (SELECT FROM guard)
    RETURNING id
), answers AS (
    INSERT INTO {ANSWER.name} ({", ".join(_ANSWER_COLUMNS)})
    SELECT s.id, a.* FROM stored s,
        json_to_recordset(CAST(%(answers)s AS json)) AS a({_recordset(_ANSWER_VALUES)})
), comments AS (
    INSERT INTO {COMMENT.name} (survey_id, wave_id, municipality_id, audience_id, status,
                             {", ".join(_COMMENT_COLUMNS)})
    SELECT o.survey_id, o.wave_id, %(municipality_id)s, %(audience_id)s, 'pending', c.*
    FROM stored, open_wave o,
        json_to_recordset(CAST(%(comments)s AS json)) AS c({_recordset(_COMMENT_COLUMNS)})
)
SELECT EXISTS (SELECT FROM open_wave), EXISTS (SELECT FROM stored)"""  # noqa: S608


_ONE_STATEMENT = {
    "receipt": _one_statement(
        f"""
    INSERT INTO {RECEIPT.name} (key, survey_id)
    SELECT %(receipt_key)s, survey_id FROM open_wave
    ON CONFLICT DO NOTHING RETURNING key"""  # noqa: S608
    ),
    "invitation": _one_statement(
        f"""
    UPDATE {Invitation.__tablename__} SET used = true
    WHERE id = %(invitation_id)s AND wave_id = %(wave_id)s AND NOT used
      AND EXISTS (SELECT FROM open_wave)
    RETURNING id"""  # noqa: S608
    ),
}


def _store_on_sqlite(segment, response_id, rows, comments, invitation_id, receipt_key,
                     on) -> str:
    """SQLite: one write transaction of single statements, sent straight to the driver.

    SQLite runs in this process, so a statement costs no round trip, only what is done to
    send it; SQLAlchemy's part of that (events, parameter processing, result objects) was a
    fifth of a respondent's submission (docs/performance.md), for statements that are the
    same every time. The transaction takes the write lock at its start (``BEGIN
    IMMEDIATE``), as :func:`~ikzsurvey.db.write_transaction` does, so concurrent
    submissions queue for it instead of failing. A driver error comes out as SQLAlchemy's
    own (``IntegrityError`` …), as from any other statement.
    """
    ids = {
        "response_id": response_id,
        "survey_id": segment.survey_id,
        "wave_id": segment.wave_id,
        "municipality_id": segment.municipality_id,
        "audience_id": segment.audience_id,
        "submitted_on": on.isoformat(),  # as SQLAlchemy's Date stores it in SQLite
        "invitation_id": invitation_id,
        "receipt_key": receipt_key,
    }
    raw = db.engine.raw_connection()
    statement, params = "BEGIN IMMEDIATE", None
    try:
        cursor = raw.cursor()
        cursor.execute(statement)
        try:
            statement, params = _SQLITE["response"], ids
            if cursor.execute(statement, params).rowcount != 1:
                raise SurveyClosed()
            statement = _SQLITE["invitation" if invitation_id is not None else "receipt"]
            if cursor.execute(statement, params).rowcount != 1:
                raise AlreadySubmitted()
            if rows:
                statement, params = _SQLITE["answers"], rows
                cursor.executemany(statement, params)
            if comments:
                statement, params = _SQLITE["comments"], comments
                cursor.executemany(statement, params)
            statement, params = "COMMIT", None
            cursor.execute(statement)
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        finally:
            cursor.close()
    except sqlite3.Error as exc:
        raise DBAPIError.instance(statement, params, exc, sqlite3.Error) from exc
    finally:
        raw.close()  # back to the pool
    return response_id


def _insert(table, columns) -> str:
    return (f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(':' + c for c in columns)})")


#: The statements of :func:`_store_on_sqlite`, with named parameters (``sqlite3``'s own).
_SQLITE = {
    # The response goes in only while its survey and wave are open.
    "response": f"""INSERT INTO {RESPONSE.name}
    (id, survey_id, wave_id, municipality_id, audience_id, submitted_on)
SELECT :response_id, w.survey_id, w.id, :municipality_id, :audience_id, :submitted_on
FROM {Wave.__tablename__} w JOIN {Survey.__tablename__} s ON s.id = w.survey_id
WHERE w.id = :wave_id AND s.id = :survey_id AND w.status = 'open'
  AND s.status = 'open'""",  # noqa: S608
    "receipt": f"INSERT INTO {RECEIPT.name} (key, survey_id) "  # noqa: S608
    "VALUES (:receipt_key, :survey_id) ON CONFLICT DO NOTHING",
    "invitation": f"UPDATE {Invitation.__tablename__} SET used = 1 "  # noqa: S608
    "WHERE id = :invitation_id AND wave_id = :wave_id AND used = 0",
    "answers": _insert(ANSWER, _ANSWER_COLUMNS),
    "comments": _insert(COMMENT, [c.name for c in COMMENT.columns if c.name != "redacted_text"]),
}
