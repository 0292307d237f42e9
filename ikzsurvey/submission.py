"""Storing a response: the one place where answers enter the database.

The response, its answers and the invitation's ``used`` flag (or an open-link journey's
spent key) are written in one transaction. Free-text answers become comments without a
link to the response (see :class:`~ikzsurvey.models.Comment`). Nothing records which
invitation was used, or when: the response carries its segment and the date only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from .db import db, write_transaction
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
    if db.session().get_bind().dialect.name == "postgresql":
        return _store_in_one_statement(
            segment, response_id, rows, comments, invitation_id, receipt_key, on
        )
    with write_transaction() as session:
        # Core statements on the transaction's connection: nothing here needs the ORM's
        # unit of work, and an executemany of plain rows is the cheapest way in.
        conn = session.connection()
        # The response row goes in only while its survey and wave are open: checked in the
        # same statement, one round trip less than a query before it.
        inserted = conn.execute(
            _RESPONSE_WHEN_OPEN,
            {
                "b_id": response_id,
                "b_survey_id": segment.survey_id,
                "b_wave_id": segment.wave_id,
                "b_municipality_id": segment.municipality_id,
                "b_audience_id": segment.audience_id,
                "b_submitted_on": on or dt.date.today(),
            },
        )
        if inserted.rowcount != 1:
            raise SurveyClosed()
        if invitation_id is not None:
            marked = conn.execute(_MARK_USED, {"b_invitation_id": invitation_id,
                                               "b_wave_id": segment.wave_id})
            if marked.rowcount != 1:
                raise AlreadySubmitted()
        elif not _spend_receipt(conn, receipt_key, segment.survey_id):
            raise AlreadySubmitted()
        if rows:
            conn.execute(ANSWER.insert(), rows)
        if comments:
            conn.execute(COMMENT.insert(), comments)
    return response_id


RESPONSE, ANSWER, COMMENT = Response.__table__, Answer.__table__, Comment.__table__
RECEIPT = SubmissionReceipt.__table__

_ANSWER_COLUMNS = {
    "response_id": "varchar", "question_set_id": "varchar", "question_set_version": "integer",
    "question_id": "varchar", "seq": "integer", "value_num": "double precision",
    "value_text": "text",
}
_RESPONSE_WHEN_OPEN = (
    RESPONSE.insert()
    .from_select(
        ["id", "survey_id", "wave_id", "municipality_id", "audience_id", "submitted_on"],
        select(
            bindparam("b_id", type_=RESPONSE.c.id.type),
            Wave.survey_id,
            Wave.id,
            bindparam("b_municipality_id", type_=RESPONSE.c.municipality_id.type),
            bindparam("b_audience_id", type_=RESPONSE.c.audience_id.type),
            bindparam("b_submitted_on", type_=RESPONSE.c.submitted_on.type),
        )
        .join(Survey, Survey.id == Wave.survey_id)
        .where(
            Wave.id == bindparam("b_wave_id"),
            Survey.id == bindparam("b_survey_id"),
            Wave.status == "open",
            Survey.status == "open",
        ),
    )
    # rowcount of an INSERT is otherwise lost with the cursor on some drivers (psycopg)
    .execution_options(preserve_rowcount=True)
)
_MARK_USED = (
    update(Invitation.__table__)
    .where(
        Invitation.id == bindparam("b_invitation_id"),
        Invitation.wave_id == bindparam("b_wave_id"),
        Invitation.used.is_(False),
    )
    .values(used=True)
)


def _store_in_one_statement(segment, response_id, rows, comments, invitation_id,
                            receipt_key, on) -> str:
    """PostgreSQL: the whole response in one statement, in autocommit.

    A statement is atomic on its own, so the transaction needs no ``BEGIN`` and no
    ``COMMIT``: one round trip instead of six (open check, spent key or used invitation,
    response, answers, comments, commit). The data-modifying parts run in a chain: the key
    is spent (or the invitation marked used) only while the survey and wave are open, the
    response goes in only if that happened, its answers and comments only with it.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    conn = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    params = {
        "response_id": response_id,
        "survey_id": segment.survey_id,
        "wave_id": segment.wave_id,
        "municipality_id": segment.municipality_id,
        "audience_id": segment.audience_id,
        "submitted_on": on or dt.date.today(),
        **{f"a_{name}": [row[name] for row in rows] for name in _ANSWER_COLUMNS},
        **{f"c_{name}": [c[name] for c in comments] for name in _COMMENT_ARRAYS},
    }
    if invitation_id is not None:
        statement, params["invitation_id"] = _ONE_STATEMENT["invitation"], invitation_id
    else:
        statement, params["receipt_key"] = _ONE_STATEMENT["receipt"], receipt_key
    try:
        opened, stored = conn.execute(statement, params).one()
    finally:
        session.commit()  # ends the session's use of the autocommit connection
    if not opened:
        raise SurveyClosed()
    if not stored:
        raise AlreadySubmitted()
    return response_id


