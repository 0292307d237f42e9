"""Over HTTPS a POST is accepted when it comes from a page of this site: ``Origin`` is the
request's own origin, or — without ``Origin`` — ``Referer`` is. Issue 13, item 1: with the
strict Referer check, Chromium (which sends no Referer under the old ``no-referrer`` policy)
could not send a single form."""

from __future__ import annotations

import pytest

from .conftest import csrf_token

BASE = "https://umfrage.example.org"
EXPIRED = "Das Formular ist abgelaufen"


@pytest.fixture
def https(app):
    """A test client over HTTPS with CSRF on, and the form token of the sign-in page."""
    client = app.test_client()
    page = client.get("/login", base_url=BASE)
    assert page.status_code == 200
    return client, csrf_token(page.get_data(as_text=True))


def post_login(https, **headers):
    client, token = https
    # Only the token: the form is then incomplete (422) — no password hashing needed.
    return client.post("/login", base_url=BASE, data={"csrf_token": token}, headers=headers)


def refused(response) -> bool:
    return response.status_code == 400 and EXPIRED in response.get_data(as_text=True)


def test_same_origin_without_referer_is_accepted(https):
    response = post_login(https, Origin=BASE)
    assert response.status_code == 422, response.status_code
    assert EXPIRED not in response.get_data(as_text=True)


def test_same_origin_with_explicit_default_port_is_accepted(https):
    assert post_login(https, Origin=BASE + ":443").status_code == 422


def test_same_origin_referer_without_origin_is_accepted(https):
    assert post_login(https, Referer=BASE + "/login").status_code == 422


def test_null_origin_is_refused_even_with_a_good_referer(https):
    assert refused(post_login(https, Origin="null", Referer=BASE + "/login"))


def test_foreign_origin_is_refused(https):
    assert refused(post_login(https, Origin="https://evil.example", Referer=BASE + "/login"))


def test_other_port_or_scheme_is_a_foreign_origin(https):
    assert refused(post_login(https, Origin=BASE + ":8443"))
    assert refused(post_login(https, Origin="http://umfrage.example.org"))


def test_foreign_referer_without_origin_is_refused(https):
    assert refused(post_login(https, Referer="https://evil.example/login"))


def test_neither_origin_nor_referer_is_refused(https):
    assert refused(post_login(https))


def test_the_form_token_is_still_checked(https):
    client, _ = https
    response = client.post("/login", base_url=BASE, data={"csrf_token": "forged"},
                           headers={"Origin": BASE})
    assert refused(response)


def test_plain_http_needs_no_origin(app):
    """Without TLS (make run, the browser tests) the form token alone decides, as before."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"csrf_token": token}).status_code == 422


def test_referrer_policy_keeps_links_private_towards_other_sites(client):
    """``same-origin``: this site's own forms carry a Referer, other sites never see one."""
    response = client.get("/login")
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in response.get_data(as_text=True)
