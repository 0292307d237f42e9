"""Fixtures: a fresh app (and plugin manager) per test, on SQLite or the database in
IKZSURVEY_TEST_DATABASE_URL (CI: PostgreSQL)."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import create_engine, make_url, text

from ikzsurvey import create_app
from ikzsurvey.db import db

from .sample_plugin import SamplePlugin



def _worker_database(url: str | None) -> str | None:
    """Under pytest-xdist (``make test`` runs ``-n auto``) each worker gets a database of its
    own beside the given one, ``<name>_<worker>``, made by :func:`server_database`."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(
        hide_password=False)


#: The server database of this run (of this worker), or None for SQLite.
TEST_DATABASE_URL = _worker_database(os.environ.get("IKZSURVEY_TEST_DATABASE_URL"))


def pytest_report_header(config):
    lines = [f"ikzsurvey test database: {TEST_DATABASE_URL or 'SQLite (a new file per test)'}"]
    if not TEST_DATABASE_URL:
        lines.append("ikzsurvey: tests marked postgresql are deselected (no PostgreSQL given)")
    return lines


def pytest_collection_modifyitems(config, items):
    """Tests that need a server database (several nodes on one PostgreSQL) cannot run on
    SQLite: deselected there rather than skipped, since in CI a skip fails the run."""
    if TEST_DATABASE_URL:
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failed check: nothing may be skipped there."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) were skipped; that fails the run.", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def server_database():
    """Reset the shared test database once and build its schema through the migrations."""
    if not TEST_DATABASE_URL:
        return None
    given = os.environ["IKZSURVEY_TEST_DATABASE_URL"]
    if given != TEST_DATABASE_URL:  # an xdist worker's own database, made on first use
        name = make_url(TEST_DATABASE_URL).database
        admin = create_engine(given, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) \
                    is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app({"TESTING": True, "DATABASE_URL": TEST_DATABASE_URL, "SECRET_KEY": "t"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return TEST_DATABASE_URL


def make_app(tmp_path, server_database, **config):
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": server_database or f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "QUESTION_SET_DIR": str(tmp_path / "question_sets"),
        "SESSION_DIR": str(tmp_path / "sessions"),
        "EXTRA_PLUGINS": (SamplePlugin(),),
        # Closing or publishing a wave computes its release before the response: tests
        # read it next (tests/test_releases.py runs the background thread too).
        "RELEASES_INLINE": True,
    }
    settings.update(config)
    app = create_app(settings)
    with app.app_context():
        if server_database:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            db.create_all()
    return app


@pytest.fixture
def app_factory(tmp_path, server_database):
    """Make apps with extra settings; their connections are closed after the test."""
    apps = []

    def factory(**config):
        app = make_app(tmp_path, server_database, **config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in_token(html: str) -> str:
    """The sign-in form's token: the page's last one (a signed-in visitor's header has a
    sign-out form with the session's token before it)."""
    found = CSRF.findall(html)
    assert found, "page has no CSRF token"
    return found[-1]


@pytest.fixture(scope="session")
def chromium_browser():
    """One Chromium for the whole run: Playwright's sync API allows one driver at a time, and
    the browser tests (tests/browser/) and the deployment tests (tests/deploy/) share it."""
    from playwright.sync_api import sync_playwright

    from .browser.conftest import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
