"""The bound: a bare WSGI app that answers the respondent journey with the least work.

It serves static copies of ikzsurvey's own pages (welcome, the questionnaire form with its
hidden ``csrf_token``, thank-you page — captured from the running app by bench/run.py) at
the same paths, so the load client does exactly what it does against ikzsurvey, and it
stores each posted questionnaire with plain SQL in one transaction: one ``response`` row,
one ``answer`` row per Likert item and one ``comment`` row for the free text, into the
same tables (same schema, same indexes) as ikzsurvey, for a survey of its own.

No framework, no templates, no sessions beyond one cookie holding the segment, no
validation beyond "the token matches and every item has a value 1 … 5". It runs under
the same gunicorn settings as ikzsurvey (ikzsurvey.gunicorn_conf, 2 sync workers), so the
difference between the two is what ikzsurvey does per request on top of HTTP and SQL.

Configuration: the environment variable ``BENCH_BOUND_CONFIG`` names a JSON file with
``kind`` (sqlite|postgresql), ``dsn``, ``survey_id``, ``wave_id``, ``links`` ({key: [m, a]})
and ``pages`` (folder with welcome.html, page.html, thanks.html).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
from pathlib import Path
from urllib.parse import parse_qs

CONFIG = json.loads(Path(os.environ["BENCH_BOUND_CONFIG"]).read_text())
PAGES = {name: (Path(CONFIG["pages"]) / f"{name}.html").read_bytes()
         for name in ("welcome", "page", "thanks")}
_form = PAGES["page"].decode()
CSRF = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', _form) or re.search(
    r'value="([^"]*)"[^>]*name="csrf_token"', _form)
CSRF = CSRF.group(1)
LIKERT = sorted(set(re.findall(r'type="radio"[^>]*name="q-([^"]+)"', _form))
                | set(re.findall(r'name="q-([^"]+)"[^>]*type="radio"', _form)))
TEXTS = sorted(set(re.findall(r'<textarea[^>]*name="q-([^"]+)"', _form)))
QS_ID, QS_VERSION = CONFIG.get("question_set", ["bench-likert", 1])
SQLITE = CONFIG["kind"] == "sqlite"
P = "?" if SQLITE else "%s"

_conn = None


def connection():
    """One connection per worker process, opened after the fork."""
    global _conn
    if _conn is None:
        if SQLITE:
            import sqlite3

            _conn = sqlite3.connect(CONFIG["dsn"], timeout=30, isolation_level=None)
            for pragma in ("busy_timeout = 30000", "journal_mode = WAL",
                           "synchronous = NORMAL", "foreign_keys = ON"):
                _conn.execute(f"PRAGMA {pragma}")
        else:
            import psycopg

            _conn = psycopg.connect(CONFIG["dsn"], autocommit=True)
    return _conn


def store(segment: tuple[int, int], likert: dict[str, int], texts: dict[str, str]) -> None:
    con = connection()
    rid = secrets.token_hex(16)
    today = dt.date.today()
    sid, wid = CONFIG["survey_id"], CONFIG["wave_id"]
    answers = [(rid, QS_ID, q, 0, QS_VERSION, float(v), None) for q, v in likert.items()]
    comments = [(secrets.token_hex(16), sid, wid, segment[0], segment[1], QS_ID, QS_VERSION, q,
                 t, "pending") for q, t in texts.items() if t]
    sql_response = ("INSERT INTO response (id, survey_id, wave_id, municipality_id, "
                    f"audience_id, submitted_on) VALUES ({P}, {P}, {P}, {P}, {P}, {P})")
    sql_answer = ("INSERT INTO answer (response_id, question_set_id, question_id, seq, "
                  "question_set_version, value_num, value_text) "
                  f"VALUES ({P}, {P}, {P}, {P}, {P}, {P}, {P})")
    sql_comment = ("INSERT INTO comment (id, survey_id, wave_id, municipality_id, audience_id, "
                   "question_set_id, question_set_version, question_id, text, status) "
                   f"VALUES ({P}, {P}, {P}, {P}, {P}, {P}, {P}, {P}, {P}, {P})")
    response = (rid, sid, wid, segment[0], segment[1], today.isoformat() if SQLITE else today)
    if SQLITE:
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute(sql_response, response)
            con.executemany(sql_answer, answers)
            if comments:
                con.executemany(sql_comment, comments)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    else:
        with con.transaction(), con.cursor() as cur:
            cur.execute(sql_response, response)
            cur.executemany(sql_answer, answers)
            if comments:
                cur.executemany(sql_comment, comments)


def reply(start_response, status: str, body: bytes = b"", headers=()):
    start_response(status, [("Content-Type", "text/html; charset=utf-8"),
                            ("Content-Length", str(len(body))), *headers])
    return [body]


def app(environ, start_response):
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
    if path == "/healthz":
        return reply(start_response, "200 OK", b'{"status": "ok"}')
    if method == "GET" and path.startswith("/o/"):
        segment = CONFIG["links"].get(path[3:])
        if segment is None:
            return reply(start_response, "404 Not Found")
        cookie = f"seg={segment[0]}-{segment[1]}; Path=/; HttpOnly; SameSite=Lax"
        return reply(start_response, "200 OK", PAGES["welcome"], [("Set-Cookie", cookie)])
    if method == "GET" and path == "/survey/":
        return reply(start_response, "200 OK", PAGES["welcome"])
    if method == "GET" and path == "/survey/page/1":
        return reply(start_response, "200 OK", PAGES["page"])
    if method == "GET" and path == "/survey/thanks":
        return reply(start_response, "200 OK", PAGES["thanks"])
    if method == "POST" and path == "/survey/page/1":
        cookies = dict(part.strip().partition("=")[::2]
                       for part in environ.get("HTTP_COOKIE", "").split(";") if "=" in part)
        try:
            m, a = (int(x) for x in cookies["seg"].split("-"))
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(length).decode())
            if form.get("csrf_token", [""])[0] != CSRF:
                return reply(start_response, "400 Bad Request", b"CSRF")
            likert = {q: int(form[f"q-{q}"][0]) for q in LIKERT}
            if not all(1 <= v <= 5 for v in likert.values()):
                raise ValueError("out of scale")
            texts = {q: form.get(f"q-{q}", [""])[0][:2000] for q in TEXTS}
        except (KeyError, ValueError):
            return reply(start_response, "422 Unprocessable Entity", b"invalid")
        store((m, a), likert, texts)
        return reply(start_response, "303 See Other", b"", [("Location", "/survey/thanks")])
    return reply(start_response, "404 Not Found")
