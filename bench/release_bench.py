"""Releases of the seeded survey: prepare the one the surfaces read (run with the app's
environment; prints one JSON line).

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
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from sqlalchemy import delete, select

from ikzsurvey import create_app
from ikzsurvey.db import db, write_transaction
from ikzsurvey.models import Release
from ikzsurvey.results import releases


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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("action", choices=["prepare"])
    ap.add_argument("--survey", type=int, required=True)
    args = ap.parse_args(argv)
    app = create_app()
    with app.app_context():
        out = prepare(args.survey)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
