"""Browser tests: the real app served over HTTP, driven by Chromium through Playwright.

The server is the app from ``create_app`` on a SQLite file of its own (also when the rest of
the suite runs on PostgreSQL), with CSRF on and plain-HTTP cookies, served by werkzeug in a
thread. It holds the demo (``run_demo``) and a second survey with the test plugin's question
set ``sample@1``, which has every built-in kind of question.

Chromium is Debian's package (``apt-get install chromium``); Playwright downloads nothing.
Without it the tests skip — and in CI a skip fails the run.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from ikzsurvey import create_app
from ikzsurvey.db import db
from ikzsurvey.demo import run_demo
from ikzsurvey.models import ApiToken, Invitation, OpenLink, Survey, today
from ikzsurvey.tokens import hash_token, new_token

from ..results_fixtures import PASSWORD, make_cooperation, make_user
from ..sample_plugin import SamplePlugin

#: The machine's network is closed: without these Chromium waits on connections it tries.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Chromium not installed: apt-get install chromium")
    return path


@dataclass
class Site:
    """The running server and what the tests need to know about its data."""

    url: str
    demo_survey_id: int
    demo_links: dict[str, str]  # "Bergheim / citizens" → /o/<key>
    demo_invitation: str  # /t/<token>, unused
    used_invitation: str  # /t/<token>, already answered
    sample_survey_id: int
    sample_link: str  # /o/<key> of the survey with sample@1
    organizer: tuple[str, str]  # e-mail, password
    viewer: tuple[str, str]
    sample_organizer: str  # e-mail; password PASSWORD

    def __call__(self, path: str) -> str:
        return self.url + path


def _config(tmp, plugins=()) -> dict:
    return {
        "SECRET_KEY": "browser-tests",
        "DATABASE_URL": f"sqlite:///{tmp / 'browser.sqlite3'}",
        "QUESTION_SET_DIR": str(tmp / "question_sets"),
        "SESSION_DIR": str(tmp / "sessions"),
        "SESSION_COOKIE_SECURE": False,  # plain HTTP on 127.0.0.1
        "WTF_CSRF_ENABLED": True,
        "EXTRA_PLUGINS": plugins,
    }


def _used_invitation(survey_id: int) -> str:
    """An invitation of the demo's running wave that has already been answered."""
    from ikzsurvey.models import Survey

    survey = db.session.get(Survey, survey_id)
    token = new_token()
    db.session.add(
        Invitation(
            token_hash=hash_token(token),
            wave_id=survey.current_wave.id,
            municipality_id=survey.municipalities[0].id,
            audience_id=survey.audiences[0].id,
            used=True,
        )
    )
    db.session.commit()
    return f"/t/{token}"


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    chromium_path()  # no server without a browser to drive it
    tmp = tmp_path_factory.mktemp("browser")
    # The demo exactly as `ikzsurvey demo` builds it: the built-in question sets only.
    builder = create_app(_config(tmp))
    with builder.app_context():
        db.create_all()
        demo = run_demo(responses=120)
        db.session.remove()
        db.engine.dispose()

    app = create_app(_config(tmp, plugins=(SamplePlugin(),)))
    with app.app_context():
        used = _used_invitation(demo.survey_id)
        demo_cooperation = db.session.get(Survey, demo.survey_id).cooperation_id
        db.session.add_all([  # the tokens page lists one valid and one expired token
            ApiToken(token_hash=hash_token(new_token()), cooperation_id=demo_cooperation,
                     label="Ratsinformationssystem"),
            ApiToken(token_hash=hash_token(new_token()), cooperation_id=demo_cooperation,
                     role="admin", label="Alter Export", expires_on=today().replace(year=2025)),
        ])
        sample = make_cooperation(name="Kooperation Talaue", waves=1)
        db.session.add(
            OpenLink(
                survey=sample, municipality=sample.municipalities[0], audience=sample.audiences[1]
            )
        )
        db.session.commit()
        link = db.session.query(OpenLink).filter_by(survey_id=sample.id).one()
        sample_id, sample_link = sample.id, f"/o/{link.key}"
        sample_organizer = make_user(sample.cooperation_id, "admin", "organizer@talaue.invalid")
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(
        url=f"http://127.0.0.1:{server.server_port}",
        demo_survey_id=demo.survey_id,
        demo_links=demo.open_links,
        demo_invitation=demo.invitation_links[0],
        used_invitation=used,
        sample_survey_id=sample_id,
        sample_link=sample_link,
        organizer=(demo.admin_email, demo.admin_password),
        viewer=(demo.viewer_email, demo.viewer_password),
        sample_organizer=sample_organizer,
    )
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser(site, chromium_browser):
    return chromium_browser


def new_context(browser, **options):
    """A fresh browser profile: German unless told otherwise, no cookies."""
    options.setdefault("locale", "de-DE")
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def context(browser):
    ctx = new_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


def sign_in(page, site: Site, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form, as a person does."""
    page.goto(site("/login"))
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.narrow button[type=submit]")
    page.wait_for_url("**/results/")


@pytest.fixture(scope="session")
def staff_states(browser, site, tmp_path_factory):
    """Signed-in browser states, one sign-in per account for the whole run (the sign-in
    form is rate-limited)."""
    states = {}
    folder = tmp_path_factory.mktemp("states")
    for role, (email, password) in {"organizer": site.organizer, "viewer": site.viewer}.items():
        ctx = new_context(browser)
        page = ctx.new_page()
        sign_in(page, site, email, password)
        states[role] = str(folder / f"{role}.json")
        ctx.storage_state(path=states[role])
        ctx.close()
    return states


@pytest.fixture
def staff_context(browser, staff_states):
    """Open a browser context already signed in as ``"organizer"`` or ``"viewer"``."""
    opened = []

    def open_as(role: str, **options):
        ctx = new_context(browser, storage_state=staff_states[role], **options)
        opened.append(ctx)
        return ctx

    yield open_as
    for ctx in opened:
        ctx.close()
