"""Releases: the stored, audited snapshots every results surface reads (re-exported by
:mod:`ikzsurvey.models`). How one is made is :mod:`ikzsurvey.releases`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .models import today

RELEASE_STATUSES = ("queued", "running", "ready", "failed")


class Release(Base):
    """One survey's results over a set of closed waves, computed once, audited jointly with
    every earlier release of the survey, and stored: nothing in it changes once it is
    ``ready``. Viewers read the newest ready release over published waves only; organizers
    the one over the most waves, which may be an *interim* release that cut running waves.

    A queued or running release has no results yet; ``progress`` (percent) and
    ``heartbeat`` (UTC, while running) tell how far the job got and whether it is alive. The
    release's dates are the organizer's, never a respondent's.
    """

    __tablename__ = "survey_release"
    # Ids are never reused (SQLite: AUTOINCREMENT), so a process's cache of read releases,
    # keyed by id, cannot serve a deleted release for a new one.
    __table_args__ = (UniqueConstraint("survey_id", "number"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    #: 1, 2, … per survey, in the order they were requested.
    number: Mapped[int] = mapped_column(Integer)
    #: The ids of the waves it covers, ascending.
    wave_ids: Mapped[list[int]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    #: How its free text is partitioned (the survey's choice when it was requested).
    comment_partition: Mapped[str] = mapped_column(String(16), default="municipality",
                                                   server_default="municipality")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    requested_on: Mapped[dt.date] = mapped_column(Date, default=today)
    ready_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    heartbeat: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    #: What every surface shows (:func:`ikzsurvey.results.stored.dump`).
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True,
                                                            deferred=True)
    #: The cells the joint audit let it show, ``[[m, a, w], …]`` with ``null`` for "all":
    #: what later releases are audited against.
    shown: Mapped[list[list[int | None]] | None] = mapped_column(JSON, nullable=True,
                                                                deferred=True)
    #: An *interim* release: the waves it cut while they ran (it covers their responses
    #: up to then); empty or ``None`` for a release of closed waves.
    cut: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    #: An interim release's numbers as the audit modelled them, per shown cell (today's
    #: answers no longer give them) and what the survey page had shown of the cut waves:
    #: ``{"numbers": [...], "seen": {...}}`` (:mod:`ikzsurvey.results.interim`).
    interim: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True,
                                                            deferred=True)
    #: How the audit went: solves, seconds, cells hidden by it.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    @property
    def is_interim(self) -> bool:
        return bool(self.cut)
