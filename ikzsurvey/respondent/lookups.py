"""What a journey's pages read about their survey, kept per process for a moment.

Every respondent request needs the same few facts: the open link (or the journey's survey
and wave) with the survey's texts and status, the wave's status, the segment's names and
the question set pins. They change rarely (an organizer edits, closes or deletes a survey,
disables a link), yet were read by one query on every request, three per journey.

Each process keeps what it made of the rows it read for :data:`DEFAULT_SECONDS`
(``RESPONDENT_CACHE_SECONDS``; 0 turns keeping off) and forgets all of it at once when this
process changes a survey, wave, open link, municipality, audience or pin through the
database session. A change made by another process (another worker or app node) is seen
within that time. Nothing is stored on the strength of what was kept: the response's own
statement checks that the survey and its wave are open (:mod:`ikzsurvey.submission`), so a
respondent who saw a page a moment after the survey closed is told so when sending it.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..lru import LRU
from ..models import Audience, Municipality, OpenLink, Survey, SurveyQuestionSet, Wave

#: Seconds a row set is kept (the setting ``RESPONDENT_CACHE_SECONDS``).
DEFAULT_SECONDS = 1.0
#: Values kept per process: one per open link and one per segment in use.
LIMIT = 4096
#: What the kept rows are read from; a change to any of them through the ORM forgets them.
WATCHED = (Survey, Wave, OpenLink, Audience, Municipality, SurveyQuestionSet)

T = TypeVar("T")

_generation = 0
_lock = threading.Lock()


def forget() -> None:
    """Forget every kept value, in every app of this process."""
    global _generation
    with _lock:
        _generation += 1


class Lookups(LRU[tuple, tuple]):
    """Values by key, each with the time it expires and the generation it was read in."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(LIMIT)
        self.seconds = seconds
        self.clock = clock

    def value(self, key: tuple, read: Callable[[], T],
              derived: Callable[[T], Iterable[tuple[tuple, object]]] | None = None) -> T:
        """The value kept for ``key``, or ``read()`` (and keep what it returned).

        ``derived(value)`` names further ``(key, value)`` pairs that a fresh read also
        answers; they are kept alongside, for no longer than the value they came from.
        """
        if self.seconds <= 0:
            return read()
        now = self.clock()
        kept = self.get(key)
        if kept is not None and kept[0] > now and kept[1] == _generation:
            return kept[2]
        generation = _generation  # before reading: a change meanwhile makes it stale
        value = read()
        expires = now + self.seconds
        self.put(key, (expires, generation, value))
        for other_key, other in derived(value) if derived is not None else ():
            self.put(other_key, (expires, generation, other))
        return value


def init_app(app) -> None:
    seconds = float(app.config.get("RESPONDENT_CACHE_SECONDS", DEFAULT_SECONDS))
    app.extensions["ikzsurvey.lookups"] = Lookups(seconds)


def kept_lookup(key: tuple, read: Callable[[], T],
                derived: Callable[[T], Iterable[tuple[tuple, object]]] | None = None) -> T:
    """:meth:`Lookups.value` of the current app."""
    return current_app.extensions["ikzsurvey.lookups"].value(key, read, derived)


def _touches_watched(objects) -> bool:
    return any(isinstance(obj, WATCHED) for obj in objects)


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context) -> None:
    if _touches_watched(itertools.chain(session.new, session.dirty, session.deleted)):
        session.info["ikzsurvey_forget_lookups"] = True
        forget()


@event.listens_for(Session, "do_orm_execute")
def _bulk_change(state) -> None:
    """``session.execute(update(Survey)…)`` and the like, which bypass the flush."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, WATCHED):
        state.session.info["ikzsurvey_forget_lookups"] = True
        forget()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _after_end(session) -> None:
    # Again at the end: another thread may have read and kept the rows as they were before
    # the change was committed (or those of a change rolled back) in the meantime.
    if session.info.pop("ikzsurvey_forget_lookups", False):
        forget()
