"""Releases: how a survey's results are computed once, audited jointly, stored and chosen.

Every results surface — dashboard, question pages, charts, exports, the API, plugin scores,
public summaries — reads a stored :class:`~ikzsurvey.models.Release`, never the answers.
A release covers a set of **closed** waves; the organizer's view is one over every closed
wave, the viewers' one over the published waves (often the same release). When either set
changes — a wave closes, a wave is published or withdrawn — :func:`prepare` queues the
release that is missing and starts computing it:

1. the counts of every segment of its waves and of every earlier release's waves, in the
   database (:func:`.release_counts.atom_counts`, GROUP BY);
2. the joint audit (:func:`.release_audit.audit_survey`) over the release's cells together
   with everything the survey's earlier releases showed: it decides which cells may show;
3. the numbers of those cells (:func:`.service.survey_results`), stored as JSON
   (:mod:`.stored`).

The audit can take a minute on an unlucky survey, so it runs in a background thread of the
process that queued it (or inline: ``RELEASES_INLINE``, and the ``ikzsurvey release``
command). Its progress and a heartbeat are written as it goes; a job whose heartbeat is
older than :data:`STALE` (its process died) is taken over by the next :func:`run_queued`.
Releases of one survey are computed one after the other, in the order they were queued,
so each is audited against every one before it. Until a release is ready, every surface
shows the newest ready release its reader may see (:func:`current`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Sequence

from flask import current_app
from sqlalchemy import select, update

from ..db import autocommit_engine, db, is_sqlite, write_transaction
from ..models import OpenLink, Release, Survey, Wave, now, today
from ..surveys import pinned_question_sets, registry
from . import stored
from .comment_parts import DEFAULT_PARTITION, choose_parts
from . import interim
from .release_audit import audit_survey, bounded_segments
from .release_counts import atom_counts, view_of
from .service import FREE_TEXT_MINIMUM, survey_results

logger = logging.getLogger(__name__)

#: A running release whose heartbeat is older than this is taken to be dead.
STALE = dt.timedelta(minutes=5)
#: Progress and heartbeat are written at most this often (seconds).
HEARTBEAT_SECONDS = 2.0


def wanted(survey: Survey) -> list[tuple[int, ...]]:
    """The wave sets the survey's readers see: every closed wave (organizers), the published
    ones (viewers); empty sets left out."""
    closed = tuple(sorted(w.id for w in survey.waves if w.status == "closed"))
    published = tuple(sorted(w.id for w in survey.waves if w.status == "closed" and w.published))
    return [waves for waves in dict.fromkeys((closed, published)) if waves]


def _releases(survey_id: int) -> list[Release]:
    return db.session.scalars(
        select(Release).where(Release.survey_id == survey_id).order_by(Release.number)
    ).all()


def request(survey_id: int) -> list[int]:
    """Queue the releases the survey's readers lack (a failed one is queued again); returns
    the ids of the releases queued or running."""
    with write_transaction() as session:
        # One request per survey at a time (PostgreSQL: the survey's row lock; SQLite: the
        # write lock): the release numbers stay unique.
        survey = session.scalar(select(Survey).where(Survey.id == survey_id).with_for_update())
        if survey is None:
            return []
        existing = _releases(survey_id)
        partition = survey.comment_partition
        for waves in wanted(survey):
            same = [r for r in existing if tuple(r.wave_ids) == waves
                    and r.comment_partition == partition and not r.is_interim]
            if any(r.status != "failed" for r in same):
                continue
            if same:
                same[-1].status, same[-1].error, same[-1].progress = "queued", None, 0
                continue
            release = Release(survey_id=survey_id, wave_ids=list(waves), status="queued",
                              number=max((r.number for r in existing), default=0) + 1,
                              progress=0, comment_partition=partition)
            session.add(release)
            existing.append(release)
        session.flush()
        return [r.id for r in existing if r.status in ("queued", "running")]


def request_interim(survey_id: int) -> Release | None:
    """Queue an interim release that cuts the survey's running waves (with its closed
    ones), unless one is queued or running already; ``None`` when no wave runs."""
    with write_transaction() as session:
        survey = session.scalar(select(Survey).where(Survey.id == survey_id).with_for_update())
        running = sorted(w.id for w in survey.waves if w.status == "open") if survey else []
        if not running:
            return None
        existing = _releases(survey_id)
        waiting = [r for r in existing if r.is_interim and r.status in ("queued", "running")]
        if waiting:
            return waiting[-1]
        waves = sorted(w.id for w in survey.waves if w.status in ("open", "closed"))
        release = Release(survey_id=survey_id, wave_ids=waves, cut=running, status="queued",
                          number=max((r.number for r in existing), default=0) + 1,
                          progress=0, comment_partition=survey.comment_partition)
        session.add(release)
        session.flush()
        return release


def cut_waves(survey: Survey) -> set[int]:
    """The running waves an interim release cut or is about to: the survey page shows
    their participation from that release only."""
    return {w for r in _releases(survey.id) if r.is_interim and r.status != "failed"
            for w in r.cut}


def prepare(survey_id: int) -> list[int]:
    """Queue what is missing (:func:`request`) and start computing it; returns the ids of
    the releases not ready yet."""
    if not request(survey_id):
        return []
    start(survey_id)
    db.session.expire_all()
    return [r.id for r in _releases(survey_id) if r.status in ("queued", "running")]


def start(survey_id: int) -> None:
    """Compute the survey's queued releases: in a background thread of this process, or
    right now with ``RELEASES_INLINE``."""
    app = current_app._get_current_object()
    if app.config.get("RELEASES_INLINE"):
        run_queued(survey_id)
        return
    thread = threading.Thread(target=_work, args=(app, survey_id), daemon=True,
                              name=f"ikzsurvey-release-{survey_id}")
    thread.start()


def _work(app, survey_id: int) -> None:
    with app.app_context():
        try:
            run_queued(survey_id)
        except Exception:  # logged; the release says "failed" or is taken over when stale
            logger.exception("computing the releases of survey %s failed", survey_id)
        finally:
            db.session.remove()


def run_queued(survey_id: int) -> int:
    """Compute the survey's queued (and stale running) releases in order; returns how many
    this call computed. Another process at it already: nothing to do here."""
    done = 0
    while (release_id := _claim(survey_id)) is not None:
        _run(release_id)
        done += 1
    return done


def stale(release: Release) -> bool:
    """Whether a running release's job has given no sign of life for :data:`STALE`."""
    return release.heartbeat is None or release.heartbeat < now() - STALE


