"""The benchmark's lines on seeded data: ``results``, ``memory``, ``release-read`` and
``release`` (see docs/performance.md).

For each size the results survey is seeded up to that many responses (bench/seed.py, plain
SQL), then its release is prepared (bench/release_bench.py ``prepare``: the old one deleted,
a new one computed and stored — the surfaces read nothing else), then the lines due at that
size run (:func:`line_plan`).
"""

from __future__ import annotations

import sys
import time
import urllib.request
from pathlib import Path

from bench import seed as seeding
from bench.common import Database, Gunicorn, free_port, log, rss_kib, run_json
from bench.lines import emit, judged, ratio

RESULTS_TARGET = 1.5
MEMORY_BUDGET_MB = 200.0
RELEASE_TARGET = 2.0
RELEASE_READ_TARGET = 2.0
OUR_APP = "ikzsurvey:create_app()"
#: The lines on seeded data, in the order they run at one size.
SEEDED_LINES = ("results", "memory", "release-read", "release")
#: The lines that read the stored release (so it is prepared first at their sizes).
READING_LINES = frozenset({"results", "memory", "release-read"})


def line_plan(sizes, only, release_sizes, read_sizes, memory_size) -> dict[int, list[str]]:
    """Size → the lines that run at it, in order: ``results`` at every size, ``memory`` at
    its own, ``release-read`` at ``read_sizes``, ``release`` at ``release_sizes``; only
    those in ``only``. Sizes at which nothing runs are left out (nothing is seeded for
    them)."""
    plan = {}
    for size in sorted(set(sizes)):
        due = {"results": True, "memory": size == memory_size,
               "release-read": size in read_sizes, "release": size in release_sizes}
        names = [name for name in SEEDED_LINES if due[name] and name in only]
        if names:
            plan[size] = names
    return plan


def results_phase(db: Database, info: dict, args) -> None:
    survey = info["surveys"]["results"]
    plan = line_plan(args.sizes, args.only, args.release_sizes, args.read_sizes,
                     args.memory_size)
    seed_seconds = 0.0
    for size, names in plan.items():
        log(f"{db.kind}: seeding to {size} responses")
        s = seeding.seed(db, survey, size)
        seed_seconds += s["seconds"]
        log(f"{db.kind}: seeded +{s['added']} in {s['seconds']} s")
        prepared = None
        if READING_LINES.intersection(names):
            log(f"{db.kind}: preparing the release at {size}")
            prepared = run_json([sys.executable, "-m", "bench.release_bench", "prepare",
                                 "--survey", str(survey["id"])], env=db.env(), timeout=7200)
            log(f"{db.kind}: release {prepared['release']} prepared in "
                f"{prepared['prepared_in_s']} s: {prepared['summary']}")
        for name in names:
            log(f"{db.kind}: {name} at {size}")
            if name == "results":
                results_line(db, info, args, size, prepared,
                             {"seeded_in_s": s["seconds"],
                              "seeded_total_s": round(seed_seconds, 1)})
            elif name == "memory":
                memory_phase(db, info, size)
            elif name == "release-read":
                release_read_lines(db, info, args, size, prepared)
            else:
                release_line(db, info, args, size)


def results_line(db: Database, info: dict, args, size: int, prepared: dict,
                 seeded: dict) -> None:
    survey = info["surveys"]["results"]
    res = run_json([sys.executable, "-m", "bench.results_bench", "--survey", str(survey["id"]),
                    "--token", info["token"], "--repeat", str(args.repeat)],
                   env=db.env(), timeout=7200)
    r = ratio(res["ours_s"], res["bound_s"])
    emit({
        "name": "results", "database": db.kind, "unit": "s",
        "ours": res["ours_s"], "reference": res["bound_s"], "ratio": r,
        "better": "lower", "target": RESULTS_TARGET,
        "met": bool(r is not None and r <= RESULTS_TARGET),
        "responses": size, "answers": size * 20, "by": "municipality,audience",
        "repeat": args.repeat, "ours_all_s": res["ours_all_s"],
        "reference_all_s": res["bound_all_s"], "ours_cached_s": res["ours_cached_s"],
        "response_bytes": res["response_bytes"], "bound_rows": res["bound_rows"],
        "release_prepared_in_s": prepared["prepared_in_s"],
        **seeded,
    })