#: What differs between a response's comments (the rest is its segment).
_COMMENT_ARRAYS = {
    "id": "varchar", "question_set_id": "varchar", "question_set_version": "integer",
    "question_id": "varchar", "text": "text",
}


def _one_statement(guard: str) -> text:
    """The statement of :func:`_store_in_one_statement`; ``guard`` is the part that spends
    the key or marks the invitation used and returns a row if it did."""
    answer_arrays = ", ".join(
        f"CAST(:a_{name} AS {kind}[])" for name, kind in _ANSWER_COLUMNS.items()
    )
    comment_arrays = ", ".join(
        f"CAST(:c_{name} AS {kind}[])" for name, kind in _COMMENT_ARRAYS.items()
    )
    return text(
        f"""WITH open_wave AS (
    SELECT w.id AS wave_id, w.survey_id FROM {Wave.__tablename__} w
    JOIN {Survey.__tablename__} s ON s.id = w.survey_id
    WHERE w.id = :wave_id AND s.id = :survey_id AND w.status = 'open' AND s.status = 'open'
), guard AS ({guard}
), stored AS (
    INSERT INTO {RESPONSE.name}
        (id, survey_id, wave_id, municipality_id, audience_id, submitted_on)
    SELECT :response_id, survey_id, wave_id, :municipality_id, :audience_id,
           CAST(:submitted_on AS date)
    FROM open_wave WHERE EXISTS (SELECT FROM guard)
    RETURNING id
), answers AS (
    INSERT INTO {ANSWER.name} ({", ".join(_ANSWER_COLUMNS)})
    SELECT * FROM unnest({answer_arrays}) WHERE EXISTS (SELECT FROM stored)
), comments AS (
    INSERT INTO {COMMENT.name} (survey_id, wave_id, municipality_id, audience_id, status,
                             {", ".join(_COMMENT_ARRAYS)})
    SELECT o.survey_id, o.wave_id, :municipality_id, :audience_id, 'pending', c.*
    FROM open_wave o, unnest({comment_arrays}) AS c
    WHERE EXISTS (SELECT FROM stored)
)
SELECT EXISTS (SELECT FROM open_wave), EXISTS (SELECT FROM stored)"""  # noqa: S608
    )


_ONE_STATEMENT = {
    "receipt": _one_statement(
        f"""
    INSERT INTO {RECEIPT.name} (key, survey_id) SELECT :receipt_key, survey_id FROM open_wave
    ON CONFLICT DO NOTHING RETURNING key"""  # noqa: S608
    ),
    "invitation": _one_statement(
        f"""
    UPDATE {Invitation.__tablename__} SET used = true
    WHERE id = :invitation_id AND wave_id = :wave_id AND NOT used
      AND EXISTS (SELECT FROM open_wave)
    RETURNING id"""  # noqa: S608
    ),
}


def _spend_receipt(conn, key: str, survey_id: int) -> bool:
    """Insert the journey's one-time key; ``False`` if it was spent already.

    SQLite skips a duplicate with ``ON CONFLICT DO NOTHING`` (no savepoint, no error to
    catch); other databases insert in a savepoint and catch the duplicate. (PostgreSQL
    spends the key in :func:`_store_in_one_statement`.)
    """
    values = {"key": key, "survey_id": survey_id}
    if conn.dialect.name == "sqlite":
        statement = sqlite_insert(RECEIPT).on_conflict_do_nothing().returning(RECEIPT.c.key)
        return conn.execute(statement, values).first() is not None
    try:
        with conn.begin_nested():
            conn.execute(RECEIPT.insert(), values)
    except IntegrityError:
        return False
    return True
