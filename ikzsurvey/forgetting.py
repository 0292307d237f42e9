"""Storage that forgets the order of submissions, once a wave is closed.

While a wave runs, the database's own files keep the order in which its responses came in:
SQLite appends every commit to its write-ahead log (the response, its answers, the
invitation flipped to ``used`` and the comments, side by side), and PostgreSQL gives every
row the id of the transaction that wrote it (``xmin``) and puts new rows at the end of the
table (``ctid``). Whoever reads the files could line a comment up with its response, and a
response with the invitation it came through, by that order alone.

When a wave closes (:func:`forget_order`), every table is rewritten so that its rows lie in
the order of their primary keys — random ids for responses, answers, comments and spent
open-link keys; for invitations the number they were made with, before anyone answered — and
no earlier copy of a row is left:

- PostgreSQL: one ``UPDATE`` gives all the closed waves' rows the same, new ``xmin``
  (:func:`rewrite_transaction_ids`), then ``CLUSTER … USING`` the primary key writes each table
  into a new file in key order and deletes the old one. A ``CHECKPOINT`` follows where the
  database's role may run one, so that the write-ahead log's segments holding the old order
  are recycled sooner (they are PostgreSQL's to recycle: docs/privacy.md).
- SQLite keeps no transaction ids. Deleted content is overwritten with zeros
  (``secure_delete``, set on every connection in :mod:`ikzsurvey.db`), ``VACUUM`` rebuilds the
  file in key order, and a truncating checkpoint empties the write-ahead log.

Before any of that, the closed waves' participation snapshots are deleted
(:func:`ikzsurvey.participation.forget_snapshots`): what organizers saw of a running wave,
by day, is not kept once its final counts can be shown.

A wave whose order is forgotten is marked (``Wave.order_forgotten``); ``ikzsurvey purge``
finishes any wave where compacting could not run (e.g. a long lock), and compacts again
after it deleted data.
"""

from __future__ import annotations

import logging
import re
import time

from flask import current_app
from sqlalchemy import bindparam, func, select, text, update

from .db import autocommit_engine, db, is_sqlite, write_transaction
from .models import (
    Answer,
    Comment,
    Invitation,
    ParticipationSnapshot,
    Response,
    SubmissionReceipt,
    Wave,
)
from .participation import forget_snapshots

logger = logging.getLogger(__name__)

#: The tables that hold what respondents sent (and which invitations were used, and the
#: participation snapshots, deleted at close).
TABLES = (Response.__table__, Answer.__table__, Comment.__table__, Invitation.__table__,
          SubmissionReceipt.__table__, ParticipationSnapshot.__table__)


class CompactionFailed(Exception):
    """The tables were rewritten but could not be compacted; ``purge`` tries again."""


def forget_order(survey_id: int, wave_ids: list[int]) -> bool:
    """Give the closed waves' rows one transaction id and compact the tables.

    Returns whether the files were compacted too; when they were not (a lock held too long,
    logged), the waves stay marked for ``ikzsurvey purge`` to finish.
    """
    if not wave_ids:
        return True
    forget_snapshots(wave_ids)
    rewrite_transaction_ids(survey_id, wave_ids)
    try:
        compact()
    except CompactionFailed:
        logger.warning("Could not compact the tables after closing waves %s; "
                       "`ikzsurvey purge` will try again", wave_ids, exc_info=True)
        return False
    with write_transaction() as session:
        session.execute(update(Wave).where(Wave.id.in_(wave_ids)).values(order_forgotten=True))
    return True


def forget_at_close(survey_id: int, wave_ids: list[int]) -> bool:
    """:func:`forget_order` while the organizer's close request waits, if the closed waves
    are small enough (``FORGET_AT_CLOSE_MAX_RESPONSES``: on PostgreSQL the rewrite takes about
    2.8 s per 10,000 responses of 20 answers, docs/performance.md). Returns ``False`` when
    it is left to the nightly ``ikzsurvey purge``, or compacting could not run."""
    if not wave_ids:
        return True
    forget_snapshots(wave_ids)  # also when the rest is left to the nightly purge
    responses = db.session.scalar(
        select(func.count()).select_from(Response).where(Response.wave_id.in_(wave_ids)))
    if responses > current_app.config["FORGET_AT_CLOSE_MAX_RESPONSES"]:
        return False
    return forget_order(survey_id, wave_ids)


#: The statements of :func:`rewrite_transaction_ids`: each sets a column to itself.
_REWRITES = (
    "UPDATE response SET survey_id = survey_id WHERE survey_id = :survey AND wave_id IN :waves",
    "UPDATE answer SET seq = seq WHERE response_id IN (SELECT id FROM response"
    " WHERE survey_id = :survey AND wave_id IN :waves)",
    "UPDATE comment SET status = status WHERE survey_id = :survey AND wave_id IN :waves",
    "UPDATE invitation SET used = used WHERE wave_id IN :waves",
    # Spent open-link keys belong to the survey, not to a wave: rewritten with each close.
    "UPDATE submission_receipt SET survey_id = survey_id WHERE survey_id = :survey",
)


def rewrite_transaction_ids(survey_id: int, wave_ids: list[int]) -> None:
    """PostgreSQL: write every row of the closed waves again in one transaction, so that
    they all carry its ``xmin`` instead of the one of the submission that wrote them (which
    a response shared with its invitation and its comments). Values stay as they are.
    SQLite keeps no such id: nothing to do."""
    if is_sqlite():
        return
    with write_transaction() as session:
        for sql in _REWRITES:
            statement = text(sql).bindparams(bindparam("waves", expanding=True)) \
                if ":waves" in sql else text(sql)
            session.execute(statement, {"survey": survey_id, "waves": list(wave_ids)})


