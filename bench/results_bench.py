"""Results API vs. the SQL bound, timed in one process (run with the app's environment).

* ours: ``GET /api/v1/surveys/<id>/results?by=municipality,audience`` with the admin bearer
  token, through the Flask app in this process (authentication, scope, the stored release
  read and rebuilt, tables, JSON) — the whole request except the socket. Since results are
  releases, the API counts nothing: it reads the release bench/release_bench.py prepared
  after seeding (computing it is the ``release`` line). The app keeps a small results
  cache per process; it is emptied before every timed call, so each call reads the release
  from the database (the first request after a new release does exactly that). The time of
  a second, cached call is reported too.
* bound: one hand-written GROUP BY over the same answers (segment × question × value),
  run on a raw DB-API connection of the same engine, all rows fetched.

The two are interleaved (bound, ours, bound, ours, …) after one untimed call of each, and
the median of ``--repeat`` timings is reported. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from ikzsurvey import create_app
from ikzsurvey.db import db

BOUND_SQL = (
    "SELECT r.municipality_id, r.audience_id, r.wave_id, a.question_id, a.value_num, count(*) "
    "FROM answer a JOIN response r ON r.id = a.response_id "
    "WHERE r.survey_id = {p} "
    "GROUP BY r.municipality_id, r.audience_id, r.wave_id, a.question_id, a.value_num"
)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--survey", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--by", default="municipality,audience")
    args = ap.parse_args()

    app = create_app()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {args.token}"}
    url = f"/api/v1/surveys/{args.survey}/results?by={args.by}"
    cache = app.extensions["ikzsurvey.results_cache"]

    with app.app_context():
        engine = db.engine
    param = "?" if engine.dialect.name == "sqlite" else "%s"
    sql = BOUND_SQL.format(p=param)

    def bound() -> tuple[float, int]:
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            t0 = time.perf_counter()
            cur.execute(sql, (args.survey,))
            rows = cur.fetchall()
            elapsed = time.perf_counter() - t0
            cur.close()
            raw.rollback()
        finally:
            raw.close()
        return elapsed, len(rows)

    def ours(clear: bool = True) -> tuple[float, dict, int]:
        if clear:
            cache.clear()
        t0 = time.perf_counter()
        resp = client.get(url, headers=headers)
        elapsed = time.perf_counter() - t0
        if resp.status_code != 200:
            raise SystemExit(f"results API answered {resp.status_code}: {resp.data[:300]!r}")
        return elapsed, resp.get_json(), len(resp.data)

    bound()  # untimed: page cache, connection
    _, body, size = ours()  # untimed: imports, templates, first connection
    bound_times, our_times = [], []
    rows = 0
    for _ in range(args.repeat):
        t, rows = bound()
        bound_times.append(t)
        t, body, size = ours()
        our_times.append(t)
    warm = [ours(clear=False)[0] for _ in range(3)]

    total = next((r for r in body["responses"]
                  if r.get("municipality") in (None, "", "all", "Alle")
                  and r.get("audience") in (None, "", "all", "Alle")
                  and r.get("wave") in (None, "", "all", "Alle")), None)
    print(json.dumps({
        "ours_s": round(statistics.median(our_times), 4),
        "bound_s": round(statistics.median(bound_times), 4),
        "ours_all_s": [round(t, 4) for t in our_times],
        "bound_all_s": [round(t, 4) for t in bound_times],
        "ours_cached_s": round(statistics.median(warm), 4),
        "bound_rows": rows,
        "response_bytes": size,
        "questions": len(body["questions"]),
        "total_row": total,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
