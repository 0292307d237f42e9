"""Releases of the seeded survey: prepare the one the surfaces read, and time computing one
(run with the app's environment; prints one JSON line).

``prepare --survey ID``
    Deletes the survey's releases (table ``survey_release``), then queues and computes the
    missing ones here and now (``releases.request`` + ``releases.run_queued``, what
    ``ikzsurvey release --survey ID`` does). The seeder writes rows with plain SQL into the
    closed wave, and a release never changes once it is ready: without deleting it, the
    release of the previous, smaller size would stay the one every surface reads (and
    ``request`` would queue nothing, since the closed waves have one). The bench deletes
    rather than seeding each size into a fresh closed wave or survey because seeding is
    incremental (10k → 100k → 1M reuses the rows, 1M instead of 1.11M inserted) and because
    a fresh wave would be audited jointly with the releases of the waves before it, so each
    size would measure a different audit. After deleting, each size's release is the
    survey's first, over the same closed wave — what a survey's first release at that size
    costs.

``build --survey ID --repeat R``
    *ours*: ``releases.build`` for the organizer's waves (every closed wave) with no earlier
    release — count (the GROUP BYs), the joint audit, the summary of what the audit lets
    through and the free-text parts; the JSON payload is built but not stored. *reference*:
    the GROUP BYs alone, ``release_counts.atom_counts`` for the same waves. Interleaved
    (reference, ours, …) ``R`` times; medians. No untimed call first: the ``prepare`` just
    before read the same rows, and at 1M an extra call costs half a minute; the median of
    three leaves out a slower first call. Build's own summary gives counting and audit
    seconds of each call.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from sqlalchemy import delete, func, select

from ikzsurvey import create_app
from ikzsurvey.db import db, write_transaction
from ikzsurvey.models import Release, Response, Survey
from ikzsurvey.results import releases
from ikzsurvey.results.release_counts import atom_counts
from ikzsurvey.surveys import pinned_question_sets, registry

from .lines import median


def prepare(survey_id: int) -> dict:
    with write_transaction() as session:
        deleted = session.execute(delete(Release).where(Release.survey_id == survey_id))
    t0 = time.perf_counter()
    releases.request(survey_id)
    done = releases.run_queued(survey_id)
    seconds = time.perf_counter() - t0
    db.session.expire_all()
    rows = db.session.scalars(select(Release).where(Release.survey_id == survey_id)
                              .order_by(Release.number)).all()
    failed = [r for r in rows if r.status != "ready"]
    if failed or not rows:
        raise SystemExit(f"survey {survey_id}: releases not ready: "
                         f"{[(r.number, r.status, r.error) for r in failed]}")
    newest = rows[-1]
    return {
        "deleted": deleted.rowcount, "computed": done, "release": newest.id,
        "wave_ids": newest.wave_ids, "prepared_in_s": round(seconds, 3),
        "summary": newest.summary, "results_bytes": len(json.dumps(newest.results)),
    }


def question_kinds(survey: Survey) -> dict:
    """Question key → (question, aggregation), as ``releases.build`` makes it."""
    kinds = {}
    for qs in pinned_question_sets(survey):
        for question in qs.questions:
            kinds[(qs.id, question.id)] = (question, registry().kind_of(question).aggregation)
    return kinds


def time_build(survey_id: int, repeat: int) -> dict:
    survey = db.session.get(Survey, survey_id)
    wave_ids = releases.wanted(survey)[0]  # every closed wave: the organizer's release
    kinds = question_kinds(survey)
    ours, reference, counting, audit, summaries = [], [], [], [], []
    payload = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        atom_counts(survey.id, kinds, wave_ids)
        reference.append(time.perf_counter() - t0)
        db.session.rollback()
        t0 = time.perf_counter()
        payload, _shown, summary = releases.build(survey, wave_ids, [], None)
        ours.append(time.perf_counter() - t0)
        db.session.rollback()
        counting.append(summary["counting_seconds"])
        audit.append(summary["audit_seconds"])
        summaries.append(summary)
    last = summaries[-1]
    return {
        "ours_s": median(ours), "bound_s": median(reference),
        "counting_s": median(counting), "audit_s": median(audit),
        "ours_all_s": [round(t, 4) for t in ours],
        "bound_all_s": [round(t, 4) for t in reference],
        "counting_all_s": counting, "audit_all_s": audit,
        "wave_ids": list(wave_ids), "responses": db.session.scalar(
            select(func.count()).select_from(Response)
            .where(Response.survey_id == survey_id, Response.wave_id.in_(wave_ids))),
        "solves": last["solves"], "shown": last["shown"],
        "hidden_by_audit": last["hidden_by_audit"], "comment_parts": last["comment_parts"],
        "results_bytes": len(json.dumps(payload)),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("action", choices=["prepare", "build"])
    ap.add_argument("--survey", type=int, required=True)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    app = create_app()
    with app.app_context():
        out = (prepare(args.survey) if args.action == "prepare"
               else time_build(args.survey, args.repeat))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
