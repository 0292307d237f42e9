"""Bulk seeding of stored responses for the results benchmark, in plain SQL.

Responses are written straight into ikzsurvey's tables — ``response`` (random 32-hex id,
segment, date), ``answer`` (20 Likert values each) and ``comment`` (a free text for about
30 % of the responses) — with ``INSERT … SELECT`` run inside the database, which is far
faster than any client-side loop: the ids come from ``randomblob``/``md5(random())``, the
values from a per-question distribution table. They are spread over the survey's
4 municipalities × 3 audiences × 2 waves with fixed, uneven weights (a big and a small
municipality, few council members, many citizens; a second wave a little larger).

Seeding is incremental: ``seed(db, survey, target)`` adds what is missing to reach
``target`` responses, so 10k → 100k → 1M reuses the rows already there. On PostgreSQL the
foreign-key triggers are skipped during the load (``session_replication_role = replica``;
the rows are correct by construction) and the tables are vacuumed and analyzed afterwards,
as autovacuum would do; on SQLite the foreign-key checks are off for the loading
connection only, and nothing else is changed (no ANALYZE: a default deployment has none).
"""

from __future__ import annotations

import datetime as dt
import time

from .common import FREE_TEXT_ID, LIKERT_IDS, QUESTION_SET, Database

MUNICIPALITY_WEIGHTS = (0.40, 0.30, 0.20, 0.10)
AUDIENCE_WEIGHTS = {"employees": 0.25, "council": 0.05, "citizens": 0.70}
WAVE_WEIGHTS = {"1": 0.45, "2": 0.55}
# Likert answers by lookup: one random position in a 20-character string per question.
PROFILES = (
    "12233344444445555555",  # mostly agreeing
    "11222333333334444555",  # mixed
    "11111222223333444455",  # mostly disagreeing (the fears)
)
TEXTS = ("Mehr Informationen wären hilfreich.", "Die gemeinsame Planung spart Zeit.",
         "Kleine Gemeinden brauchen mehr Gewicht.", "Gut so, weiter so.")


def segment_counts(survey: dict, total: int) -> list[tuple[int, int, int, int]]:
    """(municipality, audience, wave, count) for ``total`` responses, by the fixed weights."""
    cells = []
    for m, wm in zip(survey["municipalities"], MUNICIPALITY_WEIGHTS, strict=True):
        for key, wa in AUDIENCE_WEIGHTS.items():
            for wave, ww in WAVE_WEIGHTS.items():
                cells.append((m, survey["audiences"][key], survey["waves"][wave], wm * wa * ww))
    counts = [int(total * w) for *_, w in cells]
    for i in range(total - sum(counts)):  # the remainder to the largest cells
        counts[sorted(range(len(cells)), key=lambda j: -cells[j][3])[i % len(cells)]] += 1
    return [(m, a, w, c) for (m, a, w, _), c in zip(cells, counts, strict=True)]


def stored(db: Database, survey_id: int) -> int:
    con = db.connect()
    try:
        p = "?" if db.kind == "sqlite" else "%s"
        return con.execute(f"SELECT count(*) FROM response WHERE survey_id = {p}",
                           (survey_id,)).fetchone()[0]
    finally:
        con.close()


def seed(db: Database, survey: dict, target: int) -> dict:
    """Add responses to ``survey`` until it has ``target``; return counts and seconds."""
    start = time.perf_counter()
    have = stored(db, survey["id"])
    add = max(0, target - have)
    if add:
        (_sqlite_seed if db.kind == "sqlite" else _pg_seed)(db, survey, add)
    return {"target": target, "added": add, "seconds": round(time.perf_counter() - start, 1)}


def _question_rows():
    rows = []
    for i, qid in enumerate(LIKERT_IDS):
        profile = 2 if qid.startswith("fear-") else (0 if i % 3 else 1)
        rows.append((qid, profile))
    return rows


def _wave_dates(survey: dict) -> dict[int, dt.date]:
    today = dt.date.today()
    return {survey["waves"]["1"]: today - dt.timedelta(days=400),
            survey["waves"]["2"]: today - dt.timedelta(days=10)}