def _claim(survey_id: int) -> int | None:
    with write_transaction() as session:
        session.scalar(select(Survey.id).where(Survey.id == survey_id).with_for_update())
        for release in _releases(survey_id):
            if release.status == "running" and not stale(release):
                return None  # another job is at it; the later ones wait for it
            if release.status in ("queued", "running"):
                release.status, release.heartbeat, release.progress = "running", now(), 0
                return release.id
    return None


def _run(release_id: int) -> None:
    release = db.session.get(Release, release_id)
    survey = db.session.get(Survey, release.survey_id)
    earlier = [r for r in _releases(survey.id) if r.status == "ready"]
    beat = _Heartbeat(release_id)
    try:
        results, shown, summary, interim = build(
            survey, tuple(release.wave_ids), earlier, beat,
            partition=release.comment_partition, cut=tuple(release.cut or ()))
    except Exception as exc:
        logger.exception("release %s of survey %s failed", release.number, survey.id)
        db.session.rollback()
        with write_transaction() as session:
            failed = session.get(Release, release_id)
            failed.status, failed.heartbeat = "failed", None
            failed.error = f"{type(exc).__name__}: {exc}"[:2000]
        return
    with write_transaction() as session:
        ready = session.get(Release, release_id)
        ready.results, ready.shown, ready.summary = results, shown, summary
        ready.interim = interim
        ready.status, ready.progress, ready.heartbeat = "ready", 100, None
        ready.ready_on = today()
    logger.info("release %s of survey %s ready: %s", release.number, survey.id, summary)