def compact(attempts: int = 5) -> None:
    """Leave no earlier copy of the respondents' rows in the database's files.

    :raises CompactionFailed: another connection kept the tables busy through every attempt.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()  # the request's own connection holds no snapshot meanwhile
    if is_sqlite():
        _compact_sqlite(attempts)
    else:
        _compact_postgresql(attempts)


def _compact_sqlite(attempts: int) -> None:
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("VACUUM")
        for attempt in range(attempts):
            busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return
            time.sleep(0.2 * (attempt + 1))  # a reader still on an older snapshot
        raise CompactionFailed("the write-ahead log could not be emptied: readers kept it")
    finally:
        connection.close()


#: How often, and how long apart, a table is clustered again while an open snapshot keeps
#: its old row versions (a standby's feedback lags by its status interval, 10 s by default).
SNAPSHOT_RETRIES = (1.0, 2.0, 4.0)

_NUMBER = re.compile(r"\d+")


def kept_dead_versions(detail: str | None) -> int | None:
    """The number of dead row versions ``CLUSTER VERBOSE`` had to copy (its INFO's detail
    line "N dead row versions cannot be removed yet", in the server's language: the one
    number of its first line), or None when the detail says nothing of the kind."""
    if not detail:
        return None
    numbers = _NUMBER.findall(detail.splitlines()[0])
    return int(numbers[0]) if len(numbers) == 1 else None


def _cluster(conn, table, attempts: int) -> int | None:
    """``CLUSTER`` one table; returns how many dead row versions it kept (None: unknown)."""
    from sqlalchemy.exc import DBAPIError

    raw = conn.connection.driver_connection
    details: list[str | None] = []

    def notice(diagnostic) -> None:
        if diagnostic.severity_nonlocalized == "INFO" and diagnostic.message_detail:
            details.append(diagnostic.message_detail)

    raw.add_notice_handler(notice)
    try:
        for attempt in range(attempts):
            try:  # a new file in key order; the old one, in arrival order, is deleted
                conn.exec_driver_sql(
                    f"CLUSTER VERBOSE {table.name} USING {table.primary_key.name}")
                break
            except DBAPIError as error:
                if getattr(error.orig, "sqlstate", None) != "55P03":  # lock_not_available
                    raise
                if attempt == attempts - 1:
                    raise CompactionFailed(f"{table.name} stayed locked") from error
    finally:
        raw.remove_notice_handler(notice)
    counts = [n for n in map(kept_dead_versions, details) if n is not None]
    return sum(counts) if counts else None


def _compact_postgresql(attempts: int) -> None:
    """``CLUSTER`` copies a dead row version that an open snapshot may still see (a
    transaction begun before the rewrite, a standby's ``hot_standby_feedback``, a
    replication slot): the submissions' versions, with their own ``xmin``, would then stay
    in the new file. So each table is clustered again, a few seconds apart, until it keeps
    none; if a snapshot outlasts that, compacting failed and ``purge`` tries again."""
    from sqlalchemy.exc import DBAPIError

    with autocommit_engine().connect() as conn:
        conn.exec_driver_sql("SET lock_timeout = '10s'")
        pauses = list(SNAPSHOT_RETRIES)  # for all tables together: the close request waits
        for table in TABLES:
            kept = _cluster(conn, table, attempts)
            while kept and pauses:
                time.sleep(pauses.pop(0))
                kept = _cluster(conn, table, attempts)
            if kept:
                conn.exec_driver_sql("RESET lock_timeout")
                raise CompactionFailed(
                    f"{table.name}: an open snapshot kept {kept} old row versions")
            if kept is None:
                logger.warning("CLUSTER of %s reported no count of kept row versions; "
                               "whether an open snapshot kept old ones is unknown", table.name)
        try:
            conn.exec_driver_sql("CHECKPOINT")
        except DBAPIError:  # only superusers and pg_checkpoint may: PostgreSQL's own timing
            logger.info("CHECKPOINT not permitted for this role; PostgreSQL recycles its "
                        "write-ahead log on its own schedule")
        conn.exec_driver_sql("RESET lock_timeout")


def unfinished_waves() -> list[tuple[int, int]]:
    """(survey id, wave id) of closed waves whose order is not forgotten yet."""
    rows = db.session.execute(
        select(Wave.survey_id, Wave.id)
        .where(Wave.status == "closed", Wave.order_forgotten.is_(False))
        .order_by(Wave.survey_id, Wave.id)
    )
    return [(survey_id, wave_id) for survey_id, wave_id in rows]


def finish_unfinished(dry_run: bool = False, skip: frozenset[int] | set[int] = frozenset()):
    """Forget the order of every closed wave not done yet, survey by survey (but those in
    ``skip``). Yields (survey id, number of waves, whether the tables were compacted);
    ``dry_run`` changes nothing and yields ``False``."""
    unfinished: dict[int, list[int]] = {}
    for survey_id, wave_id in unfinished_waves():
        if survey_id not in skip:
            unfinished.setdefault(survey_id, []).append(wave_id)
    for survey_id, wave_ids in unfinished.items():
        yield survey_id, len(wave_ids), False if dry_run else forget_order(survey_id, wave_ids)