def _sqlite_seed(db: Database, survey: dict, add: int) -> None:
    con = db.connect()
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("PRAGMA cache_size = -1000000")  # 1 GB page cache for this connection
    con.execute("PRAGMA temp_store = MEMORY")
    qs_id, qs_version = QUESTION_SET
    dates = _wave_dates(survey)
    con.execute("BEGIN IMMEDIATE")
    try:
        con.execute("CREATE TEMP TABLE new_ids (id TEXT PRIMARY KEY, m INT, a INT, w INT, "
                    "d TEXT) WITHOUT ROWID")
        con.execute("CREATE TEMP TABLE bench_q (qid TEXT, profile TEXT)")
        con.executemany("INSERT INTO bench_q VALUES (?, ?)",
                        [(q, PROFILES[p]) for q, p in _question_rows()])
        for m, a, w, count in segment_counts(survey, add):
            if not count:
                continue
            con.execute(
                "INSERT INTO new_ids WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL "
                "SELECT i + 1 FROM s WHERE i < ?) "
                "SELECT lower(hex(randomblob(16))), ?, ?, ?, "
                "date(?, '+' || (abs(random()) % 10) || ' days') FROM s",
                (count, m, a, w, dates[w].isoformat()),
            )
        con.execute(
            "INSERT INTO response (id, survey_id, wave_id, municipality_id, audience_id, "
            "submitted_on) SELECT id, ?, w, m, a, d FROM new_ids ORDER BY id", (survey["id"],))
        con.execute(
            "INSERT INTO answer (response_id, question_set_id, question_id, seq, "
            "question_set_version, value_num, value_text) "
            "SELECT n.id, ?, q.qid, 0, ?, "
            "CAST(substr(q.profile, 1 + abs(random()) % 20, 1) AS REAL), NULL "
            "FROM new_ids n CROSS JOIN bench_q q ORDER BY n.id, q.qid",
            (qs_id, qs_version))
        con.execute(
            "INSERT INTO comment (id, survey_id, wave_id, municipality_id, audience_id, "
            "question_set_id, question_set_version, question_id, text, status) "
            "SELECT lower(hex(randomblob(16))), ?, w, m, a, ?, ?, ?, "
            "CASE abs(random()) % 4 WHEN 0 THEN ? WHEN 1 THEN ? WHEN 2 THEN ? ELSE ? END, "
            "'pending' FROM new_ids WHERE abs(random()) % 10 < 3",
            (survey["id"], qs_id, qs_version, FREE_TEXT_ID, *TEXTS))
        con.execute("DROP TABLE new_ids")
        con.execute("DROP TABLE bench_q")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()


def _pg_seed(db: Database, survey: dict, add: int) -> None:
    import psycopg

    qs_id, qs_version = QUESTION_SET
    dates = _wave_dates(survey)
    with psycopg.connect(db.dsn) as con:
        con.execute("SET session_replication_role = replica")  # skip FK triggers
        con.execute("SET maintenance_work_mem = '512MB'")
        con.execute("SET work_mem = '256MB'")
        con.execute("CREATE TEMP TABLE new_ids (id text, m int, a int, w int, d date) "
                    "ON COMMIT DROP")
        con.execute("CREATE TEMP TABLE bench_q (qid text, profile text) ON COMMIT DROP")
        with con.cursor() as cur:
            cur.executemany("INSERT INTO bench_q VALUES (%s, %s)",
                            [(q, PROFILES[p]) for q, p in _question_rows()])
        for m, a, w, count in segment_counts(survey, add):
            if count:
                con.execute(
                    "INSERT INTO new_ids SELECT md5(random()::text || clock_timestamp()::text "
                    "|| i::text), %s, %s, %s, %s::date + floor(random() * 10)::int "
                    "FROM generate_series(1, %s) i",
                    (m, a, w, dates[w], count))
        con.execute(
            "INSERT INTO response (id, survey_id, wave_id, municipality_id, audience_id, "
            "submitted_on) SELECT id, %s, w, m, a, d FROM new_ids ORDER BY id", (survey["id"],))
        con.execute(
            "INSERT INTO answer (response_id, question_set_id, question_id, seq, "
            "question_set_version, value_num, value_text) "
            "SELECT n.id, %s, q.qid, 0, %s, "
            "substr(q.profile, 1 + floor(random() * 20)::int, 1)::float8, NULL "
            "FROM new_ids n CROSS JOIN bench_q q ORDER BY n.id, q.qid",
            (qs_id, qs_version))
        con.execute(
            "INSERT INTO comment (id, survey_id, wave_id, municipality_id, audience_id, "
            "question_set_id, question_set_version, question_id, text, status) "
            "SELECT md5(random()::text || clock_timestamp()::text || id), %s, w, m, a, %s, %s, "
            "%s, (ARRAY[%s, %s, %s, %s])[1 + floor(random() * 4)::int], 'pending' "
            "FROM new_ids WHERE random() < 0.3",
            (survey["id"], qs_id, qs_version, FREE_TEXT_ID, *TEXTS))
        con.commit()
    with psycopg.connect(db.dsn, autocommit=True) as con:
        con.execute("VACUUM ANALYZE response")
        con.execute("VACUUM ANALYZE answer")
        con.execute("VACUUM ANALYZE comment")
