"""What the files on disk give away: the attack of issue 14, point 5.

Responses come in through invitations in a known order, each with a comment. While the wave
runs, the database's own files keep that order (the tests show the attack works then); once
the organizer closes the wave, they must not: no link between a comment, a response and its
invitation, and no order that follows the order of submission (|Spearman ρ| < 0.1). Session
files, Redis' sessions and the logs keep no moment of a submission either.
"""

from __future__ import annotations

import logging
import os
import random
import re
import struct
from pathlib import Path

import pytest
import redis
from sqlalchemy import text

from ikzsurvey.db import db, is_sqlite
from ikzsurvey.models import Invitation, Wave
from ikzsurvey.questions import Value
from ikzsurvey.submission import AnswerValues, Segment, store_response
from ikzsurvey.tokens import hash_token, new_token

from .factories import make_survey
from .respondent import Respondent
from .test_organizer import Organizer

#: Submissions: with n = 2,000 a random order gives |ρ| ≥ 0.1 about once in 100,000 runs.
N = 2000
DAY = 86400


def marker(i: int) -> str:
    return f"Bemerkung Nr. {i:05d} zur Kooperation"


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's ρ with average ranks for ties. An order that is one tie throughout (every
    row with the same transaction id) says nothing about the other: ρ = 0."""
    def ranks(values):
        order = sorted(range(len(values)), key=values.__getitem__)
        result = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                result[order[k]] = (i + j) / 2
            i = j + 1
        return result

    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    if sxx == 0 or syy == 0:
        return 0.0
    return sxy / (sxx * syy) ** 0.5


def submit_in_known_order(survey) -> tuple[dict[str, int], dict[str, int]]:
    """N invitations made in one order and used, with one comment each, in another.
    Returns the position in the order of submission of each response id and of each
    invitation's token hash."""
    wave, municipality, audience = survey.waves[0], survey.municipalities[0], survey.audiences[0]
    hashes = [hash_token(new_token()) for _ in range(N)]
    db.session.add_all(Invitation(token_hash=h, wave_id=wave.id, municipality_id=municipality.id,
                                  audience_id=audience.id) for h in hashes)
    db.session.commit()
    ids = dict(db.session.execute(
        text("SELECT token_hash, id FROM invitation WHERE wave_id = :w"), {"w": wave.id}).all())
    use_order = random.Random(14).sample(hashes, N)  # not the order they were made in
    segment = Segment(survey.id, wave.id, municipality.id, audience.id)
    responses = {}
    for i, token_hash in enumerate(use_order):
        response_id = store_response(segment, [
            AnswerValues("sample", 1, "trust", (Value(number=4),)),
            AnswerValues("sample", 1, "years", (Value(number=float(i)),)),
            AnswerValues("sample", 1, "remarks", (Value(text=marker(i)),), detached=True),
        ], invitation_id=ids[token_hash])
        responses[response_id] = i
    return responses, {h: i for i, h in enumerate(use_order)}


def close_wave(app, survey_id: int, cooperation_id: int) -> None:
    organizer = Organizer(app, cooperation_id, email=f"org-{survey_id}@example.org")
    page = organizer.post(f"/organize/surveys/{survey_id}/waves/close")
    assert page.status_code == 200, page.status_code


# --- PostgreSQL: ctid and xmin -------------------------------------------------------------


def _tid(ctid: str) -> tuple[int, int]:
    page, item = ctid.strip("()").split(",")
    return int(page), int(item)


def pg_rows(table: str, key: str, where: str, **params) -> dict[str, tuple]:
    """key → ((page, item), xmin) for the table's rows."""
    rows = db.session.execute(
        text(f"SELECT {key}, ctid::text, xmin::text::bigint FROM {table} WHERE {where}"), params)
    return {k: (_tid(ctid), xmin) for k, ctid, xmin in rows}


