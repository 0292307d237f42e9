"""Reading a stored release: the API and the dashboard vs. a primary-key lookup of the same
release, timed in one process (run with the app's environment; prints one JSON line).

* ours (API): ``GET /api/v1/surveys/<id>/results?by=municipality,audience`` with the admin
  bearer token through the Flask test client — authentication, the scope (which release
  the reader sees), reading the release's row, rebuilding the results from its JSON
  (``releases.load``: plugin scores computed again), the tables and the JSON answer. The
  per-process results cache is emptied before every timed call, so each call reads and
  rebuilds the release.
* ours (dashboard): ``GET /results/<id>/`` as the organizer, signed in through the login
  form with the bench's admin account (``ikzsurvey create-user``; the password comes in
  ``BENCH_ADMIN_PASSWORD``), cache emptied likewise: the same reading plus the dashboard's
  analysis (agreement, importance-performance, released comments) and its template.
* reference: ``SELECT results FROM survey_release WHERE id = ?`` on a raw DB-API
  connection of the same engine, the row fetched and its JSON decoded (psycopg decodes a
  ``json`` column itself; SQLite's text is decoded with ``json.loads``).

One untimed call of each, then ``--repeat`` rounds of reference, API, dashboard; medians.
The cached figures (the same calls answered from the results cache) are reported too. A
surface that answers other than 200 is not timed: its error (status, exception) is in the
output, and the others are still measured.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time

from flask import got_request_exception
from sqlalchemy import select

from ikzsurvey import create_app
from ikzsurvey.db import db
from ikzsurvey.models import Release

from .lines import median

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def sign_in(client, email: str, password: str) -> None:
    """Through the login form, as a browser does (its token is the page's last one)."""
    tokens = CSRF.findall(client.get("/login").get_data(as_text=True))
    if not tokens:
        raise SystemExit("the sign-in page has no CSRF token")
    answer = client.post("/login", data={"email": email, "password": password,
                                         "csrf_token": tokens[-1]})
    if answer.status_code != 302:
        raise SystemExit(f"signing in as {email} answered {answer.status_code}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--survey", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--email", required=True)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--by", default="municipality,audience")
    args = ap.parse_args(argv)

    app = create_app()
    cache = app.extensions["ikzsurvey.results_cache"]
    api_client = app.test_client()
    headers = {"Authorization": f"Bearer {args.token}"}
    api_url = f"/api/v1/surveys/{args.survey}/results?by={args.by}"
    dashboard_client = app.test_client()
    sign_in(dashboard_client, args.email, os.environ["BENCH_ADMIN_PASSWORD"])
    dashboard_url = f"/results/{args.survey}/"

    with app.app_context():
        engine = db.engine
        release_id = db.session.scalar(
            select(Release.id).where(Release.survey_id == args.survey,
                                     Release.status == "ready")
            .order_by(Release.number.desc()).limit(1))
        db.session.remove()
    if release_id is None:
        raise SystemExit(f"survey {args.survey} has no ready release")
    param = "?" if engine.dialect.name == "sqlite" else "%s"
    sql = f"SELECT results FROM survey_release WHERE id = {param}"

    def lookup() -> tuple[float, int]:
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            t0 = time.perf_counter()
            cur.execute(sql, (release_id,))
            value = cur.fetchone()[0]
            payload = json.loads(value) if isinstance(value, str | bytes) else value
            elapsed = time.perf_counter() - t0
            cur.close()
            raw.rollback()
        finally:
            raw.close()
        return elapsed, len(payload["questions"])

    errors: list[Exception] = []
    got_request_exception.connect(lambda _app, exception, **_kw: errors.append(exception), app,
                                  weak=False)

    def request(client, url, clear=True, **kwargs) -> tuple[float, int]:
        if clear:
            cache.clear()
        errors.clear()
        t0 = time.perf_counter()
        resp = client.get(url, **kwargs)
        elapsed = time.perf_counter() - t0
        if resp.status_code != 200:
            cause = f": {type(errors[0]).__name__}: {str(errors[0]).splitlines()[0][:300]}" \
                if errors else ""
            raise Failed(f"{url} answered {resp.status_code}{cause}")
        return elapsed, len(resp.data)

    def api(clear=True):
        return request(api_client, api_url, clear, headers=headers)

    def dashboard(clear=True):
        return request(dashboard_client, dashboard_url, clear)

    calls = {"reference": lookup, "api": api, "dashboard": dashboard}
    failed = {}
    for name, call in calls.items():  # untimed: connections, imports, templates
        try:
            call()
        except Failed as exc:  # reported in the line, the other surfaces still measured
            failed[name] = str(exc)
    if "reference" in failed:
        raise SystemExit(failed["reference"])
    calls = {name: call for name, call in calls.items() if name not in failed}
    times = {name: [] for name in calls}
    sizes = {}
    for _ in range(args.repeat):
        for name, call in calls.items():
            elapsed, sizes[name] = call()
            times[name].append(elapsed)
    cached = {name: [calls[name](clear=False)[0] for _ in range(3)]
              for name in ("api", "dashboard") if name in calls}
    out = {"release": release_id, "release_questions": sizes["reference"]}
    for name in ("reference", "api", "dashboard"):
        # Microseconds: the lookup takes a millisecond or so.
        out[f"{name}_s"] = median(times.get(name, []), 6)
        out[f"{name}_all_s"] = [round(t, 6) for t in times.get(name, [])]
        out[f"{name}_error"] = failed.get(name)
        if name != "reference":
            out[f"{name}_cached_s"] = median(cached.get(name, []), 6)
            out[f"{name}_bytes"] = sizes.get(name)
    print(json.dumps(out))
    return 0


class Failed(Exception):
    """A surface answered other than 200."""


if __name__ == "__main__":
    sys.exit(main())
