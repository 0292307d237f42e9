"""Shared pieces of the benchmark: paths, the environment of the app, databases, servers.

Everything the benchmark writes lives in ``$TMPDIR/ikzsurvey-bench`` (or ``--workdir``): the
SQLite files, instance folders, server-side sessions, gunicorn logs. On PostgreSQL it uses
its own database ``bench`` (dropped and created afresh by every run), never ``test``; another
name with ``BENCH_PG_DATABASE`` or ``--pg-database`` (two benchmarks at once each need their
own, and their own ``--workdir``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT = BENCH_DIR.parent
VENV_BIN = Path(sys.executable).parent
QUESTION_SET_DIR = BENCH_DIR / "question_sets"
QUESTION_SET = ("bench-likert", 1)
LIKERT_IDS = (
    "goals-shared", "goals-clear", "trust-partners", "trust-lead", "info-enough",
    "info-timely", "benefit-cost", "benefit-quality", "benefit-staff", "benefit-expertise",
    "fear-competence", "fear-influence", "fear-identity", "fair-costs", "fair-say",
    "leadership", "politics-support", "citizens-involved", "energy-progress", "continue",
)
FREE_TEXT_ID = "remarks"

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
#: Databases the benchmark never drops: the CI's, the server's own, and templates.
FORBIDDEN_DATABASES = frozenset({"test", "postgres", "root", "template0", "template1"})


def checked_database_name(name: str) -> str:
    """``name`` if the benchmark may drop and create a database of that name, else exit: a
    plain identifier (it is put into ``DROP DATABASE`` as it is), none of
    :data:`FORBIDDEN_DATABASES`."""
    if not name.isidentifier() or name.lower() in FORBIDDEN_DATABASES:
        raise SystemExit(f"PostgreSQL database {name!r}: the benchmark drops this database; "
                         "choose another name")
    return name


PG_DATABASE = checked_database_name(os.environ.get("BENCH_PG_DATABASE", "bench"))


def default_workdir() -> Path:
    return Path(tempfile.gettempdir()) / "ikzsurvey-bench"


@dataclass
class Database:
    """One database the benchmark runs on, with the URLs each client needs."""

    kind: str  # "sqlite" or "postgresql"
    workdir: Path
    #: The PostgreSQL database it drops and creates (unused on SQLite).
    pg_database: str = PG_DATABASE

    def __post_init__(self) -> None:
        checked_database_name(self.pg_database)

    @property
    def sqlite_path(self) -> Path:
        return self.workdir / "sqlite" / "bench.sqlite3"

    @property
    def url(self) -> str:
        """SQLAlchemy URL for the app."""
        if self.kind == "sqlite":
            return f"sqlite:///{self.sqlite_path}"
        return PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") \
            + f"/{self.pg_database}"

    @property
    def dsn(self) -> str:
        """Plain driver DSN (psycopg) or file path (sqlite3)."""
        if self.kind == "sqlite":
            return str(self.sqlite_path)
        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{self.pg_database}"

    @property
    def instance(self) -> Path:
        return self.workdir / f"instance-{self.kind}"

    def connect(self):
        """A DB-API connection with the app's own SQLite settings (WAL, busy timeout)."""
        if self.kind == "sqlite":
            import sqlite3

            con = sqlite3.connect(self.dsn, timeout=30, isolation_level=None)
            con.execute("PRAGMA busy_timeout = 30000")
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("PRAGMA synchronous = NORMAL")
            con.execute("PRAGMA foreign_keys = ON")
            return con
        import psycopg

        return psycopg.connect(self.dsn, autocommit=True)

    def reset(self) -> None:
        """An empty database: a new SQLite file, or DROP + CREATE DATABASE (its name)."""
        shutil.rmtree(self.instance, ignore_errors=True)
        self.instance.mkdir(parents=True)
        if self.kind == "sqlite":
            shutil.rmtree(self.sqlite_path.parent, ignore_errors=True)
            self.sqlite_path.parent.mkdir(parents=True)
            return
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {self.pg_database} WITH (FORCE)")
            con.execute(f"CREATE DATABASE {self.pg_database}")

    def env(self, **extra) -> dict[str, str]:
        """The environment for the app's CLI and gunicorn on this database."""
        env = dict(os.environ)
        env.update(
            IKZSURVEY_DATABASE_URL=self.url,
            IKZSURVEY_INSTANCE_PATH=str(self.instance),
            IKZSURVEY_SECRET_KEY=secret_key(self.workdir),
            IKZSURVEY_SESSION_COOKIE_SECURE="false",
            IKZSURVEY_RATELIMIT_ENABLED="false",
            IKZSURVEY_QUESTION_SET_DIR=str(QUESTION_SET_DIR),
            IKZSURVEY_SESSION_DIR=str(self.instance / "sessions"),
            IKZSURVEY_LOG_LEVEL="warning",
        )
        env.update({k: str(v) for k, v in extra.items()})
        return env


def secret_key(workdir: Path) -> str:
    path = workdir / "secret_key"
    if not path.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(*parts) -> None:
    """Progress goes to stderr; stdout carries only the JSON lines."""
    print("[bench]", *parts, file=sys.stderr, flush=True)


def run_json(args: list[str], env: dict[str, str] | None = None, timeout: float | None = None):
    """Run a helper (a Python module of bench/) and return the JSON of its last stdout line."""
    proc = subprocess.run(args, env=env, cwd=PROJECT, capture_output=True, text=True,
                          timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n"
                           f"{proc.stderr[-3000:]}\n{proc.stdout[-1000:]}")
    if proc.stderr.strip():
        sys.stderr.write(proc.stderr)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    return json.loads(lines[-1])


class Gunicorn:
    """A gunicorn master started by the benchmark; stopped by its own pid only."""

    def __init__(self, app: str, env: dict[str, str], workers: int, port: int, log_path: Path,
                 timeout: int = 120, check_path: str = "/healthz"):
        self.port = port
        self.log_path = log_path
        self.check_path = check_path
        # The application's production settings (ikzsurvey.gunicorn_conf: sync workers,
        # no access log) for every server of the benchmark, ours and the bound alike.
        env = dict(env, IKZSURVEY_BIND=f"127.0.0.1:{port}", IKZSURVEY_WORKERS=str(workers),
                   IKZSURVEY_TIMEOUT=str(timeout))
        self.args = [str(VENV_BIN / "gunicorn"), "--config", "python:ikzsurvey.gunicorn_conf",
                     "--error-logfile", str(log_path), app]
        self.env = env
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(self.args, env=self.env, cwd=PROJECT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.tail()}")
            try:
                with urllib.request.urlopen(self.base + self.check_path, timeout=2) as r:
                    r.read()
                if len(self.workers()) >= int(self.env["IKZSURVEY_WORKERS"]):
                    return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 60 s: {self.tail()}")

    def __exit__(self, *exc) -> None:
        self.stop()

    def tail(self) -> str:
        try:
            return self.log_path.read_text()[-2000:]
        except OSError:
            return ""

    def workers(self) -> list[int]:
        """Pids of the master's worker processes."""
        if self.proc is None:
            return []
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in children.split()]

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def rss_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) of a process, in KiB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out
