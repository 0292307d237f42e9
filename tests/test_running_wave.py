"""During a running wave nobody sees anything that changes with one response.

An organizer polling every page, chart, export and API answer while respondents answer
must get the same bytes before and after each submission: no result, no free text, and
participation only as a snapshot counted at most every SNAPSHOT_DAYS days (docs/privacy.md,
"A running wave"). Closing the wave shows its results and deletes the snapshot.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from ikzsurvey import participation
from ikzsurvey.db import db
from ikzsurvey.models import Comment, Invitation, ParticipationSnapshot
from ikzsurvey.tokens import hash_token

from .conftest import csrf_token
from .results_fixtures import (
    World,
    answer,
    close_wave,
    make_cooperation,
    make_user,
    sign_in,
    world,
)

DAY = dt.date(2026, 12, 7)


@dataclass
class Polled:
    app: object
    w: World
    organizer: object
    viewer: object
    token: dict
    invitations: list[int]

    def submit(self, remarks: str, invitation: bool = True) -> None:
        """One more response in the running wave 2, with a comment."""
        with self.app.app_context():
            answer(self.w, "Altdorf", "employees", 2, trust=1, owner="private",
                   remarks=remarks,
                   invitation_id=self.invitations.pop() if invitation else None)


def client_of(app, role: str, cooperation_id: int):
    with app.app_context():
        email = make_user(cooperation_id, role)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, email)
    return client


@pytest.fixture
def today(monkeypatch):
    """The day the snapshots see; a test moves it on with ``today.day = …``."""

    class Today:
        day = DAY

    monkeypatch.setattr(participation, "today", lambda: Today.day)
    return Today


@pytest.fixture
def polled(app, today) -> Polled:
    """Wave 1 closed, published and public (with released free text); wave 2 running, with
    answers through invitations and an open link, and an organizer, a viewer and a token."""
    with app.app_context():
        w = world(make_cooperation(k=3))
        for i in range(12):
            answer(w, "Altdorf", "employees", 1, trust=4, remarks=f"Wave one remark {i}")
        for _ in range(4):
            answer(w, "Neudorf", "citizens", 1, trust=2)
        for comment in db.session.scalars(select(Comment)):
            comment.status = "released"
        db.session.commit()
        close_wave(w, 1, published=True, public=True)
        rows = [Invitation(token_hash=hash_token(f"invitation-{i}"), wave_id=w.waves[2],
                           municipality_id=w.municipalities["Altdorf"],
                           audience_id=w.audiences["employees"]) for i in range(8)]
        db.session.add_all(rows)
        db.session.commit()
        invitations = [row.id for row in rows]
    token = app.test_cli_runner().invoke(
        args=["create-token", "--role", "admin"]).output.split()[-1]
    found = Polled(app, w, client_of(app, "admin", w.cooperation_id),
                   client_of(app, "viewer", w.cooperation_id),
                   {"Authorization": f"Bearer {token}"}, invitations)
    for i in range(4):
        found.submit(f"Early remark {i}", invitation=i % 2 == 0)
    return found


SRC = re.compile(r'(?:src|href)="(/(?:results|public)/[^"#]+)"')


def results_urls(client, survey_id: int) -> list[str]:
    """The results pages, and every chart, question page and export they link to."""
    base = f"/results/{survey_id}"
    pages = [f"{base}/", f"{base}/?wave=1", f"{base}/questions/sample/trust",
             f"{base}/questions/sample/owner", f"{base}/questions/sample/remarks"]
    urls = set(pages)
    for page in pages:
        urls.update(url.replace("&amp;", "&")
                    for url in SRC.findall(client.get(page).get_data(as_text=True)))
    urls.update(f"{base}/export.csv?by={by}" for by in ("municipality", "audience", "wave"))
    urls.update(("/results/", f"{base}/export.xlsx"))
    return sorted(urls)


def api_urls(survey_id: int) -> list[str]:
    results = f"/api/v1/surveys/{survey_id}/results"
    return ["/api/v1/surveys", results, f"{results}?wave=1", f"{results}?wave=2",
            *(f"{results}?by={by}" for by in ("municipality", "audience", "wave",
                                               "municipality,audience,wave"))]


def organizer_urls(survey_id: int) -> list[str]:
    survey = f"/organize/surveys/{survey_id}"
    return ["/organize/", f"{survey}/", f"{survey}/settings", f"{survey}/delete",
            "/organize/audit", f"/results/{survey_id}/?wave=2",
            *(f"/results/{survey_id}/comments?status={s}"
              for s in ("pending", "released", "redacted", "withheld"))]


VOLATILE = (
    re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+'),
    re.compile(r'(nonce=")[^"]+'),
    re.compile(r'(data-csrf=")[^"]+'),
    # The sign-out warning: when the staff session ends, a minute after the last page.
    re.compile(r'(data-ends-at=")[^"]+'),
    re.compile(r'(<p id="session-expiry-text">)[^<]+'),
)
AUDIT_ROWS = re.compile(r'(aria-labelledby="audit-caption">).*?(</table>)', re.S)


def content(response) -> bytes:
    """The answer without what differs between any two requests: CSRF tokens and nonces,
    the time the staff session ends;
    the audit log's rows (every export and API read adds to them, no respondent does);
    an XLSX file's creation time."""
    data = response.get_data()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as xlsx:
            return b"".join(xlsx.read(n) for n in sorted(xlsx.namelist())
                            if n != "docProps/core.xml")
    text = data.decode("utf-8", "replace")
    for pattern in VOLATILE:
        text = pattern.sub(r"\1", text)
    text = AUDIT_ROWS.sub(r"\1\2", text)
    return f"{response.status_code}\n{text}".encode()


