"""Respondent pages kept per process (ikzsurvey.respondent.kept): the same pages as rendered
afresh, with each session's own form token, and never a page that is out of date or that
belongs to someone else."""

from __future__ import annotations

import re

from sqlalchemy import select

from ikzsurvey.db import db
from ikzsurvey.models import ApiToken, Survey
from ikzsurvey.respondent.kept import TOKEN_PLACEHOLDER, KeptPages
from ikzsurvey.tokens import hash_token, new_token

from .factories import make_survey, open_link
from .respondent import VALID_PAGE_ONE, VALID_PAGE_TWO, Respondent
from .results_fixtures import make_user, sign_in

TOKEN = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*"')


def kept(app) -> KeptPages:
    return app.extensions["ikzsurvey.kept_pages"]


def without_token(html: str) -> str:
    return TOKEN.sub(r'\1"', html)


def journey_pages(app, link: str, lang: str = "de") -> dict[str, str]:
    """Welcome, untouched page 1 and thank-you page of a new respondent."""
    respondent = Respondent(app.test_client())
    pages = {"welcome": respondent.open(f"/o/{link}?lang={lang}").get_data(as_text=True)}
    pages["page"] = respondent.page(1).get_data(as_text=True)
    assert respondent.post(1, VALID_PAGE_ONE).status_code == 303
    assert respondent.post(2, VALID_PAGE_TWO).status_code == 303
    pages["thanks"] = respondent.client.get("/survey/thanks").get_data(as_text=True)
    return pages


def test_kept_pages_are_the_pages_rendered_afresh(app):
    with app.app_context():
        link = open_link(make_survey())
    for lang in ("de", "en"):
        kept(app).clear()
        app.extensions["ikzsurvey.registry"].markup.clear()
        # The first page 1 is rendered with its form (its questions are kept from then on),
        # the second one is kept, the third one comes from the kept copy.
        fresh = journey_pages(app, link, lang)
        assert len(kept(app)) == 2  # welcome and thank-you page
        second = journey_pages(app, link, lang)
        assert len(kept(app)) == 3  # and page 1
        third = journey_pages(app, link, lang)
        assert len(kept(app)) == 3
        for name in fresh:
            for again in (second, third):
                assert without_token(again[name]) == without_token(fresh[name]), name
                assert TOKEN_PLACEHOLDER not in again[name]
        assert f'<html lang="{lang}">' in again["welcome"]


def test_each_session_gets_its_own_form_token_on_a_kept_page(app):
    with app.app_context():
        link = open_link(make_survey())
    first, second = Respondent(app.test_client()), Respondent(app.test_client())
    first.open(f"/o/{link}")
    second.open(f"/o/{link}")
    one, two = first.page(1), second.page(1)
    assert first.csrf and second.csrf and first.csrf != second.csrf
    assert TOKEN_PLACEHOLDER not in one.get_data(as_text=True) + two.get_data(as_text=True)
    # Each token is the one its own session accepts, and not the other's.
    swapped = second.client.post("/survey/page/1", data=dict(VALID_PAGE_ONE, action="next",
                                                             csrf_token=first.csrf))
    assert swapped.status_code == 400
    assert first.post(1, VALID_PAGE_ONE).status_code == 303
    assert second.post(1, VALID_PAGE_ONE).status_code == 303


def test_a_changed_survey_text_is_shown_at_once(app):
    with app.app_context():
        link = open_link(make_survey())
    assert "Testumfrage" in journey_pages(app, link)["welcome"]
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        survey.title = {"de": "Neuer Titel", "en": "New title"}
        survey.welcome = {"de": "Ein neuer Gruß."}
        db.session.commit()
    pages = journey_pages(app, link)
    assert "Neuer Titel" in pages["welcome"] and "Ein neuer Gruß." in pages["welcome"]
    assert "Testumfrage" not in pages["welcome"] + pages["thanks"]
    assert "Neuer Titel" in pages["thanks"]


def test_a_journey_under_way_is_not_shown_the_start_of_a_new_one(app):
    with app.app_context():
        link = open_link(make_survey())
    new = Respondent(app.test_client())
    new.open(f"/o/{link}")
    assert "Befragung starten" in new.client.get("/survey/").get_data(as_text=True)  # kept
    respondent = Respondent(app.test_client())
    respondent.open(f"/o/{link}")
    assert respondent.post(1, VALID_PAGE_ONE).status_code == 303
    again = respondent.client.get("/survey/").get_data(as_text=True)
    assert "Befragung fortsetzen" in again and 'href="/survey/page/2"' in again


def test_signed_in_staff_and_waiting_messages_get_pages_rendered_afresh(app):
    with app.app_context():
        survey = make_survey()
        link = open_link(survey)
        cooperation_id = survey.cooperation_id
        email = make_user(cooperation_id, "admin")
    journey_pages(app, link)
    before = len(kept(app))
    staff = Respondent(app.test_client())
    sign_in(staff.client, email)
    welcome = staff.open(f"/o/{link}").get_data(as_text=True)
    page = staff.page(1).get_data(as_text=True)
    assert 'class="staff-nav"' in welcome and 'class="staff-nav"' in page
    assert len(kept(app)) == before
    respondent = Respondent(app.test_client())
    with respondent.client.session_transaction() as session:
        session["_flashes"] = [("info", "Eine Nachricht")]
    assert "Eine Nachricht" in respondent.open(f"/o/{link}").get_data(as_text=True)
    assert len(kept(app)) == before
    # With an API token the footer has no "sign in" link: rendered afresh, not kept.
    with app.app_context():
        token = new_token()
        db.session.add(ApiToken(token_hash=hash_token(token), role="viewer",
                                cooperation_id=cooperation_id, label="test"))
        db.session.commit()
    bearer = app.test_client().get(f"/o/{link}", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 200 and 'href="/login"' not in bearer.get_data(as_text=True)
    assert len(kept(app)) == before
    plain = app.test_client().get(f"/o/{link}").get_data(as_text=True)
    assert 'href="/login"' in plain


def test_other_query_arguments_are_not_kept(app):
    with app.app_context():
        link = open_link(make_survey())
    respondent = Respondent(app.test_client())
    respondent.open(f"/o/{link}")
    for n in range(5):
        assert respondent.client.get(f"/survey/?x={n}").status_code == 200
    assert len(kept(app)) == 1  # the welcome page without arguments, from the open link


def test_the_least_recently_used_page_goes_first():
    pages = KeptPages(limit=2)
    pages.put(("a",), "A")
    pages.put(("b",), "B")
    assert pages.get(("a",)) == "A"
    pages.put(("c",), "C")
    assert len(pages) == 2
    assert pages.get(("b",)) is None and pages.get(("a",)) == "A" and pages.get(("c",)) == "C"