class _Heartbeat:
    """The audit's progress callback: writes progress and heartbeat now and then, in a
    statement of its own (the computation's transaction stays a reader)."""

    def __init__(self, release_id: int) -> None:
        self.release_id = release_id
        self.last = 0.0
        self.percent = 0

    def __call__(self, done: int, steps: int) -> None:
        # Counting and storing are quick; the audit is most of the time: 5 … 95 %.
        percent = max(self.percent, min(95, 5 + 90 * done // max(steps, 1)))
        if time.monotonic() - self.last < HEARTBEAT_SECONDS and percent < 95:
            return
        self.last, self.percent = time.monotonic(), percent
        with autocommit_engine().connect() as connection:
            connection.execute(update(Release).where(Release.id == self.release_id)
                               .values(progress=percent, heartbeat=now()))


def build(survey: Survey, wave_ids: tuple[int, ...], earlier: Sequence[Release],
          progress=None, partition: str = DEFAULT_PARTITION,
          cut: tuple[int, ...] = ()) -> tuple[dict, list, dict, dict | None]:
    """Count, audit and summarise one release (see the module docs): its stored results,
    the cells it shows, how the audit went and, for an interim release that ``cut``
    running waves, what later audits need of it (:mod:`.interim`). An interim release
    shows no free text: its comments are not reviewed yet."""
    started = time.perf_counter()
    if cut and not is_sqlite():
        # One snapshot for every count of waves that are still answered (on SQLite the
        # session's transaction is one already).
        db.session.commit()
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    sets = pinned_question_sets(survey)
    kinds = {}
    for qs in sets:
        for question in qs.questions:
            kinds[(qs.id, question.id)] = (question, registry().kind_of(question).aggregation)
    k = survey.min_group_size
    every = sorted(set(wave_ids).union(*(r.wave_ids for r in earlier)))
    fine = atom_counts(survey.id, kinds, every)
    before = [interim.earlier(r, fine) for r in earlier]
    counted = time.perf_counter()
    waves = [w for w in survey.waves if w.id in set(wave_ids)]
    dimensions = (tuple(m.id for m in survey.municipalities),
                  tuple(a.id for a in survey.audiences), tuple(w.id for w in waves))
    open_segments = open_link_segments(survey.id)
    aggregations = {key: aggregation for key, (_q, aggregation) in kinds.items()}
    audit = audit_survey(fine, dimensions, aggregations, k, open_segments, before, progress,
                         participation_seen=True)
    results = survey_results(survey, registry(), waves=waves, question_sets=sets,
                             released=view_of(fine, kinds, k, wave_ids), audited=audit.shown)
    texts = [r for r in results.questions if r.aggregation == "text"] if not cut else []
    results.comment_partition = partition
    results.comments = choose_parts(
        survey.id, partition, dimensions, [r.key for r in texts],
        # A part's list tells how many wrote a comment in its cell: the audit modelled
        # that number in every cell it let through.
        {(r.key, cell) for r in texts for cell in audit.shown},
        max(k, FREE_TEXT_MINIMUM),
        [part for r in earlier for part in stored.comment_parts(r.results)])
    summary = {
        "counting_seconds": round(counted - started, 3),
        "audit_seconds": round(audit.seconds, 3),
        "solves": audit.solves,
        "shown": len(audit.shown),
        "hidden_by_audit": len(audit.hidden_by_audit),
        "earlier_releases": [e.label for e in before],
        "comment_parts": len(results.comments),
    }
    shown = sorted(([*cell] for cell in audit.shown), key=repr)
    kept = None
    if cut:
        kept = {"numbers": interim.dump_numbers(audit.published),
                "seen": interim.dump_seen(audit.participation, cut),
                "bounded": [[*s] for s in bounded_segments(fine, cut, open_segments)]}
    return stored.dump(results), shown, summary, kept


def open_link_segments(survey_id: int) -> set[tuple[int, int]]:
    """The (municipality, audience) pairs that have an open link, on or off: their
    responses are not bounded by their invitations (a link switched off may have been
    answered before)."""
    return {(m, a) for m, a in db.session.execute(
        select(OpenLink.municipality_id, OpenLink.audience_id)
        .where(OpenLink.survey_id == survey_id))}


def current(survey: Survey, waves: Sequence[Wave], interim: bool = False) -> Release | None:
    """The ready release over the most of these waves (those the reader may see), the
    newest of those: an organizer keeps every closed wave while the viewers' newer release
    covers only the published ones. Interim releases (organizers only) with ``interim``."""
    allowed = {w.id for w in waves}
    ready = db.session.scalars(
        select(Release).where(Release.survey_id == survey.id, Release.status == "ready")
        .order_by(Release.number)).all()
    found = None
    for release in ready:
        if release.is_interim and (not interim or _superseded(release, ready)):
            continue
        if set(release.wave_ids) <= allowed and (
                found is None or len(release.wave_ids) >= len(found.wave_ids)):
            found = release
    return found


def _superseded(release: Release, ready: Sequence[Release]) -> bool:
    """Whether a later release covers a wave this interim one cut, closed."""
    return any(not later.is_interim and later.number > release.number
               and set(later.wave_ids) & set(release.cut) for later in ready)


def all_of(survey: Survey) -> list[Release]:
    """The survey's releases, in order: what :func:`missing` and :func:`pending` read."""
    return _releases(survey.id)


def missing(survey: Survey, releases: Sequence[Release] | None = None) -> bool:
    """Whether a wave set the survey's readers see has no ready release, and none queued,
    running or failed either (waves closed before releases existed). ``releases``: the
    survey's releases (:func:`all_of`), when the caller has them."""
    releases = _releases(survey.id) if releases is None else releases
    known = {(tuple(r.wave_ids), r.comment_partition) for r in releases
             if not r.is_interim}
    return any((waves, survey.comment_partition) not in known for waves in wanted(survey))


def pending(survey: Survey, releases: Sequence[Release] | None = None) -> list[Release]:
    """The survey's releases being computed or queued, and failed ones not yet replaced."""
    releases = _releases(survey.id) if releases is None else releases
    ready = {tuple(r.wave_ids) for r in releases if r.status == "ready" and not r.is_interim}
    newest = max((r.number for r in releases if r.status == "ready"), default=0)
    # A failed interim release is not taken again by itself: it shows until a later one.
    return [r for r in releases
            if r.status in ("queued", "running")
            or (r.status == "failed" and not r.is_interim and tuple(r.wave_ids) not in ready)
            or (r.status == "failed" and r.is_interim and r.number > newest)]


def load(release: Release, survey: Survey):
    """The stored results of a ready release (:func:`.stored.load`)."""
    return stored.load(release.results, pinned_question_sets(survey), registry())
