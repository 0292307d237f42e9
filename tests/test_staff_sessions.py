"""What ends a staff session (ikzsurvey/auth/sessions.py): a new password — changed by its
owner, reset by an organizer or by ``create-user`` — ends every other session of the account;
a session also ends 10 hours after signing in, active or not; and every page says when it
will end, with a way to stay signed in that keeps the page as it is."""

from __future__ import annotations

import re
import time

from ikzsurvey.models import User

from .conftest import csrf_token
from .results_fixtures import PASSWORD, make_cooperation, make_user, sign_in

NEW_PASSWORD = "seven green lamps at dawn"


def signed_in(app, email: str):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, email)
    return client


def accounts(app) -> tuple[int, str, str]:
    with app.app_context():
        coop = make_cooperation().cooperation_id
        return coop, make_user(coop, "admin"), make_user(coop, "viewer")


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/login")


def notice_on_sign_in(client) -> str:
    return client.get("/login").get_data(as_text=True)


def test_a_password_change_ends_every_other_session_of_the_account(app):
    _, organizer, _ = accounts(app)
    here, elsewhere = signed_in(app, organizer), signed_in(app, organizer)
    page = here.get("/account/password").get_data(as_text=True)

    changed = here.post("/account/password", data={
        "current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD,
        "csrf_token": csrf_token(page)})

    assert changed.status_code == 302
    assert here.get("/organize/").status_code == 200  # the session that changed it goes on
    assert sent_to_sign_in(elsewhere.get("/organize/"))
    assert "password of this account was changed" in notice_on_sign_in(elsewhere)
    assert sent_to_sign_in(elsewhere.get("/results/"))  # and stays signed out


def test_an_organizers_reset_ends_the_sessions_of_that_account(app):
    _, organizer, viewer = accounts(app)
    admin, council = signed_in(app, organizer), signed_in(app, viewer)
    page = admin.get("/organize/").get_data(as_text=True)

    reset = admin.post("/organize/accounts", data={
        "email": viewer, "role": "viewer", "csrf_token": csrf_token(page)})

    assert reset.status_code == 200
    assert sent_to_sign_in(council.get("/results/"))
    assert admin.get("/organize/").status_code == 200  # other accounts are untouched
    new_password = re.search(r"<code[^>]*>([^<]+)</code>", reset.get_data(as_text=True))
    assert new_password, "the new password is shown once"


def test_create_user_for_an_existing_account_ends_its_sessions(app):
    coop, organizer, _ = accounts(app)
    client = signed_in(app, organizer)

    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", organizer, "--role", "admin", "--cooperation-id", str(coop)])

    assert result.exit_code == 0, result.output
    assert sent_to_sign_in(client.get("/organize/"))


def test_a_session_ends_ten_hours_after_signing_in_however_active(app):
    _, organizer, _ = accounts(app)
    client = signed_in(app, organizer)
    with client.session_transaction() as session:
        session["since"] = time.time() - 10 * 3600 - 1
        session["seen"] = time.time() - 5  # active a moment ago

    assert sent_to_sign_in(client.get("/organize/"))
    assert "maximum duration" in notice_on_sign_in(client)


def test_the_lifetime_is_configurable(app_factory):
    app = app_factory(STAFF_SESSION_LIFETIME=2)  # seconds, as from the environment
    _, organizer, _ = accounts(app)
    client = signed_in(app, organizer)
    with client.session_transaction() as session:
        session["since"] = time.time() - 3

    assert sent_to_sign_in(client.get("/organize/"))


def test_every_staff_page_says_when_the_session_ends(app):
    _, organizer, _ = accounts(app)
    client = signed_in(app, organizer)

    for path in ("/organize/", "/results/", "/account/password"):
        page = client.get(path).get_data(as_text=True)
        assert "Without activity you will be signed out at" in page, path
        assert 'data-remaining="1800"' in page or 'data-remaining="1799"' in page
        assert '<dialog id="session-warning"' in page and "session.js" in page

    with client.session_transaction() as session:
        session["since"] = time.time() - 10 * 3600 + 600  # ten minutes are left
    page = client.get("/organize/").get_data(as_text=True)
    assert "ends at" in page and "at the latest" in page and 'data-final="true"' in page


def test_respondents_and_visitors_get_no_session_notice(app, client):
    for path in ("/", "/login", "/accessibility"):
        assert "session-expiry" not in client.get(path).get_data(as_text=True)


def test_staying_signed_in_moves_the_end_without_leaving_the_page(app):
    _, organizer, _ = accounts(app)
    client = signed_in(app, organizer)
    token = csrf_token(client.get("/organize/").get_data(as_text=True))
    with client.session_transaction() as session:
        session["seen"] = time.time() - 28 * 60  # two minutes before the idle sign-out

    answer = client.post("/account/session", headers={"X-CSRFToken": token})

    assert answer.status_code == 200
    body = answer.get_json()
    assert body["signed_in"] is True and body["remaining"] >= 1790 and not body["final"]
    assert "Without activity you will be signed out at" in body["text"]
    with client.session_transaction() as session:
        assert time.time() - session["seen"] < 5


def test_staying_signed_in_needs_the_form_token_and_a_live_session(app):
    _, organizer, _ = accounts(app)
    client = signed_in(app, organizer)
    token = csrf_token(client.get("/organize/").get_data(as_text=True))

    assert client.post("/account/session").status_code == 400  # no token: the CSRF check
    with client.session_transaction() as session:
        session["seen"] = time.time() - 31 * 60
    over = client.post("/account/session", headers={"X-CSRFToken": token})
    assert sent_to_sign_in(over)  # an ended session is not brought back


def test_a_session_from_before_the_upgrade_is_ended(app):
    """A session signed in before sessions carried ``since`` and ``epoch`` ends at once."""
    _, organizer, _ = accounts(app)
    client = signed_in(app, organizer)
    with client.session_transaction() as session:
        del session["since"], session["epoch"]

    assert sent_to_sign_in(client.get("/organize/"))


def test_the_epoch_is_raised_in_the_database(app):
    _, organizer, _ = accounts(app)
    client = signed_in(app, organizer)
    page = client.get("/account/password").get_data(as_text=True)
    client.post("/account/password", data={
        "current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD,
        "csrf_token": csrf_token(page)})

    with app.app_context():
        from ikzsurvey.db import db
        epoch = db.session.query(User.session_epoch).filter_by(email=organizer).scalar()
    assert epoch == 1