def poll(p: Polled) -> dict[tuple[str, str], bytes]:
    sid = p.w.survey_id
    seen = {}
    for name, client, urls, headers in (
        ("organizer", p.organizer, organizer_urls(sid) + results_urls(p.organizer, sid)
         + api_urls(sid), {}),
        ("viewer", p.viewer, results_urls(p.viewer, sid) + api_urls(sid), {}),
        ("token", p.app.test_client(), api_urls(sid), p.token),
        ("public", p.app.test_client(), [f"/public/{sid}/waves/1/",
                                         f"/public/{sid}/waves/1/export.csv"], {}),
    ):
        for url in urls:
            seen[(name, url)] = content(client.get(url, headers=headers))
    return seen


def test_polling_every_page_during_a_running_wave_learns_nothing_of_a_submission(polled):
    poll(polled)  # each reader's first export of the day adds an entry to the audit log
    before = poll(polled)
    assert len(before) > 60
    shown = b"".join(before.values())
    assert b"Wave one remark" in shown  # the closed wave's results are there
    assert b"Early remark" not in shown  # the running wave's free text is not
    for i in range(3):
        polled.submit(f"Late remark {i}", invitation=i != 1)
        after = poll(polled)
        changed = sorted(key for key in before if before[key] != after[key])
        assert changed == [], changed
        assert b"Late remark" not in b"".join(after.values())


def survey_page(p: Polled, lang: str = "en") -> str:
    """The organizer's survey page without what differs between any two requests."""
    return content(p.organizer.get(f"/organize/surveys/{p.w.survey_id}/?lang={lang}",
                                   headers={"Accept-Language": lang})).decode()


def snapshots(p: Polled) -> list[tuple[int, list, dt.date]]:
    with p.app.app_context():
        return [(s.wave_id, s.counts, s.taken_on)
                for s in db.session.scalars(select(ParticipationSnapshot))]


def participation_row(page: str) -> str:
    """The running wave's row of the waves table."""
    return re.search(r"<th scope=\"row\">Wave 2</th>.*?</tr>", page, re.S).group(0)


SEGMENT_ROW = re.compile(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td>\s*<td>(.*?)</td>"
                         r"\s*<td>(\d+)</td>\s*<td>(.*?)</td>", re.S)


