"""Concurrency without loss: the real HTTP flow under gunicorn with two sync workers.

The app is started the production way (``ikzsurvey serve`` → gunicorn with
``ikzsurvey.gunicorn_conf``) on the test database of the run — a SQLite file, or the
PostgreSQL in ``IKZSURVEY_TEST_DATABASE_URL``. Respondents are plain HTTP clients with their
own cookies that fetch every form and post it with its CSRF token, as a browser does.

Under gunicorn the test plugin (``EXTRA_PLUGINS``) is not available, so the same question set
``sample@1`` is given as a TOML file in the instance's ``question_sets/`` folder, where the
built-in plugin ``toml_question_sets`` reads it; a test checks that it equals the plugin's.

Not a benchmark: nothing here asserts on time.
"""

from __future__ import annotations

import collections
import dataclasses
import http.client
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sqlalchemy import select

from ikzsurvey.db import db
from ikzsurvey.gunicorn_conf import ForwardedFor, default_workers
from ikzsurvey.models import Invitation
from ikzsurvey.tokens import hash_token, new_token

from .conftest import csrf_token
from .factories import counts, make_survey, open_link
from .respondent import VALID_PAGE_ONE, VALID_PAGE_TWO
from .sample_plugin import SAMPLE

CLIENTS = 8
SUBMISSIONS_PER_CLIENT = 50
INVITATION_CLIENTS = 4  # clients 0–3 answer with invitations, 4–7 with the open link
SAME_TOKEN = 20
#: Rows per stored response: page one gives trust and owner, page two two goals and the
#: years (answers); the remark becomes a comment apart from the response.
ANSWERS_PER_RESPONSE = 5
COMMENTS_PER_RESPONSE = 1
ALREADY_ANSWERED = "You have already answered this survey"
LOCKED = "database is locked"

#: sample@1 of tests/sample_plugin.py as a TOML question set.
SAMPLE_TOML = """\
id = "sample"
version = 1
title = { de = "Beispielfragen", en = "Sample questions" }

[[questions]]
id = "trust"
kind = "likert"
dont_know = true
dimension = "trust"
section = { de = "Teil eins", en = "Part one" }
text = { de = "Ich vertraue den Partnern.", en = "I trust the partners." }

[[questions]]
id = "owner"
kind = "single_choice"
section = { de = "Teil eins", en = "Part one" }
text = { de = "Wer soll Eigentümer sein?", en = "Who should own it?" }
options = [{ key = "town", text = "Gemeinde" }, { key = "coop", text = "Genossenschaft" }]

[[questions]]
id = "goals"
kind = "multiple_choice"
max_choices = 2
required = false
section = { de = "Teil zwei", en = "Part two" }
text = { de = "Welche Ziele?", en = "Which goals?" }
options = [
  { key = "heat", text = "Wärme" },
  { key = "sun", text = "Sonne" },
  { key = "wind", text = "Wind" },
]

[[questions]]
id = "years"
kind = "number"
min = 0
max = 120
required = false
section = { de = "Teil zwei", en = "Part two" }
text = "Jahre / years"

[[questions]]
id = "remarks"
kind = "free_text"
max_length = 200
required = false
section = { de = "Teil zwei", en = "Part two" }
text = "Anmerkungen / remarks"
"""


