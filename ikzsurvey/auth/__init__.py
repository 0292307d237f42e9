"""Signing in: organizer (``admin``) and ``viewer`` accounts, and API bearer tokens.

Every account and token belongs to one cooperation and sees nothing of another. Sessions
are server-side (see :mod:`ikzsurvey.app`); API clients may instead send
``Authorization: Bearer <token>`` with a token from ``ikzsurvey create-token``.
"""

from __future__ import annotations

import datetime as dt
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
from sqlalchemy import case, func, or_, select, update
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, StopValidation

from ..audit import audit
from ..db import db, write_transaction
from ..models import ApiToken, User, now, today
from ..passwords import (
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from ..security import LOGIN_LIMIT, limiter
from ..tokens import hash_token, well_formed
from . import sessions

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
    if row is None or row.expires_on < today():
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
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None  # backslashes and control characters (CR/LF would split the header)
    return target


class LoginForm(FlaskForm):
    class Meta:
        # Not Flask-WTF's token, which lives in a session: a signed double-submit cookie
        # instead, so that showing the sign-in page stores nothing (.login_token).
        csrf = False

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
            sessions.start(user)
            # A new session id (Flask-Session renews only a non-empty session): an id
            # planted before sign-in is worth nothing after it.
            current_app.session_interface.regenerate(session)
            return redirect(safe_next(request.args.get("next")) or url_for("results.index"))
        failed = True
    status = 401 if failed else (422 if form.errors else 200)
    return render_template("auth/login.html", form=form, failed=failed,
                           lockout_minutes=int(LOCKOUT_FOR.total_seconds() // 60)), status


def _not_locked(moment: dt.datetime):
    return or_(User.locked_until.is_(None), User.locked_until <= moment)


def authenticate(email: str, password: str) -> User | None:
    """The account if the password is right and the account not locked; else ``None``.

    After ``LOCKOUT_AFTER`` failures in a row the account is locked for ``LOCKOUT_FOR``;
    the answer looks the same whether the address is unknown, the password wrong or the
    account locked, so nobody learns which addresses have accounts.

    The password is verified outside any transaction (Argon2 takes a while and would hold
    SQLite's write lock, and a respondent's submission with it, for all of it); counting a
    failure and accepting a right password are each one conditional ``UPDATE``, so parallel
    attempts cannot lose a failure or sign in to an account locked meanwhile.
    """
    row = db.session.execute(
        select(User.id, User.password_hash, User.locked_until)
        .where(func.lower(User.email) == email)
    ).first()
    db.session.commit()  # no transaction stays open while Argon2 works
    if row is None or (row.locked_until is not None and row.locked_until > now()):
        verify_password(_DUMMY_HASH, password)  # the same time as for a real account
        return None
    if not verify_password(row.password_hash, password):
        record_failure(row.id)
        return None
    if not accept(row.id, row.password_hash):
        return None
    if needs_rehash(row.password_hash):
        rehash(row.id, row.password_hash, password)
    return db.session.get(User, row.id)


def record_failure(user_id: int) -> None:
    """Count one failure in one statement, so that parallel failures all count, and lock
    the account with the ``LOCKOUT_AFTER``-th; failures while it is locked do not count."""
    moment = now()
    reached = (User.failed_logins + 1) >= LOCKOUT_AFTER
    with write_transaction() as tx:
        tx.execute(
            update(User)
            .where(User.id == user_id, _not_locked(moment))
            .values(
                failed_logins=case((reached, 0), else_=User.failed_logins + 1),
                locked_until=case((reached, moment + LOCKOUT_FOR), else_=None),
            )
            .execution_options(synchronize_session=False)
        )


def accept(user_id: int, verified_hash: str) -> bool:
    """Reset the counter if at this moment the account is not locked and its password is
    still the one just verified; whether that was so."""
    with write_transaction() as tx:
        result = tx.execute(
            update(User)
            .where(User.id == user_id, User.password_hash == verified_hash,
                   _not_locked(now()))
            .values(failed_logins=0, locked_until=None)
            .execution_options(synchronize_session=False)
        )
    return result.rowcount == 1


def rehash(user_id: int, old_hash: str, password: str) -> None:
    """Store a hash with today's parameters, unless the password changed meanwhile."""
    new_hash = hash_password(password)
    with write_transaction() as tx:
        tx.execute(
            update(User).where(User.id == user_id, User.password_hash == old_hash)
            .values(password_hash=new_hash).execution_options(synchronize_session=False)
        )


MIN_PASSWORD_LENGTH = MIN_LENGTH

PASSWORD_PROBLEMS = {
    "short": _l("Please use between 12 and 200 characters."),
    "long": _l("Please use between 12 and 200 characters."),
    "common": _l("This password is one of the most widely used ones, or built from one "
                 "(with digits or signs added). Attackers try these first: please choose "
                 "another."),
    "guessable": _l("This password would be easy to guess: it is built from a pattern, a "
                    "repetition, a common word or your own address or cooperation. A few "
                    "unrelated words make a good password."),
}


def what_is_known(user: User) -> tuple[str, ...]:
    """What an attacker knows of an account, which its password must not be built from."""
    cooperation = user.cooperation
    return (user.email, cooperation.name, cooperation.topic,
            *(m.name for m in cooperation.municipalities))


class NewPassword:
    """A validator: long enough, not a common password, not guessable (ASVS 6.2.1, 6.2.4)."""

    def __call__(self, form, field):
        problem = password_problem(field.data or "", what_is_known(current_user))
        if problem is not None:
            raise StopValidation(str(PASSWORD_PROBLEMS[problem]))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), NewPassword()])
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
        stored = db.session.scalar(select(User.password_hash).where(User.id == current_user.id))
        db.session.commit()  # Argon2 below runs outside any transaction
        if not verify_password(stored, form.current.data):
            form.current.errors.append(_l("This is not your current password."))
        else:
            new_hash = hash_password(form.new.data)
            with write_transaction() as tx:
                epoch = tx.execute(
                    update(User).where(User.id == current_user.id)
                    .values(password_hash=new_hash, session_epoch=User.session_epoch + 1)
                    .returning(User.session_epoch)
                    .execution_options(synchronize_session=False)
                ).scalar_one()
            sessions.follow_new_password(epoch)  # every other session of the account ends
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
    sessions.init_app(app)