def pg_findings(survey_id: int, wave_id: int, responses, invitations) -> dict:
    """ρ of every on-disk order against submission order, and the links by xmin."""
    db.session.commit()
    by_response = pg_rows("response", "id", "survey_id = :s", s=survey_id)
    by_comment = pg_rows("comment", "text", "survey_id = :s", s=survey_id)
    by_invitation = pg_rows("invitation", "token_hash", "wave_id = :w AND used", w=wave_id)
    by_answer = pg_rows("answer", "response_id", "question_id = 'years'")
    comment_order = {marker(i): i for i in range(N)}
    findings = {}
    for name, rows, order in (("response", by_response, responses),
                              ("comment", by_comment, comment_order),
                              ("invitation", by_invitation, invitations),
                              ("answer", by_answer, responses)):
        keys = sorted(rows, key=order.__getitem__)
        submitted = [order[k] for k in keys]
        findings[f"{name} ctid ρ"] = spearman(submitted, [rows[k][0] for k in keys])
        findings[f"{name} xmin ρ"] = spearman(submitted, [rows[k][1] for k in keys])
    # A link: a transaction id that a response shares with at most k other rows of its kind
    # and with a comment or an invitation.
    group = {}
    for _, xmin in by_response.values():
        group[xmin] = group.get(xmin, 0) + 1
    shared = {x for _, x in by_comment.values()} | {x for _, x in by_invitation.values()}
    findings["links"] = sum(1 for _, x in by_response.values() if group[x] <= 5 and x in shared)
    return findings


# --- SQLite: the database file and its write-ahead log --------------------------------------


def wal_commits(wal: bytes) -> list[bytes]:
    """The write-ahead log's frames, grouped by the commit they belong to (stale frames of
    earlier checkpoints included: whoever reads the file sees them)."""
    if len(wal) < 32:
        return []
    page_size = struct.unpack(">I", wal[8:12])[0]
    frames, offset = [], 32
    while offset + 24 + page_size <= len(wal):
        _, committed, salt, _ = struct.unpack(">IIIQ", wal[offset:offset + 20])
        frames.append((salt, offset, committed, wal[offset + 24:offset + 24 + page_size]))
        offset += 24 + page_size
    # Each checkpoint that resets the log starts writing at its beginning again with the
    # next salt: frames further on are older ones. In the order they were written:
    commits, current = [], []
    for _, _, committed, page in sorted(frames, key=lambda f: f[:2]):
        current.append(page)
        if committed:  # the database's size after a commit
            commits.append(b"".join(current))
            current = []
    return commits


def sqlite_findings(path: Path, responses, invitations) -> dict:
    db.session.commit()
    main = path.read_bytes()
    wal_path = Path(f"{path}-wal")
    wal = wal_path.read_bytes() if wal_path.exists() else b""
    markers = {marker(i).encode(): i for i in range(N)}
    pattern = re.compile(rb"Bemerkung Nr\. \d{5} zur Kooperation")
    id_of = {rid.encode(): i for rid, i in responses.items()}
    hex_id = re.compile(rb"[0-9a-f]{32}")
    # A commit rewrites whole pages, neighbours included: what it adds is what no commit
    # before it held. One new comment and one new response in a commit are a link.
    links, seen_comments, seen_ids = 0, set(), set()
    for commit in wal_commits(wal):
        comments = set(pattern.findall(commit)) - seen_comments
        ids = {x for x in hex_id.findall(commit) if x in id_of} - seen_ids
        if len(comments) == 1 and len(ids) == 1 and markers[min(comments)] == id_of[min(ids)]:
            links += 1
        seen_comments |= comments
        seen_ids |= ids
    offsets = {m: [x.start() for x in re.finditer(re.escape(m), main)] for m in markers}
    findings = {
        "links": links,
        # What was written after the tables were compacted (the wave's flag, the audit log)
        # may be in the log; no answer, comment or response id may.
        "answers in the wal": sum(1 for commit in wal_commits(wal)
                                  if pattern.search(commit) or any(
                                      x in id_of for x in hex_id.findall(commit))),
        "copies of a comment": max(len(v) for v in offsets.values()),
        "freelist pages": db.session.execute(text("PRAGMA freelist_count")).scalar_one(),
    }
    order = list(range(N))
    findings["comment offset ρ"] = spearman(
        [markers[m] for m in markers if offsets[m]], [offsets[m][0] for m in markers if offsets[m]])
    findings["response offset ρ"] = spearman(
        order, [main.find(rid) for rid in sorted(id_of, key=id_of.get)])
    findings["invitation offset ρ"] = spearman(
        order, [main.find(h.encode()) for h in sorted(invitations, key=invitations.get)])
    return findings


