"""The database handle, engine settings per backend, and write transactions.

SQLite is the embedded default; it runs in WAL mode with a busy timeout, and every write
goes through :func:`write_transaction`, which opens it with ``BEGIN IMMEDIATE`` so two
writers queue for the lock instead of failing with "database is locked". Reads use plain
deferred transactions and never block on writers (WAL).
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator
from contextvars import ContextVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 30_000


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)

_immediate: ContextVar[bool] = ContextVar("ikzsurvey_immediate", default=False)


def is_sqlite(engine: Engine | None = None) -> bool:
    return (engine or db.engine).dialect.name == "sqlite"


def engine_options(url: str, pre_ping: bool = False) -> dict:
    """Engine settings. A server database is not pinged before each request by default
    (``DATABASE_PRE_PING``): that is one more round trip per request, and SQLAlchemy
    replaces the whole pool after the first error on a dropped connection anyway, so a
    database restart costs at most one failed request per worker (docs/deploy.md)."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    return {"pool_pre_ping": pre_ping}


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.split(".")[0] not in ("sqlite3", "pysqlite2"):
        return
    # Let SQLAlchemy, not the driver, emit BEGIN, so that writes can say IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    # Deleted content is overwritten with zeros, not left in free pages (forgetting.py).
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name == "sqlite":
        # Straight to the driver: every request begins a transaction, and SQLAlchemy's
        # statement machinery (events, compilation cache, result) adds nothing to a BEGIN.
        conn.connection.dbapi_connection.execute(
            "BEGIN IMMEDIATE" if _immediate.get() else "BEGIN"
        )


def read_connection():
    """The connection for a request that only reads, with single statements.

    On PostgreSQL it runs in autocommit: no ``BEGIN`` and no ``ROLLBACK``, i.e. two round
    trips less per request (the respondent path makes three such requests per journey).
    Each statement sees what was committed when it started, which is all a single statement
    needs. A :func:`write_transaction` later in the same request begins a real transaction.
    Elsewhere, and when the session is already in a transaction, it is the session's
    connection as usual.
    """
    session = db.session()
    if not session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session.connection()


_autocommit_engines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def autocommit_engine() -> Engine:
    """The app's engine with its connections in autocommit (the same pool), for a single
    statement that is a transaction of its own; outside the ORM session."""
    engine = db.engine
    option = _autocommit_engines.get(engine)
    if option is None:
        option = _autocommit_engines[engine] = engine.execution_options(
            isolation_level="AUTOCOMMIT"
        )
    return option


@contextlib.contextmanager
def write_transaction() -> Iterator:
    """Run the block in one write transaction: commit at the end, roll back on error.

    On SQLite the transaction takes the write lock at its start (``BEGIN IMMEDIATE``); on
    PostgreSQL it is an ordinary transaction whose row locks the caller takes.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    token = _immediate.set(True)
    try:
        session.connection()  # begins now, with the lock on SQLite
    finally:
        _immediate.reset(token)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