def release_read_lines(db: Database, info: dict, args, size: int, prepared: dict) -> None:
    """Two lines against the same lookup: the API (``surface: api``) and the dashboard. A
    surface that failed has ``ours`` null, ``met`` false and its ``error``."""
    survey = info["surveys"]["results"]
    res = run_json([sys.executable, "-m", "bench.release_read_bench",
                    "--survey", str(survey["id"]), "--token", info["token"],
                    "--email", info["account"]["email"], "--repeat", str(args.read_repeat)],
                   env=db.env(BENCH_ADMIN_PASSWORD=info["account"]["password"]), timeout=3600)
    for surface, path in (("api", f"/api/v1/surveys/{survey['id']}/results"
                                  "?by=municipality,audience"),
                          ("dashboard", f"/results/{survey['id']}/")):
        emit({
            "name": "release-read", "database": db.kind, "unit": "s",
            **judged(res[f"{surface}_s"], res["reference_s"], "lower", RELEASE_READ_TARGET),
            "surface": surface, "path": path, "responses": size,
            "release_wave_ids": prepared["wave_ids"], "repeat": args.read_repeat,
            "ours_all_s": res[f"{surface}_all_s"], "reference_all_s": res["reference_all_s"],
            "ours_cached_s": res[f"{surface}_cached_s"],
            "response_bytes": res[f"{surface}_bytes"], "error": res[f"{surface}_error"],
            "release_bytes": prepared["results_bytes"],
            "reader": ("admin bearer token" if surface == "api"
                       else "organizer account, signed in through the login form"),
            "reference_name": "SELECT results FROM survey_release WHERE id = ?, "
                              "raw DB-API connection, row fetched and JSON-decoded",
        })


def release_line(db: Database, info: dict, args, size: int) -> None:
    survey = info["surveys"]["results"]
    res = run_json([sys.executable, "-m", "bench.release_bench", "build",
                    "--survey", str(survey["id"]), "--repeat", str(args.repeat)],
                   env=db.env(), timeout=7200)
    emit({
        "name": "release", "database": db.kind, "unit": "s",
        **judged(res["ours_s"], res["bound_s"], "lower", RELEASE_TARGET),
        "responses": size, "release_wave_ids": res["wave_ids"],
        "release_responses": res["responses"], "repeat": args.repeat,
        "counting_s": res["counting_s"], "audit_s": res["audit_s"],
        "rest_s": (round(res["ours_s"] - res["counting_s"] - res["audit_s"], 4)),
        "ours_all_s": res["ours_all_s"], "reference_all_s": res["bound_all_s"],
        "counting_all_s": res["counting_all_s"], "audit_all_s": res["audit_all_s"],
        "solves": res["solves"], "shown": res["shown"],
        "hidden_by_audit": res["hidden_by_audit"], "comment_parts": res["comment_parts"],
        "release_bytes": res["results_bytes"],
        "reference_name": "release_counts.atom_counts for the same waves (the GROUP BYs)",
    })


def memory_phase(db: Database, info: dict, size: int) -> None:
    """Peak RSS (VmHWM) of the gunicorn workers: over their life, and while serving results.

    A worker's lifetime peak may be set at start-up; to see what serving the results adds,
    the peak is reset after start-up (``echo 5 > /proc/<pid>/clear_refs``, Linux ≥ 4.0) and
    read again after the requests. ``ours`` is the lifetime peak (the larger of the two).
    """
    survey = info["surveys"]["results"]
    url_path = f"/api/v1/surveys/{survey['id']}/results?by=municipality,audience"
    with Gunicorn(OUR_APP, db.env(), 2, free_port(), db.workdir / f"gunicorn-mem-{db.kind}.log",
                  timeout=1800) as server:
        pids = server.workers()
        startup = {pid: rss_kib(pid) for pid in pids}
        reset = True
        for pid in pids:
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                reset = False
        times = []
        # Sequential calls; each worker reads the release once (its own cache), then hits.
        for _ in range(4):
            req = urllib.request.Request(server.base + url_path,
                                         headers={"Authorization": f"Bearer {info['token']}"})
            t0 = time.perf_counter()
            with urllib.request.urlopen(req, timeout=1800) as resp:
                resp.read()
                status = resp.status
            times.append(round(time.perf_counter() - t0, 3))
            if status != 200:
                raise RuntimeError(f"results API {status}")
        after = {pid: rss_kib(pid) for pid in pids}
    mb = lambda kib: round(kib / 1024, 1)  # noqa: E731
    startup_peak = max(v["VmHWM"] for v in startup.values())
    serving_peak = max(v["VmHWM"] for v in after.values())
    peak_mb = mb(max(startup_peak, serving_peak))
    r = ratio(peak_mb, MEMORY_BUDGET_MB)
    emit({
        "name": "memory", "database": db.kind, "unit": "MB",
        "ours": peak_mb, "reference": MEMORY_BUDGET_MB, "ratio": r,
        "better": "lower", "target": 1.0, "met": bool(r is not None and r < 1.0),
        "responses": size, "workers": 2, "measure": "max VmHWM of the workers (lifetime)",
        "reference_name": "budget: 200 MB per worker",
        "startup_peak_mb": mb(startup_peak),
        "serving_peak_mb": mb(serving_peak) if reset else None,
        "rss_before_mb": mb(max(v["VmRSS"] for v in startup.values())),
        "rss_after_mb": mb(max(v["VmRSS"] for v in after.values())),
        "http_s": times,
    })


def default_release_sizes(sizes) -> list[int]:
    """The two largest sizes (full run: 100k and 1M; quick: 1k and 10k)."""
    return sorted(set(sizes))[-2:]