def database_path(app) -> Path:
    return Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))


def test_a_closed_wave_keeps_no_order_or_link_of_its_submissions_on_disk(app):
    with app.app_context():
        survey = make_survey()
        survey_id, wave_id, cooperation_id = survey.id, survey.waves[0].id, survey.cooperation_id
        responses, invitations = submit_in_known_order(survey)
        sqlite = is_sqlite()
        if sqlite:
            running = sqlite_findings(database_path(app), responses, invitations)
            assert running["links"] >= 10, running  # the attack works on a running wave
        else:
            running = pg_findings(survey_id, wave_id, responses, invitations)
            assert running["links"] >= N * 0.9, running
            assert running["response ctid ρ"] > 0.9 and running["comment ctid ρ"] > 0.9, running

    close_wave(app, survey_id, cooperation_id)

    with app.app_context():
        assert db.session.get(Wave, wave_id).order_forgotten
        # Nothing lost: every response, answer, comment and used invitation is still there.
        counts = db.session.execute(text(
            "SELECT (SELECT count(*) FROM response WHERE survey_id = :s),"
            " (SELECT count(*) FROM answer),"
            " (SELECT count(*) FROM comment WHERE survey_id = :s),"
            " (SELECT count(*) FROM invitation WHERE wave_id = :w AND used)"),
            {"s": survey_id, "w": wave_id}).one()
        assert tuple(counts) == (N, 2 * N, N, N)
        years = dict(db.session.execute(text(
            "SELECT response_id, value_num FROM answer WHERE question_id = 'years'")).all())
        assert {rid: int(v) for rid, v in years.items()} == responses

        if sqlite:
            closed = sqlite_findings(database_path(app), responses, invitations)
            assert (closed["links"], closed["answers in the wal"], closed["freelist pages"],
                    closed["copies of a comment"]) == (0, 0, 0, 1), closed
        else:
            closed = pg_findings(survey_id, wave_id, responses, invitations)
            assert closed["links"] == 0, closed
        correlations = {name: rho for name, rho in closed.items() if "ρ" in name}
        assert all(abs(rho) < 0.1 for rho in correlations.values()), correlations


# --- Sessions and logs ---------------------------------------------------------------------


def test_a_respondents_session_keeps_no_moment_of_the_submission(app, caplog):
    from .factories import invite

    with app.app_context():
        survey = make_survey()
        tokens = [invite(survey) for _ in range(3)]
    caplog.set_level(logging.DEBUG)
    for token in tokens:
        thanks = Respondent(app.test_client()).complete(f"/t/{token}")
        assert thanks.status_code == 303

    folder = Path(app.config["SESSION_DIR"])
    files = [entry for entry in os.scandir(folder) if entry.is_file()]
    assert len(files) >= 3  # one per browser: the thank-you page's
    for entry in files:
        stat = entry.stat()
        assert stat.st_mtime % DAY == 0 and stat.st_atime % DAY == 0, entry.name
        with open(entry.path, "rb") as fh:
            expires = struct.unpack("I", fh.read(4))[0]
        assert expires % DAY == 0, entry.name
    assert folder.stat().st_mtime % DAY == 0
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for token in tokens:
        assert token not in logged and hash_token(token) not in logged
    assert "Gute Idee." not in logged  # the free-text answer


def test_redis_sessions_expire_at_the_end_of_a_day(app_factory):
    url = "redis://127.0.0.1:6379/14"
    client = redis.Redis.from_url(url)
    client.flushdb()
    app = app_factory(SESSION_REDIS_URL=url)
    with app.app_context():
        from .factories import invite

        token = invite(make_survey())
    Respondent(app.test_client()).complete(f"/t/{token}")
    keys = client.keys("session:*")
    assert keys
    for key in keys:
        expires = client.expiretime(key)
        assert expires > 0 and expires % DAY == 0, (key, expires)
    client.flushdb()


@pytest.mark.parametrize("seconds", [0, 1, DAY - 1])
def test_expiry_is_moved_on_to_the_end_of_its_day(seconds):
    from ikzsurvey.sessions import day_start, end_of_day

    moment = 20_000 * DAY + seconds
    assert day_start(moment) == 20_000 * DAY
    assert end_of_day(moment) == 20_001 * DAY
