"""The sign-in form is protected against CSRF without a server-side session.

Twenty cookie-less ``GET /login`` made twenty session files, each kept for a day. Now the
sign-in form carries a signed double-submit cookie (ikzsurvey/auth/login_token.py); showing
it, or any other page an anonymous visitor needs no session for, stores nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer

from ikzsurvey.auth import login_token

from .conftest import csrf_token
from .results_fixtures import PASSWORD, make_cooperation, make_user

ANONYMOUS_PAGES = ("/login", "/", "/accessibility", "/no-such-page", "/login?lang=de")


def session_files(app) -> list[str]:
    folder = Path(app.config["SESSION_DIR"])
    return [entry.name for entry in os.scandir(folder)] if folder.exists() else []


def no_session_cookie(response) -> bool:
    return not any(c.startswith("ikzsurvey_session=")
                   for c in response.headers.getlist("Set-Cookie"))


@pytest.fixture
def account(app) -> str:
    with app.app_context():
        return make_user(make_cooperation().cooperation_id, "admin")


def test_anonymous_pages_store_no_session(app):
    for _ in range(20):
        for path in ANONYMOUS_PAGES:
            response = app.test_client().get(path)  # a new visitor each time, no cookie
            assert response.status_code in (200, 404), (path, response.status_code)
            assert no_session_cookie(response), (path, response.headers.getlist("Set-Cookie"))

    assert session_files(app) == []


def test_the_form_token_is_the_cookie_and_signs_in(app, account):
    client = app.test_client()
    page = client.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    assert client.get_cookie(login_token.COOKIE, path="/login").value == token

    response = client.post("/login", data={"email": account, "password": PASSWORD,
                                           "csrf_token": token})

    assert response.status_code == 302 and session_files(app)  # signed in: now a session
    assert client.get("/organize/").status_code == 200


def test_showing_the_page_again_keeps_the_token(app):
    client = app.test_client()
    first = csrf_token(client.get("/login").get_data(as_text=True))
    again = client.get("/login")

    assert csrf_token(again.get_data(as_text=True)) == first
    assert not again.headers.getlist("Set-Cookie")  # the cookie is still the form's


@pytest.mark.parametrize("case", ["no token", "no cookie", "another visitor's cookie",
                                  "forged signature", "expired"])
def test_a_sign_in_without_its_own_valid_token_is_refused(app, account, case, monkeypatch):
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    data = {"email": account, "password": PASSWORD, "csrf_token": token}
    if case == "no token":
        del data["csrf_token"]
    elif case == "no cookie":
        client.delete_cookie(login_token.COOKIE, path="/login")
    elif case == "another visitor's cookie":
        other = app.test_client()
        data["csrf_token"] = csrf_token(other.get("/login").get_data(as_text=True))
    elif case == "forged signature":
        forged = URLSafeTimedSerializer("not the secret key", salt="ikzsurvey.login-form")
        data["csrf_token"] = forged.dumps("chosen by the attacker")
        client.set_cookie(login_token.COOKIE, data["csrf_token"], path="/login")
    elif case == "expired":
        monkeypatch.setattr(login_token, "LOGIN_FORM_MAX_AGE", -1)

    response = client.post("/login", data=data)

    assert response.status_code == 400, (case, response.status_code)
    assert "abgelaufen" in response.get_data(as_text=True)  # the form-expired page
    assert client.get("/organize/").status_code == 302  # not signed in
    assert session_files(app) == []


def test_on_https_a_sign_in_from_another_site_is_refused(app, account):
    client = app.test_client()
    token = csrf_token(client.get("/login", base_url="https://localhost").get_data(
        as_text=True))
    data = {"email": account, "password": PASSWORD, "csrf_token": token}

    foreign = client.post("/login", data=data, base_url="https://localhost",
                          headers={"Origin": "https://evil.example"})
    own = client.post("/login", data=data, base_url="https://localhost",
                      headers={"Origin": "https://localhost"})

    assert foreign.status_code == 400
    assert own.status_code == 302
