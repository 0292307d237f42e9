"""The audit log: paged and filtered on /organize/audit, and repeated reads summarised so that a
script polling the API cannot push every other entry out of view."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from sqlalchemy import select

from ikzsurvey.db import db
from ikzsurvey.models import ApiToken, AuditEntry
from ikzsurvey.tokens import hash_token, new_token

from .test_organizer import ORGANIZER, Organizer, audit_entries, build, new_cooperation

DAY = dt.datetime(2026, 11, 2, 9, 0)


def api_token(app, cooperation_id: int) -> str:
    token = new_token()
    with app.app_context():
        db.session.add(ApiToken(token_hash=hash_token(token), role="admin",
                                cooperation_id=cooperation_id, label="Ratsinformation"))
        db.session.commit()
    return token


def add_entries(app, cooperation_id: int, count: int, action: str = "survey.update",
                actor: str = ORGANIZER, start: dt.datetime = DAY) -> None:
    """``count`` entries an hour apart, the first at ``start``."""
    with app.app_context():
        db.session.add_all([
            AuditEntry(cooperation_id=cooperation_id, at=start + dt.timedelta(hours=i),
                       actor=actor, action=action, target=f"entry {i}")
            for i in range(count)])
        db.session.commit()


def rows_of(page: str) -> list[list[str]]:
    body = page[page.index('id="audit-caption"'):page.index("</table>")]
    return [[" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
             for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr><td>.*?</tr>", body, re.S)]


# --- Repeated reads ---------------------------------------------------------------------


def closed(app):
    """A survey whose wave is closed: results (and so reads to audit) exist of closed
    waves only."""
    b = build(app, "en")
    b.org.post(f"{b.base}/waves/close")
    return b


def test_repeated_api_reads_are_one_entry_that_counts_them(app):
    b = closed(app)
    token = api_token(app, b.cooperation_id)
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    before = len(audit_entries(app, b.cooperation_id))

    for _ in range(40):  # a script polling
        assert client.get(f"/api/v1/surveys/{b.survey_id}/results",
                          headers=bearer).status_code == 200
    client.get(f"/api/v1/surveys/{b.survey_id}/results?by=municipality", headers=bearer)
    b.org.post(f"{b.base}/waves/new")

    entries = audit_entries(app, b.cooperation_id)[before:]
    assert [(e.action, e.times) for e in entries] == [
        ("export.api", 40), ("export.api", 1), ("wave.new", 1)]
    first = entries[0]
    assert first.actor == f"API token {token_id(app, token)}"
    assert first.last_at is not None and first.last_at >= first.at
    page = html.unescape(b.org.page("/organize/"))
    assert "40 times, the last at" in page and "wave started" in page


def test_a_read_on_another_day_or_by_someone_else_is_a_new_entry(app):
    b = closed(app)
    token = api_token(app, b.cooperation_id)
    url = f"/api/v1/surveys/{b.survey_id}/results"
    app.test_client().get(url, headers={"Authorization": f"Bearer {token}"})
    with app.app_context():  # yesterday's read
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export.api"))
        entry.at -= dt.timedelta(days=1)
        db.session.commit()

    app.test_client().get(url, headers={"Authorization": f"Bearer {token}"})
    b.org.get(url)
    b.org.get(url)

    reads = [(e.actor, e.times) for e in audit_entries(app, b.cooperation_id)
             if e.action == "export.api"]
    assert reads == [(f"API token {token_id(app, token)}", 1),
                     (f"API token {token_id(app, token)}", 1), (ORGANIZER, 2)]


def test_the_day_of_a_summary_is_the_shown_time_zones(app):
    """A read just after local midnight (still the day before in UTC) and one now are one
    entry: the days the page shows and filters by are the days that summarise."""
    from ikzsurvey.audit import local_day, utc_midnight
    from ikzsurvey.models import now

    with app.app_context():
        assert local_day(dt.datetime(2026, 12, 6, 23, 30)) == dt.date(2026, 12, 7)
        assert utc_midnight(dt.date(2026, 12, 7)) == dt.datetime(2026, 12, 6, 23, 0)
        assert utc_midnight(dt.date(2026, 7, 2)) == dt.datetime(2026, 7, 1, 22, 0)
    b = closed(app)
    url = f"/api/v1/surveys/{b.survey_id}/results"
    b.org.get(url)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export.api"))
        entry.at = utc_midnight(local_day(now())) + dt.timedelta(seconds=1)
        db.session.commit()
    b.org.get(url)
    reads = [e.times for e in audit_entries(app, b.cooperation_id) if e.action == "export.api"]
    assert reads == [2]


def test_actions_that_change_something_are_never_summarised(app):
    b = build(app, "en")
    for _ in range(3):
        b.org.post(f"{b.base}/invitations", {"wave": b.wave_id, "municipality": 0,
                                             "audience": 0, "count": 1}, follow=False)
    created = [e for e in audit_entries(app, b.cooperation_id)
               if e.action == "invitations.create"]
    assert [e.times for e in created] == [1, 1, 1]


def token_id(app, token: str) -> int:
    with app.app_context():
        return db.session.scalar(select(ApiToken.id)
                                 .where(ApiToken.token_hash == hash_token(token)))


# --- The page -----------------------------------------------------------------------------


def test_the_log_is_paged_newest_first(app):
    coop = new_cooperation(app)
    org = Organizer(app, coop, "en")
    add_entries(app, coop, 120)

    first = org.page("/organize/audit")
    third = org.page("/organize/audit?page=3")

    assert "120 entries" in first and "page 1 of 3" in first
    assert [row[3] for row in rows_of(first)] == [f"entry {i}" for i in range(119, 69, -1)]
    assert [row[3] for row in rows_of(third)] == [f"entry {i}" for i in range(19, -1, -1)]
    assert 'href="/organize/audit?page=2"' in first and "Next page" in first
    assert 'aria-current="page"' in third


@pytest.mark.parametrize("page", ["4", "0", "²", "99999999999999999999", "-1", "x"])
def test_a_page_that_does_not_exist_is_a_clear_400(app, page):
    coop = new_cooperation(app)
    org = Organizer(app, coop, "en")
    add_entries(app, coop, 120)

    response = org.get(f"/organize/audit?page={page}")

    assert response.status_code == 400
    assert "the list has 3" in html.unescape(response.get_data(as_text=True))


def test_filters_by_action_actor_and_days(app):
    coop = new_cooperation(app)
    org = Organizer(app, coop, "en")
    add_entries(app, coop, 30, action="survey.update")  # 2 Nov 09:00 … 3 Nov 14:00 UTC
    add_entries(app, coop, 5, action="export.csv", actor="viewer@example.org",
                start=dt.datetime(2026, 11, 3, 8, 0))

    exports = org.page("/organize/audit?action=export.csv")
    by_viewer = org.page("/organize/audit?actor=viewer@example.org&action=")
    on_the_3rd = org.page("/organize/audit?since=2026-11-03&until=2026-11-03")
    updates_on_the_2nd = org.page("/organize/audit?action=survey.update&until=2026-11-02")

    assert "5 entries" in exports and {r[2] for r in rows_of(exports)} == {
        "results exported (CSV)"}
    assert {r[1] for r in rows_of(by_viewer)} == {"viewer@example.org"}
    # Days are the shown time zone's (CET, UTC+1): 3 Nov begins at 2 Nov 23:00 UTC.
    assert "21 entries" in on_the_3rd  # 16 updates (23:00–14:00 UTC) and 5 exports
    assert "14 entries" in updates_on_the_2nd
    # The paging keeps the filter
    add_entries(app, coop, 60, action="export.csv", actor="viewer@example.org",
                start=dt.datetime(2026, 11, 10))
    paged = org.page("/organize/audit?action=export.csv")
    assert 'href="/organize/audit?page=2&amp;action=export.csv"' in paged


def test_times_are_shown_and_named_in_the_servers_time_zone(app):
    """The log stores UTC; the page shows German time and says so (it once said "UTC"
    beside times an hour later)."""
    coop = new_cooperation(app)
    add_entries(app, coop, 1, start=dt.datetime(2026, 12, 6, 13, 42))  # UTC
    add_entries(app, coop, 1, start=dt.datetime(2026, 7, 1, 22, 30))  # UTC, summer time
    for lang, zone, winter, summer in (
            ("en", "Central European Time", "12/6/26, 2:42 PM", "7/2/26, 12:30 AM"),
            ("de", "Mitteleuropäische Zeit", "06.12.26, 14:42", "02.07.26, 00:30")):
        org = Organizer(app, coop, lang, email=f"{lang}-{ORGANIZER}")
        for path in ("/organize/audit", "/organize/"):
            page = html.unescape(org.page(path))
            assert zone in page and "UTC" not in page, (lang, path)
        rows = rows_of(html.unescape(org.page("/organize/audit")))
        assert (rows[0][0], rows[1][0]) == (winter, summer)  # +1 h in winter, +2 h in summer


@pytest.mark.parametrize("query, message", [
    ("since=2026-13-01", "Not a valid date value."),
    ("since=2026-11-05&until=2026-11-01", "The last day must not be before the first."),
    ("action=user.create", "Not a valid choice."),
    ("actor=someone@example.org", "Not a valid choice."),
])
def test_a_filter_that_cannot_be_applied_says_why(app, query, message):
    coop = new_cooperation(app)
    org = Organizer(app, coop, "en")
    add_entries(app, coop, 3)

    response = org.get(f"/organize/audit?{query}")

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page and "No entries match." in page


def test_german_labels(app):
    coop = new_cooperation(app)
    org = Organizer(app, coop, "de")
    add_entries(app, coop, 3)

    page = html.unescape(org.page("/organize/audit"))

    assert "3 Einträge" in page and "Alle Aktionen" in page and "Alle" in page


def test_only_the_own_cooperations_entries_and_actors(app):
    coop = new_cooperation(app)
    other = new_cooperation(app, "Kooperation Bergland")
    org = Organizer(app, coop, "en")
    add_entries(app, coop, 2)
    add_entries(app, other, 2, actor="bergland@example.org")

    page = org.page("/organize/audit")

    assert "2 entries" in page and "bergland@example.org" not in page
    assert org.get("/organize/audit?actor=bergland@example.org").status_code == 400
