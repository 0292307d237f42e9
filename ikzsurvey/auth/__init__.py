"""Signing in: organizer (``admin``) and ``viewer`` accounts, and API bearer tokens.

Every account and token belongs to one cooperation and sees nothing of another. Sessions
are server-side (see :mod:`ikzsurvey.app`); API clients may instead send
``Authorization: Bearer <token>`` with a token from ``ikzsurvey create-token``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..audit import audit
from ..db import db, write_transaction
from ..models import ApiToken, User, now
from ..passwords import hash_password, needs_rehash, verify_password
from ..security import LOGIN_LIMIT, limiter
from ..tokens import hash_token, well_formed

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
# Flask-Login's session protection would keep a hash of the client address in the
# session; the session id is renewed at sign-in instead (no session fixation).
login_manager.session_protection = None

ROLES = ("admin", "viewer")

# Verifying against this hash when the e-mail is unknown takes as long as for a real
# account, so response times do not tell which addresses have accounts.
_DUMMY_HASH = hash_password("not a password of anyone")


@dataclass(frozen=True)
class TokenPrincipal:
    """Whoever presents an API token: a role in one cooperation, never stored in a session."""

    token_id: int
    role: str
    cooperation_id: int
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> None:
        return None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


@login_manager.request_loader
def load_token(req) -> TokenPrincipal | None:
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not well_formed(token):
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None:
        return None
    return TokenPrincipal(row.id, row.role, row.cooperation_id)


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/"):
        return {"error": "Unauthorized", "status": 401}, 401, {"WWW-Authenticate": "Bearer"}
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def role_required(*roles: str):
    """Signed-in accounts (or tokens) with one of ``roles`` only; others get 403."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def organizer_required(view):
    """Organizers of a cooperation, signed in — never an API token, whatever its role:
    tokens read results, they do not organize."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role != "admin" or current_user.get_id() is None:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def is_organizer() -> bool:
    return current_user.is_authenticated and current_user.role == "admin"


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else ``None`` (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


LOCKOUT_AFTER = 5  # failed sign-ins in a row
LOCKOUT_FOR = dt.timedelta(minutes=15)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def login():
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = authenticate(email, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            session["seen"] = time.time()
            # A new session id (Flask-Session renews only a non-empty session): an id
            # planted before sign-in is worth nothing after it.
            current_app.session_interface.regenerate(session)
            return redirect(safe_next(request.args.get("next")) or url_for("results.index"))
        failed = True
    status = 401 if failed else (422 if form.errors else 200)
    return render_template("auth/login.html", form=form, failed=failed,
                           lockout_minutes=int(LOCKOUT_FOR.total_seconds() // 60)), status


def authenticate(email: str, password: str) -> User | None:
    """The account if the password is right and the account not locked; else ``None``.

    After ``LOCKOUT_AFTER`` failures in a row the account is locked for ``LOCKOUT_FOR``;
    the answer looks the same whether the address is unknown, the password wrong or the
    account locked, so nobody learns which addresses have accounts.
    """
    with write_transaction() as tx:
        user = tx.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            verify_password(_DUMMY_HASH, password)  # the same time as for a real account
            return None
        moment = now()
        if user.locked_until is not None and user.locked_until > moment:
            verify_password(_DUMMY_HASH, password)
            return None
        if verify_password(user.password_hash, password):
            user.failed_logins, user.locked_until = 0, None
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            return user
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= LOCKOUT_AFTER:
            user.failed_logins, user.locked_until = 0, moment + LOCKOUT_FOR
        return None


@bp.before_app_request
def sign_out_when_idle():
    """A staff session ends after ``STAFF_IDLE_TIMEOUT`` without a request."""
    if "_user_id" not in session:  # respondents and API tokens: no staff session to end
        return None
    if not current_user.is_authenticated or current_user.get_id() is None:
        return None
    timeout = current_app.config["STAFF_IDLE_TIMEOUT"].total_seconds()
    seen = session.get("seen")
    if seen is None or time.time() - seen > timeout:
        logout_user()
        session.clear()
        flash(_l("You were signed out after a while without activity. Please sign in again."),
              "error")
        return login_manager.unauthorized()
    session["seen"] = time.time()
    return None


MIN_PASSWORD_LENGTH = 12


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=200,
                   message=_l("Please use between 12 and 200 characters.")),
        ],
    )
    repeat = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two entries differ."))],
    )


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
@role_required("admin", "viewer")
def change_password():
    if current_user.get_id() is None:  # an API token has no password
        abort(403)
    form = PasswordForm()
    if form.validate_on_submit():
        with write_transaction() as tx:
            user = tx.get(User, current_user.id)
            if not verify_password(user.password_hash, form.current.data):
                form.current.errors.append(_l("This is not your current password."))
            else:
                user.password_hash = hash_password(form.new.data)
        if not form.current.errors:
            audit(current_user.cooperation_id, "password.change", current_user.email)
            flash(_l("Your password is changed."), "success")
            return redirect(url_for("results.index"))
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form,
                           minimum=MIN_PASSWORD_LENGTH), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def init_app(app) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)
