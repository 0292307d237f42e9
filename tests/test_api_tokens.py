"""API tokens: they expire (``create-token --days``), the API refuses an expired or revoked
token, and an organizer lists the cooperation's tokens and revokes one — only their own."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from sqlalchemy import select, update

from ikzsurvey.db import db
from ikzsurvey.models import ApiToken, AuditEntry, today

from .conftest import csrf_token
from .test_results_access import OTHER, signed_in, two_waves


def create_token(app, *args) -> tuple[str, str]:
    """(the token, the command's output) of ``create-token`` for ``args``."""
    result = app.test_cli_runner().invoke(args=["create-token", *args])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1], result.output


def api_status(app, token: str, survey_id: int) -> int:
    return app.test_client().get(f"/api/v1/surveys/{survey_id}/results",
                                 headers={"Authorization": f"Bearer {token}"}).status_code


def test_create_token_sets_and_prints_the_expiry(app):
    w = two_waves(app)
    token, output = create_token(app, "--role", "viewer", "--days", "7", "--label", "Rat")
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
    assert row.expires_on == today() + dt.timedelta(days=7)
    assert row.expires_on.isoformat() in output
    assert api_status(app, token, w.survey_id) == 200
    _, default = create_token(app, "--role", "viewer")
    with app.app_context():
        latest = db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    assert latest.expires_on == today() + dt.timedelta(days=90)


@pytest.mark.parametrize("days", ["0", "367", "-1", "zehn"])
def test_create_token_refuses_a_validity_outside_one_day_to_a_year(app, days):
    two_waves(app)
    result = app.test_cli_runner().invoke(args=["create-token", "--days", days])
    assert result.exit_code == 2 and "--days" in result.output
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_the_api_refuses_a_token_after_its_last_day(app):
    w = two_waves(app)
    token, _ = create_token(app, "--days", "1")
    assert api_status(app, token, w.survey_id) == 200
    with app.app_context():  # its last day is today; make it yesterday
        db.session.execute(update(ApiToken).values(expires_on=today() - dt.timedelta(days=1)))
        db.session.commit()
    assert api_status(app, token, w.survey_id) == 401


def test_an_organizer_lists_the_tokens_and_revokes_one(app):
    w = two_waves(app)
    kept, _ = create_token(app, "--role", "viewer", "--label", "Ratsinformationssystem")
    revoked, _ = create_token(app, "--role", "admin", "--label", "Dashboard Landkreis")
    with app.app_context():
        kept_id, revoked_id = db.session.scalars(select(ApiToken.id).order_by(ApiToken.id))
        db.session.execute(update(ApiToken).where(ApiToken.id == kept_id)
                           .values(expires_on=today() - dt.timedelta(days=3)))
        db.session.commit()
    organizer = signed_in(app, w.cooperation_id, "admin")
    page = organizer.get("/organize/tokens")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = html.unescape(page.get_data(as_text=True))
    for shown in ("Ratsinformationssystem", "Dashboard Landkreis", f"#{kept_id}",
                  f"#{revoked_id}", "expired, refused"):
        assert shown in text
    assert kept not in text and revoked not in text  # the tokens themselves are never shown
    assert text.count("expired, refused") == 1
    assert "/organize/tokens" in organizer.get("/organize/").get_data(as_text=True)

    assert api_status(app, revoked, w.survey_id) == 200
    answer = organizer.post(f"/organize/tokens/{revoked_id}/revoke",
                            data={"csrf_token": csrf_token(text)})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/organize/tokens")
    assert api_status(app, revoked, w.survey_id) == 401
    after = html.unescape(organizer.get("/organize/tokens").get_data(as_text=True))
    assert "<td>Dashboard Landkreis</td>" not in after and "is revoked" in after
    assert "<td>Ratsinformationssystem</td>" in after
    with app.app_context():
        assert db.session.scalars(select(ApiToken.id)).all() == [kept_id]
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "token.revoke"))
    assert entry.cooperation_id == w.cooperation_id
    assert f"#{revoked_id}" in entry.target and "Dashboard Landkreis" in entry.target
    assert revoked not in entry.target
    log = html.unescape(organizer.get("/organize/audit").get_data(as_text=True))
    assert "API token revoked" in log


def test_tokens_of_another_cooperation_are_neither_listed_nor_revoked(app):
    w, other = two_waves(app), two_waves(app, name=OTHER)
    foreign, _ = create_token(app, "--cooperation-id", str(other.cooperation_id),
                              "--label", "Bergland intern")
    with app.app_context():
        foreign_id = db.session.scalar(select(ApiToken.id))
    organizer = signed_in(app, w.cooperation_id, "admin")
    page = html.unescape(organizer.get("/organize/tokens").get_data(as_text=True))
    assert "Bergland intern" not in page and "has no API tokens" in page
    answer = organizer.post(f"/organize/tokens/{foreign_id}/revoke",
                            data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 404
    assert organizer.post("/organize/tokens/999999/revoke",
                          data={"csrf_token": csrf_token(page)}).status_code == 404
    assert api_status(app, foreign, other.survey_id) == 200
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "token.revoke")) is None


def test_a_viewer_or_a_token_cannot_see_or_revoke_tokens(app):
    w = two_waves(app)
    token, _ = create_token(app, "--role", "admin")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    viewer = signed_in(app, w.cooperation_id, "viewer")
    assert viewer.get("/organize/tokens").status_code == 403
    bearer = app.test_client()
    bearer.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert bearer.get("/organize/tokens").status_code in (401, 403)
    assert bearer.post(f"/organize/tokens/{token_id}/revoke").status_code in (400, 401, 403)
    assert api_status(app, token, w.survey_id) == 200


def test_the_tokens_page_in_german(app):
    w = two_waves(app)
    create_token(app, "--label", "Ratsinformationssystem")
    organizer = signed_in(app, w.cooperation_id, "admin")
    organizer.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    text = html.unescape(organizer.get("/organize/tokens").get_data(as_text=True))
    assert "API-Token" in text and "Widerrufen" in text and "Gültig bis" in text
