"""The sign-in form's CSRF protection without a server-side session.

Flask-WTF keeps its form token in the session, so every visit of ``/login`` — by anyone, by
every crawler — created a session file kept for a day (20 cookie-less ``GET /login`` made 20
files). The sign-in form needs protection all the same: *login CSRF* would sign a victim in
to the attacker's account, where what they type next is the attacker's to read.

So the sign-in form uses a **signed double-submit cookie** (OWASP's "signed double-submit
cookie" pattern): ``GET /login`` puts a random value, signed with the app's secret key and
dated, into a cookie (``HttpOnly``, ``SameSite=Strict``, ``Path=/login``, ``Secure`` as the
session cookie) and the same value into the form. A ``POST /login`` is accepted only when the
form's value equals the cookie's, the signature holds and it is younger than
``LOGIN_FORM_MAX_AGE``; on HTTPS its ``Origin`` must be this site's, as for every other form
(:mod:`ikzsurvey.csrf`). Another site can neither read the cookie nor make the browser send
it with a cross-site POST. Nothing is stored on the server.
"""

from __future__ import annotations

import hmac
import secrets

from flask import current_app, g, request
from flask_wtf.csrf import CSRFError
from itsdangerous import BadData, URLSafeTimedSerializer

from ..csrf import origin_problem

COOKIE = "ikzsurvey_login"
LOGIN_FORM_MAX_AGE = 2 * 60 * 60  # seconds: long enough to fetch a password manager
ENDPOINT = "auth.login"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="ikzsurvey.login-form")


def _valid(token: str | None) -> bool:
    if not token:
        return False
    try:
        _serializer().loads(token, max_age=LOGIN_FORM_MAX_AGE)
    except BadData:
        return False
    return True


def form_token() -> str:
    """The value for the sign-in form's hidden field (the cookie's, if it is still valid)."""
    token = g.get("login_form_token")
    if token is None:
        kept = request.cookies.get(COOKIE)
        token = kept if _valid(kept) else _serializer().dumps(secrets.token_urlsafe(18))
        g.login_form_token = token
    return token


def _enabled() -> bool:
    return current_app.config.get("WTF_CSRF_ENABLED", True)


def check_login_post():
    """Before ``POST /login``: the form's token must be the cookie's, signed and fresh."""
    if request.endpoint != ENDPOINT or request.method != "POST" or not _enabled():
        return None
    sent = request.form.get("csrf_token", "")
    kept = request.cookies.get(COOKIE, "")
    if not sent or not hmac.compare_digest(sent.encode(), kept.encode()):
        raise CSRFError("The sign-in form's token does not match its cookie.")
    if not _valid(sent):
        raise CSRFError("The sign-in form's token is invalid or has expired.")
    if request.is_secure and (reason := origin_problem()) is not None:
        raise CSRFError(reason)
    return None


def set_login_cookie(response):
    """After a sign-in page was rendered: the cookie that goes with its form's token."""
    token = g.get("login_form_token")
    if token is None or request.cookies.get(COOKIE) == token:
        return response
    response.set_cookie(
        COOKIE, token, max_age=LOGIN_FORM_MAX_AGE, path="/login", httponly=True,
        samesite="Strict", secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


def init_app(app, csrf) -> None:
    """Take the sign-in view out of Flask-WTF's session-based check and check it here."""
    csrf.exempt(f"{__package__}.login")
    app.before_request(check_login_post)
    app.after_request(set_login_cookie)
    app.jinja_env.globals["login_form_token"] = form_token
