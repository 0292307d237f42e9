"""Signing in: organizer (``admin``) and ``viewer`` accounts, and API bearer tokens.

Every account and token belongs to one cooperation and sees nothing of another. Sessions
are server-side (see :mod:`ikzsurvey.app`); API clients may instead send
``Authorization: Bearer <token>`` with a token from ``ikzsurvey create-token``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
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
from wtforms.validators import DataRequired, Length

from ..db import db
from ..models import ApiToken, User
from ..passwords import hash_password, verify_password
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and verify_password(user.password_hash, form.password.data):
            session.clear()
            current_app.session_interface.regenerate(session)  # a new session id
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("results.index"))
        if user is None:
            verify_password(_DUMMY_HASH, form.password.data)
        failed = True
    status = 401 if failed else (422 if form.errors else 200)
    return render_template("auth/login.html", form=form, failed=failed), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def init_app(app) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)
