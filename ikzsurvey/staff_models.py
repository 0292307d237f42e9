"""The staff's side of the domain: organizer and viewer accounts, API tokens and the audit
log (re-exported by :mod:`ikzsurvey.models`). Nothing here refers to respondents."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base
from .models import Cooperation, now, today


class User(UserMixin, Base):
    """An organizer (``admin``) or ``viewer`` account of one cooperation."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="viewer")
    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation.id", ondelete="CASCADE"), index=True
    )

    #: Consecutive failed sign-ins, and until when the account is locked after too many.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    #: Raised with every new password: a staff session signed in under an older value ends
    #: (ikzsurvey.auth.sessions), so a password change or reset ends every other session.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    cooperation: Mapped[Cooperation] = relationship()


API_ROLES = ("viewer", "admin")
#: How long an API token is valid unless ``create-token --days`` says otherwise, and at most.
API_TOKEN_DAYS = 90
API_TOKEN_MAX_DAYS = 366


def default_token_expiry() -> dt.date:
    return today() + dt.timedelta(days=API_TOKEN_DAYS)


class ApiToken(Base):
    """A bearer token for the JSON API of one cooperation. Only its hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(10), default="viewer")
    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(200), default="")
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
    #: The last day the token is accepted; organizers may revoke it sooner.
    expires_on: Mapped[dt.date] = mapped_column(Date, default=default_token_expiry)

    cooperation: Mapped[Cooperation] = relationship()


class AuditEntry(Base):
    """Who did what to which object of a cooperation, and when — staff actions only.

    Never holds respondent data: no answer, no token, no address.
    """

    __tablename__ = "audit_entry"
    # The log is read newest first per cooperation, and a repeated read looks up today's entry.
    __table_args__ = (Index("ix_audit_entry_cooperation_id_at", "cooperation_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    actor: Mapped[str] = mapped_column(String(254))  # e-mail, or "cli", or "token <id>"
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(300), default="")
    # Reads repeated by the same actor on the same day are one entry (ikzsurvey.audit):
    # how often, and when the last one was.
    times: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
