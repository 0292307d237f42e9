"""Backups: a consistent online copy of a SQLite database; the pg_dump command for PostgreSQL.

SQLite: :func:`backup_sqlite` copies the database with SQLite's online backup API
(:meth:`sqlite3.Connection.backup`) in one step, i.e. inside one read transaction. In WAL mode
a reader does not block the application's writers, and the copy is the database as of one
moment — never half a submission. It is written beside the target under a temporary name,
checked, and then renamed, so a file with the target's name is always a complete backup.
The copy is a single self-contained file (journal mode DELETE), readable only by its owner:
it holds answers and invitation hashes.

PostgreSQL: ``pg_dump`` is the tool; :func:`pg_dump_command` builds the command line for the
configured database (without its password) and ``ikzsurvey backup`` prints it — it does not
run it.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL

#: How long the copy waits for a lock (WAL readers rarely wait at all).
BUSY_TIMEOUT_S = 30.0


class BackupError(Exception):
    """The backup could not be made; nothing was written under the target's name."""


def default_name(now: dt.datetime | None = None) -> str:
    return f"ikzsurvey-{(now or dt.datetime.now()).strftime('%Y%m%d-%H%M%S')}.sqlite3"


def target_path(output: str | os.PathLike | None, default_dir: Path) -> Path:
    """Where the copy goes: ``output`` (a file, or a folder — existing, or written with a
    trailing slash — to put a dated file in), or a dated file in ``default_dir``."""
    if output is None:
        return default_dir / default_name()
    path = Path(output).expanduser()
    if is_folder(output):
        return path / default_name()
    return path


def is_folder(output: str | os.PathLike) -> bool:
    """An existing folder, or a path written with a trailing slash (a folder to create)."""
    return str(output).endswith(("/", os.sep)) or Path(output).expanduser().is_dir()


def backup_sqlite(database: str | os.PathLike, target: str | os.PathLike) -> Path:
    """Copy the SQLite database ``database`` to ``target`` while it may be in use.

    :returns: the absolute path of the copy.
    :raises BackupError: the source is missing or unreadable, the target is the source, or
        the copy fails its check; a partial copy is removed.
    """
    source = Path(database).resolve()
    target = Path(target).expanduser().resolve()
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    if target == source or (target.exists() and os.path.samefile(target, source)):
        raise BackupError("the backup cannot overwrite the database itself")
    if target.is_dir():
        raise BackupError(f"{target} is a folder")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    # Owner-only from the start: the copy holds the same data as the database.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        # Read-write like the application's own connections, so that the last one to close
        # tidies up -wal and -shm as usual; the backup itself only reads.
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)
        try:
            dst = sqlite3.connect(partial)
            try:
                # pages=-1: everything in one step, so one read transaction sees one state.
                src.backup(dst, pages=-1)
                dst.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
                check = dst.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise BackupError(f"the copy failed its check: {check}")
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"copying {source} failed: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def sqlite_database(url: URL) -> str | None:
    """The file of a SQLite URL (None for an in-memory database)."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return database


def pg_dump_command(url: URL, output: str | os.PathLike | None = None) -> str:
    """The ``pg_dump`` command line that backs up the PostgreSQL database at ``url``.

    ``output`` is the dump file, or a folder (as for SQLite) for a dated file (default: a dated file
    in the current folder; the shell fills in the date). The driver (``+psycopg``) is dropped,
    since libpq reads plain ``postgresql://`` URLs; so is the password, which belongs in
    ``~/.pgpass`` or ``PGPASSWORD``, not in a command line. The custom format is compressed
    and restored with ``pg_restore``.
    """
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    dated = "ikzsurvey-$(date +%Y%m%d-%H%M%S).dump"
    if output is None:
        target = dated
    elif is_folder(output):
        target = shlex.quote(str(Path(output).expanduser()).rstrip("/") + "/") + dated
    else:
        target = shlex.quote(str(Path(output).expanduser()))
    return (
        f"pg_dump --format=custom --no-owner --file={target} "
        f"{shlex.quote(plain.render_as_string(hide_password=False))}"
    )
