"""How long a staff session lasts, and what ends it.

A staff session (an organizer's or a viewer's, never a respondent's) ends

- after ``STAFF_IDLE_TIMEOUT`` (30 minutes) without a request — every page says when, and a
  dialog (``static/session.js``) warns two minutes before and offers to stay signed in
  without leaving the page, so nothing typed is lost (WCAG 2.2.1);
- ``STAFF_SESSION_LIFETIME`` (10 hours) after signing in, whatever happens meanwhile;
- as soon as the account gets a new password — changed by its owner, reset by an organizer
  or by ``create-user``: each of these raises ``User.session_epoch``, and a session signed in
  under an older value is over. The session that changed its own password takes the new value
  and goes on.

The session keeps three numbers: ``since`` (signed in), ``seen`` (last request) and
``epoch``. Checking them costs no query: the account is loaded for every staff request anyway.
"""

from __future__ import annotations

import datetime as dt
import time

from flask import Blueprint, abort, current_app, flash, jsonify, session
from flask_babel import format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

bp = Blueprint("staff_session", __name__)

#: The dialog warns this long before the idle sign-out (WCAG 2.2.1 asks for at least 20 s).
WARN_BEFORE = dt.timedelta(minutes=2)

ENDED = {
    "idle": _l("You were signed out after a while without activity. Please sign in again."),
    "lifetime": _l("Your sign-in has reached its maximum duration. Please sign in again."),
    "epoch": _l("The password of this account was changed, so you were signed out. "
                "Please sign in with the new password."),
}


def start(user) -> None:
    """Right after signing in: when, and under which password, this session began."""
    moment = time.time()
    session["since"] = session["seen"] = moment
    session["epoch"] = user.session_epoch or 0


def follow_new_password(epoch: int) -> None:
    """The session that set a new password stays signed in under it."""
    session["epoch"] = epoch


def _idle() -> float:
    return current_app.config["STAFF_IDLE_TIMEOUT"].total_seconds()


def _lifetime() -> float:
    return current_app.config["STAFF_SESSION_LIFETIME"].total_seconds()


def why_over(moment: float) -> str | None:
    """Why the current staff session is over, or ``None`` while it is not."""
    if session.get("epoch") != (current_user.session_epoch or 0):
        return "epoch"
    since, seen = session.get("since"), session.get("seen")
    if since is None or moment - since > _lifetime():
        return "lifetime"
    if seen is None or moment - seen > _idle():
        return "idle"
    return None


def check() -> object | None:
    """Before every request of a signed-in account: end the session if it is over, else
    count the request as activity."""
    if "_user_id" not in session:  # respondents and API tokens: no staff session to end
        return None
    if not current_user.is_authenticated or current_user.get_id() is None:
        return None
    moment = time.time()
    reason = why_over(moment)
    if reason is not None:
        logout_user()
        session.clear()
        from . import login_manager

        flash(ENDED[reason], "error")
        return login_manager.unauthorized()
    session["seen"] = moment
    return None


def remaining() -> tuple[float, bool]:
    """Seconds until the session ends if nothing happens, and whether that end is the
    absolute one (staying active would not help)."""
    moment = time.time()
    idle_end = session.get("seen", moment) + _idle()
    hard_end = session.get("since", moment) + _lifetime()
    return max(0.0, min(idle_end, hard_end) - moment), hard_end <= idle_end


def ends_at_text() -> str:
    """When the session ends, as a time of day in the reader's language and zone."""
    seconds, _ = remaining()
    return format_time(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds),
                       "short")


def expiry_info() -> dict:
    """What the pages and the dialog need: seconds left, the time of day, which end, and
    the sentence every page shows."""
    seconds, final = remaining()
    at = ends_at_text()
    if final:
        text = _("Your sign-in ends at %(time)s at the latest; save what you are working on "
                 "before then.", time=at)
    else:
        text = _("Without activity you will be signed out at %(time)s; every page you open "
                 "or send moves that time on.", time=at)
    return {"remaining": int(seconds), "ends_at": at, "final": final, "text": text,
            "warn_before": int(WARN_BEFORE.total_seconds())}


@bp.route("/account/session", methods=["POST"])
def stay_signed_in():
    """The dialog's "Stay signed in": this request is the activity (see :func:`check`).
    A session that is over is sent to sign in, as for every page."""
    from . import login_manager

    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.get_id() is None:  # an API token has no session to extend
        abort(403)
    return jsonify(signed_in=True, **expiry_info())


def init_app(app) -> None:
    app.before_request(check)
    app.register_blueprint(bp)
    app.jinja_env.globals["staff_session_info"] = expiry_info