def write_sample_toml(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sample.toml"
    path.write_text(SAMPLE_TOML, encoding="utf-8")
    return path


def test_the_toml_question_set_is_the_test_plugins_sample(tmp_path):
    from ikzsurvey_plugins.toml_question_sets import load_file

    loaded = load_file(write_sample_toml(tmp_path))
    assert dataclasses.replace(loaded, source=SAMPLE.source) == SAMPLE


# --- a respondent's browser over plain HTTP ---------------------------------------------------


@dataclasses.dataclass
class Reply:
    status: int
    location: str | None
    body: str

    @property
    def path(self) -> str | None:
        return urlsplit(self.location).path if self.location else None


class Traffic:
    """Every reply, counted; the ones that must never happen, kept."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.statuses: collections.Counter[int] = collections.Counter()
        self.problems: list[str] = []

    def record(self, method: str, path: str, reply: Reply) -> None:
        with self.lock:
            self.requests += 1
            self.statuses[reply.status] += 1
            if reply.status >= 500 or LOCKED in reply.body:
                self.problems.append(f"{method} {path} → {reply.status}: {reply.body[:300]}")


class Browser:
    """One respondent: its own cookies, English pages, redirects seen (not followed)."""

    def __init__(self, port: int, traffic: Traffic):
        self.port = port
        self.traffic = traffic
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> Reply:
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            reply = Reply(response.status, response.getheader("Location"),
                          response.read().decode("utf-8", "replace"))
            for header in response.headers.get_all("Set-Cookie") or ():
                jar = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
        finally:
            conn.close()
        self.traffic.record(method, path, reply)
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Reply:
        return self.request("POST", path, form)


def walk_to_last_page(browser: Browser, link: str) -> str:
    """Open the link and answer page one; returns the CSRF token for the last page."""
    opened = browser.get(link)
    if link.startswith("/t/"):  # the personal token leaves the address bar
        assert (opened.status, opened.path) == (303, "/survey/"), opened
        opened = browser.get("/survey/")
    assert opened.status == 200 and 'id="privacy-heading"' in opened.body, opened
    first = browser.get("/survey/page/1")
    assert first.status == 200, first
    sent = browser.post("/survey/page/1",
                        dict(VALID_PAGE_ONE, action="next", csrf_token=csrf_token(first.body)))
    assert (sent.status, sent.path) == (303, "/survey/page/2"), sent
    last = browser.get("/survey/page/2")
    assert last.status == 200, last
    return csrf_token(last.body)


def submit_last_page(browser: Browser, csrf: str) -> str:
    """Send the last page; the outcome: 'thanks', 'already answered' or what went wrong."""
    reply = browser.post("/survey/page/2", dict(VALID_PAGE_TWO, action="next", csrf_token=csrf))
    if (reply.status, reply.path) == (303, "/survey/thanks"):
        thanks = browser.get("/survey/thanks")
        return "thanks" if thanks.status == 200 else f"thanks page {thanks.status}"
    if reply.status == 200 and ALREADY_ANSWERED in reply.body:
        return "already answered"
    return f"status {reply.status} {reply.path or ''}".strip()


# --- gunicorn as a subprocess -----------------------------------------------------------------

LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


@dataclasses.dataclass
class Server:
    port: int
    log: Path
    out: Path

    def logs(self) -> str:
        return self.log.read_text(errors="replace") + self.out.read_text(errors="replace")


def server_environment(instance: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("IKZSURVEY_", "GUNICORN_", "FORWARDED_ALLOW_IPS"))}
    env.update(
        IKZSURVEY_INSTANCE_PATH=str(instance),
        IKZSURVEY_DATABASE_URL=database_url,
        IKZSURVEY_SECRET_KEY="concurrency-test-secret",
        IKZSURVEY_SESSION_COOKIE_SECURE="false",  # plain HTTP on 127.0.0.1
        IKZSURVEY_RATELIMIT_ENABLED="false",  # 400 respondents from one address
        # Ask for an access log: the configuration must still write none (privacy).
        GUNICORN_CMD_ARGS="--access-logfile -",
    )
    return env


@contextmanager
def gunicorn(tmp_path: Path, env: dict[str, str], workers: int = 2):
    """`ikzsurvey serve` on a free port; stops it (SIGTERM, then SIGKILL) afterwards."""
    log, out = tmp_path / "gunicorn.stderr", tmp_path / "gunicorn.stdout"
    script = Path(sys.executable).with_name("ikzsurvey")
    with log.open("wb") as err_fh, out.open("wb") as out_fh:
        process = subprocess.Popen(
            [str(script), "serve", "--bind", "127.0.0.1:0", "--workers", str(workers)],
            env=env, cwd=tmp_path, stdout=out_fh, stderr=err_fh,
        )
    try:
        server = Server(wait_for_port(process, log), log, out)
        wait_until_healthy(process, server)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def wait_for_port(process: subprocess.Popen, log: Path, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = LISTENING.search(log.read_text(errors="replace"))
        if found:
            return int(found.group(1))
        assert process.poll() is None, f"gunicorn exited:\n{log.read_text(errors='replace')}"
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not start:\n{log.read_text(errors='replace')}")


def wait_until_healthy(process: subprocess.Popen, server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"gunicorn exited:\n{server.logs()}"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer /healthz:\n{server.logs()}")


# --- the test ---------------------------------------------------------------------------------


def prepare_links(app):
    """The survey (sample@1, open), 200 invitations, one open link and the shared token."""
    with app.app_context():
        survey = make_survey()
        citizens = next(a for a in survey.audiences if a.key == "citizens")
        tokens = [new_token() for _ in range(INVITATION_CLIENTS * SUBMISSIONS_PER_CLIENT + 1)]
        db.session.add_all(
            Invitation(token_hash=hash_token(token), wave_id=survey.waves[0].id,
                       municipality_id=survey.municipalities[0].id, audience_id=citizens.id)
            for token in tokens
        )
        db.session.commit()
        key = open_link(survey)
        db.session.remove()
    shared = tokens.pop()
    links = []
    for client in range(CLIENTS):
        if client < INVITATION_CLIENTS:
            chunk = tokens[client * SUBMISSIONS_PER_CLIENT:(client + 1) * SUBMISSIONS_PER_CLIENT]
            links.append([f"/t/{token}" for token in chunk])
        else:
            links.append([f"/o/{key}"] * SUBMISSIONS_PER_CLIENT)
    return links, f"/t/{shared}"


def check_backup_while_serving(app, tmp_path, server_database) -> str:
    """`ikzsurvey backup` in the middle of the load: a consistent copy (SQLite), or the
    pg_dump command and exit code 1 (PostgreSQL)."""
    result = app.test_cli_runner().invoke(
        args=["backup", "--output", str(tmp_path / "during-load.sqlite3")])
    if server_database:
        assert result.exit_code == 1
        assert "pg_dump" in result.stderr
        assert result.stdout.strip().startswith("pg_dump ")
        return "PostgreSQL: pg_dump command printed"
    assert result.exit_code == 0, result.output
    copy = Path(result.stdout.strip().splitlines()[-1])
    with sqlite3.connect(copy) as conn:
        def count(sql):
            return conn.execute(sql).fetchone()[0]

        responses = count("SELECT count(*) FROM response")
        used = count("SELECT count(*) FROM invitation WHERE used")
        receipts = count("SELECT count(*) FROM submission_receipt")
        answers = count("SELECT count(*) FROM answer")
        comments = count("SELECT count(*) FROM comment")
    conn.close()
    # One moment of the database: every response with its answers, its comment and exactly
    # one spent invitation or receipt — never half a submission.
    assert responses > 0
    assert responses == used + receipts
    assert answers == ANSWERS_PER_RESPONSE * responses
    assert comments == COMMENTS_PER_RESPONSE * responses
    return f"SQLite copy with {responses} responses taken during the load"


def test_concurrent_submissions_lose_nothing_and_count_a_token_once(
    app, tmp_path, server_database
):
    links, shared_link = prepare_links(app)
    instance = tmp_path / "instance"
    write_sample_toml(instance / "question_sets")
    env = server_environment(instance, app.config["DATABASE_URL"])

    traffic = Traffic()
    some_stored = threading.Event()
    thanked = [0]
    thanked_lock = threading.Lock()
    barrier = threading.Barrier(SAME_TOKEN, timeout=300)

    def respondent_client(port: int, client: int) -> collections.Counter:
        outcomes = collections.Counter()
        for link in links[client]:
            browser = Browser(port, traffic)  # a new respondent each time
            try:
                outcome = submit_last_page(browser, walk_to_last_page(browser, link))
            except AssertionError as exc:
                outcome = f"walk failed: {exc}"[:300]
            outcomes[outcome] += 1
            if outcome == "thanks":
                with thanked_lock:
                    thanked[0] += 1
                    if thanked[0] >= 100:
                        some_stored.set()
        return outcomes

    def same_token(port: int) -> str:
        browser = Browser(port, traffic)
        try:
            csrf = walk_to_last_page(browser, shared_link)
        except BaseException:
            barrier.abort()
            raise
        barrier.wait()  # all twenty are on the last page: send together
        return submit_last_page(browser, csrf)

    started = time.monotonic()
    with gunicorn(tmp_path, env) as server:
        with ThreadPoolExecutor(max_workers=CLIENTS + SAME_TOKEN) as pool:
            clients = [pool.submit(respondent_client, server.port, c) for c in range(CLIENTS)]
            racers = [pool.submit(same_token, server.port) for _ in range(SAME_TOKEN)]
            assert some_stored.wait(timeout=300)
            backup = check_backup_while_serving(app, tmp_path, server_database)
            outcomes = sum((f.result(timeout=600) for f in clients), collections.Counter())
            shared_outcomes = collections.Counter(f.result(timeout=600) for f in racers)
        again = Browser(server.port, traffic).get(shared_link)
    elapsed = time.monotonic() - started
    logs = server.logs()

    with app.app_context():
        db.session.remove()
        stored = counts()
        shared_used = db.session.scalar(
            select(Invitation.used).where(
                Invitation.token_hash == hash_token(shared_link.removeprefix("/t/"))))

    print(f"\n{'PostgreSQL' if server_database else 'SQLite'}: "
          f"{traffic.requests} requests in {elapsed:.1f} s, statuses "
          f"{dict(sorted(traffic.statuses.items()))}, outcomes {dict(outcomes)}, "
          f"same token {dict(shared_outcomes)}, stored {stored}; {backup}")

    expected = CLIENTS * SUBMISSIONS_PER_CLIENT
    assert outcomes == {"thanks": expected}
    assert shared_outcomes == {"thanks": 1, "already answered": SAME_TOKEN - 1}
    assert again.status == 200 and ALREADY_ANSWERED in again.body
    assert shared_used is True
    assert stored == {
        "responses": expected + 1,
        "answers": ANSWERS_PER_RESPONSE * (expected + 1),
        "comments": COMMENTS_PER_RESPONSE * (expected + 1),
        "used": INVITATION_CLIENTS * SUBMISSIONS_PER_CLIENT + 1,
        "receipts": (CLIENTS - INVITATION_CLIENTS) * SUBMISSIONS_PER_CLIENT,
    }
    assert traffic.problems == []
    assert not [status for status in traffic.statuses if status >= 500]
    assert LOCKED not in logs
    assert "Traceback" not in logs
    # No access log, although GUNICORN_CMD_ARGS asked for one: no token paths, no addresses.
    assert "/t/" not in logs and "/survey/" not in logs


# --- ikzsurvey backup -------------------------------------------------------------------------


def test_backup_copies_sqlite_and_names_pg_dump_for_postgresql(app, runner, tmp_path,
                                                                server_database):
    from sqlalchemy.engine import make_url

    from .respondent import Respondent

    with app.app_context():
        survey = make_survey()
        links = [f"/o/{open_link(survey)}"] * 3
    for link in links:
        done = Respondent(app.test_client()).complete(link)
        assert done.status_code == 303
    folder = tmp_path / "backups"
    folder.mkdir()
    result = runner.invoke(args=["backup", "--output", str(folder)])

    if server_database:
        assert result.exit_code == 1
        assert "pg_dump is the tool" in result.stderr and "Nothing was copied" in result.stderr
        command = result.stdout.strip()
        assert command.startswith("pg_dump --format=custom ")
        assert "postgresql+psycopg" not in command
        url = make_url(app.config["DATABASE_URL"]).set(drivername="postgresql")
        assert command.split()[-1].strip("'") == url.render_as_string(hide_password=True)
        assert f"--file={folder}/ikzsurvey-$(date +%Y%m%d-%H%M%S).dump " in command
        assert list(folder.iterdir()) == []
        return

    assert result.exit_code == 0, result.output
    copy = Path(result.stdout.strip().splitlines()[-1])
    assert copy.parent == folder and copy.name.startswith("ikzsurvey-")
    assert copy.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in folder.iterdir()) == [copy.name]  # no -wal, no partial file
    with sqlite3.connect(copy) as conn:
        rows = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("response", "answer", "comment", "submission_receipt")}
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    conn.close()
    assert rows == {"response": 3, "answer": 3 * ANSWERS_PER_RESPONSE,
                    "comment": 3 * COMMENTS_PER_RESPONSE, "submission_receipt": 3}
    assert journal == "delete"

    to_create = runner.invoke(args=["backup", "--output", f"{tmp_path}/new/folder/"])
    assert to_create.exit_code == 0, to_create.output
    made = Path(to_create.stdout.strip().splitlines()[-1])
    assert made.parent == tmp_path / "new" / "folder" and made.name.startswith("ikzsurvey-")

    itself = runner.invoke(args=["backup", "--output", app.config["DATABASE_URL"]
                                 .removeprefix("sqlite:///")])
    assert itself.exit_code == 1 and "cannot overwrite the database itself" in itself.stderr


def test_pg_dump_command_leaves_out_driver_and_password(tmp_path):
    from sqlalchemy.engine import make_url

    from ikzsurvey.backup import pg_dump_command

    url = make_url("postgresql+psycopg://survey:s3cret@db.example:5432/ikz?sslmode=require")
    assert pg_dump_command(url, "/srv/backup/ikz.dump") == (
        "pg_dump --format=custom --no-owner --file=/srv/backup/ikz.dump "
        "'postgresql://survey@db.example:5432/ikz?sslmode=require'")
    assert "s3cret" not in pg_dump_command(url)
    assert pg_dump_command(url).startswith(
        "pg_dump --format=custom --no-owner --file=ikzsurvey-$(date +%Y%m%d-%H%M%S).dump ")
    folder = tmp_path / "two words"
    folder.mkdir()
    assert f"--file='{folder}/'ikzsurvey-$(date +%Y%m%d-%H%M%S).dump " in pg_dump_command(
        url, folder)


# --- the gunicorn configuration ---------------------------------------------------------------


def test_default_workers_are_two_per_core_plus_one_within_bounds():
    assert [default_workers(cores) for cores in (1, 2, 3, 4, 16)] == [3, 5, 7, 8, 8]


def test_client_address_is_taken_only_from_trusted_front_ends():
    seen = []

    def app(environ, start_response):
        seen.append(environ["REMOTE_ADDR"])
        return []

    proxied = ForwardedFor(app, ["127.0.0.1", "::1", "10.0.0.0/8"])

    def address(peer, forwarded=None):
        environ = {"REMOTE_ADDR": peer}
        if forwarded is not None:
            environ["HTTP_X_FORWARDED_FOR"] = forwarded
        proxied(environ, None)
        return seen[-1]

    assert address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    # A client's own header is not believed: the proxy's entry (rightmost untrusted) counts.
    assert address("127.0.0.1", "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    # Through a load balancer (10.0.0.5) and a local proxy.
    assert address("127.0.0.1", "203.0.113.7, 10.0.0.5") == "203.0.113.7"
    # Directly from the internet: the header is ignored.
    assert address("203.0.113.9", "192.0.2.1") == "203.0.113.9"
    assert address("127.0.0.1") == "127.0.0.1"
    assert address("127.0.0.1", "not-an-address") == "127.0.0.1"
    assert address("", "203.0.113.7") == "203.0.113.7"  # a UNIX socket: local front end
    assert ForwardedFor(app, ["*"]).client_address(
        {"REMOTE_ADDR": "192.0.2.8", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}) == "203.0.113.7"
