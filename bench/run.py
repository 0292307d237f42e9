"""ikzsurvey's benchmark: `make bench` (full) or `make bench ARGS=--quick` (CI smoke).

Prints one JSON object per line on stdout (progress goes to stderr), each with ``name``,
``database``, ``unit``, ``ours``, ``reference``, ``ratio`` (always ours ÷ reference),
``better`` ("higher"/"lower"), ``target`` (the ratio the line must reach), ``met`` and the
line's parameters. The lines (see docs/performance.md):

* ``submit``       ours vs. the peer (django-survey-and-report, gunicorn, 2 workers):
                   responses/s of N complete respondent journeys on C client threads;
* ``submit-bound`` ours vs. a bare WSGI app (bench/bound_app.py) serving a static copy of
                   our pages and inserting with plain SQL, under the same gunicorn settings;
* ``results``      the results API (reading the stored release) vs. one hand-written
                   GROUP BY over the answers, seconds, per size;
* ``memory``       peak RSS of a gunicorn worker serving the results, vs. the 200 MB budget;
* ``release-read`` the API and the dashboard served from a stored release vs. a primary-key
                   lookup of that release, at the largest size;
* ``release``      computing and auditing a release (``releases.build``) vs. its GROUP BYs
                   alone (``release_counts.atom_counts``), at the two largest sizes.

The last four are in bench/results_phases.py. Every database is created afresh: a new
SQLite file in the work folder, and the PostgreSQL database ``bench`` at 127.0.0.1:5432
(dropped and created; never ``test``; another name with ``--pg-database``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PG_DATABASE,
    PROJECT,
    VENV_BIN,
    Database,
    Gunicorn,
    checked_database_name,
    default_workdir,
    free_port,
    log,
    run_json,
)
from bench.lines import OUT, emit, ratio  # noqa: E402, F401 (ratio: used by the tests too)
from bench.load import Browser, combine, journey, run_load, warm_up  # noqa: E402
from bench.peer import Peer  # noqa: E402
from bench.results_phases import SEEDED_LINES, default_release_sizes, results_phase  # noqa: E402

MUNICIPALITIES = ("Bergheim", "Tannau", "Wiesenbach", "Kleinmühlen")
SUBMIT_TARGET_PEER = 5.0
SUBMIT_TARGET_BOUND = 0.5
OUR_APP = "ikzsurvey:create_app()"
BOUND_APP = "bench.bound_app:app"
#: The organizer's account the dashboard is read with (release-read).
ADMIN_EMAIL = "organizer@bench.example.org"
PHASES = ("submit", *SEEDED_LINES)


def ikzsurvey(db: Database, *args: str) -> str:
    proc = subprocess.run([str(VENV_BIN / "ikzsurvey"), *args], env=db.env(), cwd=PROJECT,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ikzsurvey {' '.join(args)} failed: {proc.stderr[-2000:]}")
    return proc.stdout


def prepare(db: Database) -> dict:
    """A fresh database with the schema, the cooperation, three surveys, an admin token and
    an organizer's account (its password is shown once, on the command's last line)."""
    log(f"{db.kind}: fresh database, init-db, surveys")
    db.reset()
    ikzsurvey(db, "init-db")
    ikzsurvey(db, "create-cooperation", "--name", "Benchmark",
              *[arg for m in MUNICIPALITIES for arg in ("--municipality", m)])
    info = run_json([sys.executable, "-m", "bench.app_setup", "Benchmark"], env=db.env())
    info["token"] = ikzsurvey(db, "create-token", "--role", "admin", "--label",
                              "bench").strip().splitlines()[-1]
    password = ikzsurvey(db, "create-user", "--email", ADMIN_EMAIL, "--role", "admin",
                         "--cooperation-name", "Benchmark").strip().splitlines()[-1]
    info["account"] = {"email": ADMIN_EMAIL, "password": password}
    return info


def count(db: Database, survey_id: int) -> tuple[int, int, int]:
    """(responses, answers, comments) stored for a survey."""
    con = db.connect()
    p = "?" if db.kind == "sqlite" else "%s"
    try:
        responses = con.execute(f"SELECT count(*) FROM response WHERE survey_id = {p}",
                                (survey_id,)).fetchone()[0]
        answers = con.execute(
            f"SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id "
            f"WHERE r.survey_id = {p}", (survey_id,)).fetchone()[0]
        comments = con.execute(f"SELECT count(*) FROM comment WHERE survey_id = {p}",
                               (survey_id,)).fetchone()[0]
        return responses, answers, comments
    finally:
        con.close()


def capture_pages(base: str, key: str, dest: Path) -> None:
    """Static copies of our welcome page, form (with its csrf_token) and thank-you page."""
    dest.mkdir(parents=True, exist_ok=True)
    pages = {}

    class Recorder(Browser):
        def request(self, method, path, body=None):
            status, loc, text = super().request(method, path, body)
            if method == "GET" and status == 200:
                if path == "/survey/" or path.startswith("/o/"):
                    name = "welcome"
                elif path.endswith("/thanks"):
                    name = "thanks"
                else:
                    name = "page" if "/page/" in path else None
                if name and name not in pages:
                    pages[name] = text
            return status, loc, text

    import random

    journey(Recorder(base, 60), key, random.Random(1), {})
    for name in ("welcome", "page", "thanks"):
        (dest / f"{name}.html").write_text(pages[name], encoding="utf-8")


def stored(db: Database, survey_id: int, before: tuple[int, int, int], result: dict) -> None:
    after = count(db, survey_id)
    result["stored"] = after[0] - before[0]
    result["answers_stored"] = after[1] - before[1]
    result["comments_stored"] = after[2] - before[2]


def alternate(ours: tuple, bound: tuple, args, db: Database) -> tuple[dict, dict]:
    """N journeys against ours and N against the bound, in alternating rounds.

    Each of ``ours`` and ``bound`` is ``(base, keys, survey_id)``. Both servers run side by
    side (the idle one sleeps); the rounds take turns — ours, bound, ours, bound … — so a
    change in the machine's speed during the run (other work on the host, which the two
    cores share) weighs on both alike, instead of on whichever was measured at the time.
    """
    rounds = max(1, min(args.rounds, args.responses))
    sizes = [args.responses // rounds + (i < args.responses % rounds) for i in range(rounds)]
    before = {}
    for base, keys, survey_id in (ours, bound):
        warm_up(base, keys, 4)
        before[base] = count(db, survey_id)
    parts: dict[str, list[dict]] = {ours[0]: [], bound[0]: []}
    for i, size in enumerate(sizes):
        for base, keys, _survey_id in (ours, bound):
            parts[base].append(run_load(base, keys, size, args.concurrency,
                                        seed=f"{args.seed}.{i}"))
    results = []
    for base, _keys, survey_id in (ours, bound):
        result = combine(parts[base])
        stored(db, survey_id, before[base], result)
        results.append(result)
    return results[0], results[1]


def submit_phase(db: Database, info: dict, args, peer: dict | None) -> None:
    workdir = db.workdir
    ours_survey = info["surveys"]["submit"]
    keys = [link["key"] for link in ours_survey["links"]]
    bound_survey = info["surveys"]["bound"]
    config = {
        "kind": db.kind, "dsn": db.dsn, "survey_id": bound_survey["id"],
        "wave_id": bound_survey["waves"]["2"],
        "links": {link["key"]: [link["municipality"], link["audience"]]
                  for link in bound_survey["links"]},
        "pages": str(workdir / f"bound-pages-{db.kind}"),
    }
    config_path = workdir / f"bound-{db.kind}.json"
    config_path.write_text(json.dumps(config))
    bound_keys = list(config["links"])
    log(f"{db.kind}: submit — ours and the bound WSGI app, {args.responses} responses each, "
        f"{args.concurrency} clients, {args.rounds} alternating rounds")
    with Gunicorn(OUR_APP, db.env(**args.app_env), 2, free_port(),
                  workdir / f"gunicorn-ours-{db.kind}.log", timeout=120) as server:
        capture_pages(server.base, keys[0], workdir / f"bound-pages-{db.kind}")
        with Gunicorn(BOUND_APP, db.env(BENCH_BOUND_CONFIG=config_path), 2, free_port(),
                      workdir / f"gunicorn-bound-{db.kind}.log", timeout=120) as bound_server:
            ours, bound = alternate((server.base, keys, ours_survey["id"]),
                                    (bound_server.base, bound_keys, bound_survey["id"]),
                                    args, db)
        errors_log = server.tail() if ours["errors"] else ""
    log(f"{db.kind}: ours {ours}")
    log(f"{db.kind}: bound {bound}")

    common = {"app_env": args.app_env} if args.app_env else {}
    common |= {"n": args.responses, "concurrency": args.concurrency, "workers": 2,
               "rounds": ours["rounds"], "ours_round_rps": ours["round_responses_per_s"],
              "p50_ms": ours["p50_ms"], "p99_ms": ours["p99_ms"],
              "post_p50_ms": ours["post_p50_ms"], "errors": ours["errors"],
              "submitted": ours["ok"], "stored": ours["stored"],
              "answers_stored": ours["answers_stored"],
              "comments_stored": ours["comments_stored"]}
    if ours["error_samples"]:
        common["error_samples"] = ours["error_samples"]
    clean = ours["errors"] == 0 and ours["stored"] == ours["ok"] == args.responses
    peer_rps = peer.get("responses_per_s") if peer else None
    r = ratio(ours["responses_per_s"], peer_rps)
    emit({
        "name": "submit", "database": db.kind, "unit": "responses/s",
        "ours": ours["responses_per_s"], "reference": peer_rps, "ratio": r,
        "better": "higher", "target": SUBMIT_TARGET_PEER,
        "met": bool(r is not None and r >= SUBMIT_TARGET_PEER and clean),
        **common,
        "reference_name": "django-survey-and-report 1.5.0, gunicorn 2 sync workers, SQLite WAL",
        "reference_p50_ms": peer.get("p50_ms") if peer else None,
        "reference_p99_ms": peer.get("p99_ms") if peer else None,
        "reference_errors": peer.get("errors") if peer else None,
        "reference_stored": peer.get("stored") if peer else None,
    })
    r = ratio(ours["responses_per_s"], bound["responses_per_s"])
    emit({
        "name": "submit-bound", "database": db.kind, "unit": "responses/s",
        "ours": ours["responses_per_s"], "reference": bound["responses_per_s"], "ratio": r,
        "better": "higher", "target": SUBMIT_TARGET_BOUND,
        "met": bool(r is not None and r >= SUBMIT_TARGET_BOUND and clean),
        **common,
        "reference_name": "bench/bound_app.py (static pages, plain SQL), gunicorn 2 sync workers",
        "reference_p50_ms": bound["p50_ms"], "reference_p99_ms": bound["p99_ms"],
        "reference_round_rps": bound["round_responses_per_s"],
        "reference_errors": bound["errors"], "reference_stored": bound["stored"],
    })
    if errors_log:
        log(f"{db.kind}: gunicorn log of ours:\n{errors_log}")


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="small sizes for CI smoke use (about two minutes)")
    ap.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("-n", "--responses", type=int, default=None,
                    help="responses per submit run (default 2000; quick 100)")
    ap.add_argument("-c", "--concurrency", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5,
                    help="alternating rounds of ours and the bound in the submit phase "
                         "(default 5; 1: all of ours, then all of the bound)")
    ap.add_argument("--sizes", default=None,
                    help="stored responses for the lines on seeded data, comma-separated "
                         "(default 10000,100000,1000000; quick 1000,10000)")
    ap.add_argument("--memory-size", type=int, default=None,
                    help="size at which worker memory is measured (default: the largest)")
    ap.add_argument("--read-sizes", default=None,
                    help="sizes at which reading a release is measured (release-read; "
                         "default: the largest)")
    ap.add_argument("--release-sizes", default=None,
                    help="sizes at which computing a release is measured (release; "
                         "default: the two largest)")
    ap.add_argument("--repeat", type=int, default=None,
                    help="timed calls per size of results and release (default 3)")
    ap.add_argument("--read-repeat", type=int, default=7,
                    help="timed rounds of release-read (default 7)")
    ap.add_argument("--only", default=",".join(PHASES),
                    help=f"lines to run, comma-separated: {', '.join(PHASES)} (default: all; "
                         "submit also makes submit-bound)")
    ap.add_argument("--no-peer", action="store_true", help="skip the peer (reference null)")
    ap.add_argument("--workdir", type=Path, default=None,
                    help="where the SQLite files, instance folders and logs go "
                         "(default $TMPDIR/ikzsurvey-bench; one per concurrent benchmark)")
    ap.add_argument("--pg-database", default=PG_DATABASE, type=checked_database_name,
                    help="the PostgreSQL database dropped and created (default: "
                         "$BENCH_PG_DATABASE or bench; never test)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--app-env", action="append", default=[], metavar="NAME=VALUE",
                    help="extra environment for our app's server in the submit phase "
                         "(experiments, e.g. IKZSURVEY_SESSION_REFRESH_EACH_REQUEST=false); "
                         "shown in the submit lines as app_env")
    args = ap.parse_args(argv)
    args.app_env = dict(item.split("=", 1) for item in args.app_env)
    if args.responses is None:
        args.responses = 100 if args.quick else 2000
    if args.sizes is None:
        args.sizes = "1000,10000" if args.quick else "10000,100000,1000000"
    args.sizes = parse_sizes(args.sizes)
    if not args.sizes:
        ap.error("--sizes: at least one size")
    args.memory_size = args.memory_size or max(args.sizes)
    args.read_sizes = ([max(args.sizes)] if args.read_sizes is None
                       else parse_sizes(args.read_sizes))
    args.release_sizes = (default_release_sizes(args.sizes) if args.release_sizes is None
                          else parse_sizes(args.release_sizes))
    for name, sizes in (("--memory-size", [args.memory_size]), ("--read-sizes", args.read_sizes),
                        ("--release-sizes", args.release_sizes)):
        if not set(sizes) <= set(args.sizes):
            ap.error(f"{name}: {sizes} not among --sizes {args.sizes}")
    if args.repeat is None:
        args.repeat = 3
    try:
        args.only = parse_only(args.only)
    except ValueError as exc:
        ap.error(f"--only: {exc}")
    args.workdir = args.workdir or default_workdir()
    return args


def parse_sizes(text: str) -> list[int]:
    """``"1000,10_000"`` → ``[1000, 10000]`` (sorted, each once)."""
    return sorted({int(s.strip().replace("_", "")) for s in str(text).split(",") if s.strip()})


def parse_only(text: str) -> set[str]:
    """The lines chosen with ``--only``; an unknown name is an error, not a silent skip."""
    names = {p.strip() for p in text.split(",") if p.strip()}
    unknown = names - set(PHASES)
    if unknown:
        raise ValueError(f"no such line {', '.join(sorted(unknown))} "
                         f"(choose from {', '.join(PHASES)})")
    return names


def main(argv=None) -> int:
    args = parse_args(argv)
    start = time.monotonic()
    args.workdir.mkdir(parents=True, exist_ok=True)
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    log(f"work folder {args.workdir}; databases {kinds}; quick={args.quick}")
    peer = None if args.no_peer or "submit" not in args.only else Peer()
    if peer is not None and not peer.available():
        log(f"peer harness not found at {peer.scripts}: reference left empty")
        peer = None
    for kind in kinds:
        db = Database(kind, args.workdir, args.pg_database)
        info = prepare(db)
        if "submit" in args.only:
            # The peer runs right before each database's submit phase (on its own SQLite,
            # emptied each time), so that both see the machine in the same state.
            peer_result = peer.run(args.responses, args.concurrency) if peer else None
            log(f"peer: {peer_result}")
            submit_phase(db, info, args, peer_result)
        if args.only & set(SEEDED_LINES):
            results_phase(db, info, args)
    (args.workdir / "last-run.jsonl").write_text("".join(json.dumps(x) + "\n" for x in OUT))
    log(f"done in {time.monotonic() - start:.0f} s; lines also in {args.workdir}/last-run.jsonl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