def segment_rows(page: str) -> dict[tuple[int, str, str], tuple[str, int, str]]:
    """The survey page's table per wave, municipality and group: responses and used
    invitations as the page words them (tags left out), and the invitations issued."""

    def words(cell: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", cell).split())

    return {(int(w), m, g): (words(n), int(issued), words(used))
            for w, m, g, n, issued, used in SEGMENT_ROW.findall(page)}


def test_the_snapshot_is_taken_at_the_first_look_and_recounted_after_two_days(polled, today):
    w = polled.w
    assert snapshots(polled) == []
    page = survey_page(polled)
    segment = [w.municipalities["Altdorf"], w.audiences["employees"], 4, 2]
    assert snapshots(polled) == [(w.waves[2], [segment], DAY)]
    assert "<td>4 <span class=\"hint\">(As of Dec 7, 2026)</span></td>" in participation_row(page)
    polled.submit("A remark on the first day")
    today.day = DAY + dt.timedelta(days=1)
    polled.submit("A remark on the next day")
    assert survey_page(polled) == page  # not counted again the next day
    assert snapshots(polled) == [(w.waves[2], [segment], DAY)]
    today.day = DAY + dt.timedelta(days=participation.SNAPSHOT_DAYS)
    recounted = survey_page(polled)
    assert snapshots(polled) == [(w.waves[2], [segment[:2] + [6, 4]], today.day)]
    assert "<td>6 <span class=\"hint\">(As of Dec 9, 2026)</span></td>" in participation_row(
        recounted)
    rows = segment_rows(recounted)
    assert rows[(2, "Altdorf", "Employees")] == ("3 or more (As of Dec 9, 2026)", 8,
                                                 "after the close")


def test_a_running_wave_shows_per_segment_only_whether_it_has_k_or_more(polled):
    page = survey_page(polled)
    running = {key: row for key, row in segment_rows(page).items() if key[0] == 2}
    assert running == {
        (2, "Altdorf", "Employees"): ("3 or more (As of Dec 7, 2026)", 8, "after the close"),
        (2, "Altdorf", "Citizens"): ("fewer than 3, or none (As of Dec 7, 2026)", 0,
                                     "after the close"),
        (2, "Neudorf", "Employees"): ("fewer than 3, or none (As of Dec 7, 2026)", 0,
                                      "after the close"),
        (2, "Neudorf", "Citizens"): ("fewer than 3, or none (As of Dec 7, 2026)", 0,
                                     "after the close"),
    }
    # The wave's total: the only count of the running wave on the page.
    assert re.sub(r"<[^>]+>", "", participation_row(page)).count("4 (As of Dec 7, 2026)") == 1


def test_a_running_waves_total_that_would_narrow_down_a_small_group_is_not_shown(polled):
    # 4 in Altdorf (k = 3 or more) and 1 in Neudorf: a total of 5 would leave at most 2 for
    # Neudorf, fewer than k.
    with polled.app.app_context():
        answer(polled.w, "Neudorf", "citizens", 2, trust=3)
    page = survey_page(polled)
    assert "hidden" in participation_row(page) and "5" not in re.sub(
        r"<[^>]+>", "", participation_row(page)).replace("2026", "")
    assert segment_rows(page)[(2, "Neudorf", "Citizens")][0].startswith("fewer than 3")
    assert "answers: see “Waves”" in html.unescape(page)


def test_the_snapshot_is_dated_in_german(polled):
    page = survey_page(polled, "de")
    assert "Stand: 07.12.2026" in page
    assert "erscheinen, sobald sie abgeschlossen ist" in page


def test_closing_the_wave_deletes_the_snapshot_and_shows_its_results(polled):
    # Ten comments in the wave: over both waves Altdorf's part differs from wave 1's by
    # max(k, 10), so the release shows it, and the review lists what it shows.
    for i in range(4, 10):
        polled.submit(f"Early remark {i}", invitation=False)
    survey_page(polled)
    assert len(snapshots(polled)) == 1
    page = polled.organizer.get(f"/organize/surveys/{polled.w.survey_id}/").get_data(as_text=True)
    closing = polled.organizer.post(f"/organize/surveys/{polled.w.survey_id}/waves/close",
                                    data={"csrf_token": csrf_token(page)})
    assert closing.status_code == 302
    assert snapshots(polled) == []
    closed = survey_page(polled)
    assert "As of" not in closed
    assert snapshots(polled) == []  # a closed wave's counts are final: no snapshot
    api = polled.app.test_client().get(f"/api/v1/surveys/{polled.w.survey_id}/results?wave=2",
                                       headers=polled.token).get_json()
    assert sum(row["responses"] or 0 for row in api["responses"]) == 10
    review = polled.organizer.get(f"/results/{polled.w.survey_id}/comments").get_data(
        as_text=True)
    assert all(f"Early remark {i}" in review for i in range(10))
