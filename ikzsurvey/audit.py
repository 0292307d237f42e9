"""The audit log: who created, opened, closed, published, exported or deleted what, and when.

Staff actions only — never an answer, a token or an address. Organizers of a cooperation
read the latest entries on their overview page and the whole log, paged and filtered, on
``/organize/audit`` (:mod:`ikzsurvey.organizer.audit_log`).

Reads (exports, API answers) can come many times a minute from a script. Repeated by the same
account or token, with the same object, on the same day (of the time zone the log is shown
in, ``BABEL_DEFAULT_TIMEZONE``), they are *summarised*: one
entry counts them (``times``) and keeps the time of the last (``last_at``), so that polling
cannot push every other action out of view, and still says who read what, how often and until
when.
"""

from __future__ import annotations

import datetime as dt

from flask import has_request_context
from flask_babel import get_timezone
from flask_login import current_user
from pytz import UTC  # the time zones of Flask-Babel (pytz)
from sqlalchemy import select, update

from .db import write_transaction
from .kinds import clean_text
from .models import AuditEntry, now


def utc_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in the time zone the log is shown in, as the log's naive UTC."""
    local = (get_timezone() or UTC).localize(dt.datetime.combine(day, dt.time()))
    return local.astimezone(UTC).replace(tzinfo=None)


def local_day(moment: dt.datetime) -> dt.date:
    """The day a naive UTC time falls on in the time zone the log is shown in."""
    return UTC.localize(moment).astimezone(get_timezone() or UTC).date()


def actor() -> str:
    """Who acts: the signed-in account's e-mail, an API token, or the command line."""
    if has_request_context() and current_user.is_authenticated:
        if current_user.get_id() is None:
            return f"API token {current_user.token_id}"
        return current_user.email
    return "command line"


def audit(cooperation_id: int, action: str, target: str = "", summarise: bool = False) -> None:
    """Record one action in its own short transaction; with ``summarise`` (reads), count it
    in today's entry of the same actor, action and object if there is one."""
    who, what, moment = actor()[:254], clean_text(target)[:300], now()
    with write_transaction() as session:
        if summarise:
            # One statement: count the read in today's entry, if there is one.
            midnight = utc_midnight(local_day(moment))
            today = (
                select(AuditEntry.id)
                .where(AuditEntry.cooperation_id == cooperation_id, AuditEntry.at >= midnight,
                       AuditEntry.actor == who, AuditEntry.action == action,
                       AuditEntry.target == what)
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(1)
                .scalar_subquery()
            )
            counted = session.execute(
                update(AuditEntry).where(AuditEntry.id == today)
                .values(times=AuditEntry.times + 1, last_at=moment)
                .execution_options(synchronize_session=False)
            )
            if counted.rowcount:
                return
        session.add(AuditEntry(cooperation_id=cooperation_id, at=moment, actor=who,
                               action=action, target=what))
