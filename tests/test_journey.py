"""The respondent journey through the test client."""

from __future__ import annotations

from sqlalchemy import select

from ikzsurvey.db import db
from ikzsurvey.models import Answer, Comment, Response

from .factories import counts, invite, make_survey, open_link
from .respondent import VALID_PAGE_ONE, VALID_PAGE_TWO, Respondent


def test_invitation_journey_stores_one_anonymous_response(app, client):
    with app.app_context():
        survey = make_survey(k=7)
        token = invite(survey)
    respondent = Respondent(client)

    opened = client.get(f"/t/{token}")
    assert opened.status_code == 303
    assert opened.headers["Location"].endswith("/survey/")  # the token leaves the address bar
    welcome = client.get("/survey/").get_data(as_text=True)
    assert "Testumfrage" in welcome
    assert "7" in welcome  # the minimum group size is stated in the privacy notice

    page_one = respondent.page(1).get_data(as_text=True)
    assert "Seite 1 von 2" in page_one
    assert '<fieldset' in page_one and "<legend" in page_one
    assert respondent.post(1, VALID_PAGE_ONE).headers["Location"].endswith("/survey/page/2")
    assert "Seite 2 von 2" in respondent.page(2).get_data(as_text=True)
    done = respondent.post(2, VALID_PAGE_TWO)
    assert done.status_code == 303 and done.headers["Location"].endswith("/survey/thanks")
    assert client.get("/survey/thanks").status_code == 200

    with app.app_context():
        assert counts() == {"responses": 1, "answers": 5, "comments": 1, "used": 1, "receipts": 0}
        response = db.session.scalar(select(Response))
        stored = {
            (a.question_id, a.seq): (a.value_num, a.value_text)
            for a in db.session.scalars(select(Answer))
        }
        comment = db.session.scalar(select(Comment))
        assert (comment.question_id, comment.text, comment.status) == (
            "remarks", "Gute Idee.", "pending"
        )
        # Same segment as the response, but nothing that leads to it.
        assert (comment.municipality_id, comment.audience_id, comment.wave_id) == (
            response.municipality_id, response.audience_id, response.wave_id
        )
        assert comment.id != response.id and response.id not in comment.text
    assert stored == {
        ("trust", 0): (4, None),
        ("owner", 0): (None, "town"),
        ("goals", 0): (None, "heat"),
        ("goals", 1): (None, "sun"),
        ("years", 0): (30, None),
    }
    assert len(response.id) == 32


def test_open_link_journey_stores_a_response_without_invitation(app, client):
    with app.app_context():
        key = open_link(make_survey())
    done = Respondent(client).complete(f"/o/{key}")
    assert done.headers["Location"].endswith("/survey/thanks")
    with app.app_context():
        assert counts() == {"responses": 1, "answers": 5, "comments": 1, "used": 0, "receipts": 1}


def test_open_link_shows_the_welcome_page_at_once_and_resumes_when_opened_again(app, client):
    """No redirect for an open link (its key is the same for everyone of the segment), so a
    phone waits for one round trip less; opening it again keeps what was answered."""
    with app.app_context():
        key = open_link(make_survey())
    respondent = Respondent(client)
    welcome = client.get(f"/o/{key}")
    html = welcome.get_data(as_text=True)
    assert welcome.status_code == 200
    assert "Datenschutzhinweis" in html and 'href="/survey/page/1"' in html
    assert welcome.headers["Cache-Control"] == "no-store"
    assert respondent.post(1, VALID_PAGE_ONE).status_code == 303
    again = client.get(f"/o/{key}?lang=en").get_data(as_text=True)
    assert "Continue the survey" in again and 'href="/survey/page/2"' in again
    assert 'checked' in respondent.page(1).get_data(as_text=True)


def test_invitation_link_leaves_the_address_bar(app, client):
    with app.app_context():
        token = invite(make_survey())
    opened = client.get(f"/t/{token}")
    assert opened.status_code == 303 and opened.headers["Location"].endswith("/survey/")
    assert client.get("/survey/").status_code == 200


def test_open_link_can_be_answered_again_in_a_new_session(app):
    with app.app_context():
        key = open_link(make_survey())
    for _ in range(2):
        Respondent(app.test_client()).complete(f"/o/{key}")
    with app.app_context():
        assert counts()["responses"] == 2


def test_reused_token_shows_already_answered_and_stores_nothing(app, client):
    with app.app_context():
        token = invite(make_survey())
    Respondent(client).complete(f"/t/{token}")
    other = app.test_client()
    again = other.get(f"/t/{token}")
    assert again.status_code == 200
    assert "bereits" in again.get_data(as_text=True)
    with app.app_context():
        assert counts()["responses"] == 1


def test_submitting_the_last_page_twice_stores_one_response(app, client):
    with app.app_context():
        token = invite(make_survey())
    respondent = Respondent(client)
    respondent.complete(f"/t/{token}")
    second = respondent.post(2, VALID_PAGE_TWO)  # back and resubmit / double click
    assert second.status_code == 303 and second.headers["Location"].endswith("/survey/thanks")
    with app.app_context():
        assert counts() == {"responses": 1, "answers": 5, "comments": 1, "used": 1, "receipts": 0}


def test_two_tabs_with_the_same_session_store_one_response(app, client):
    with app.app_context():
        key = open_link(make_survey())
    first_tab = Respondent(client)
    first_tab.open(f"/o/{key}")
    first_tab.post(1, VALID_PAGE_ONE)
    first_tab.page(2)
    second_tab = Respondent(client)  # same cookie jar: the same session
    second_tab.page(2)
    assert first_tab.post(2, VALID_PAGE_TWO).status_code == 303
    assert second_tab.post(2, VALID_PAGE_TWO).status_code == 303
    with app.app_context():
        assert counts()["responses"] == 1


def test_back_navigation_keeps_the_valid_answers_and_drops_the_invalid(app, client):
    with app.app_context():
        key = open_link(make_survey())
    respondent = Respondent(client)
    respondent.open(f"/o/{key}")
    respondent.post(1, VALID_PAGE_ONE)
    back = respondent.post(2, {"q-years": "500", "q-remarks": "Halb fertig"}, action="back")
    assert back.status_code == 303 and back.headers["Location"].endswith("/survey/page/1")
    page_one = respondent.page(1).get_data(as_text=True)
    assert _checked(page_one, "q-trust-3")  # "4" was chosen
    page_two = respondent.page(2).get_data(as_text=True)
    assert "Halb fertig" in page_two  # valid, kept
    assert 'value="500"' not in page_two  # out of the question's range: not kept
    with app.app_context():
        assert counts()["responses"] == 0  # nothing reaches the database before the end


def _checked(html: str, input_id: str) -> bool:
    import re

    tag = re.search(rf'<input[^>]*id="{input_id}"[^>]*>', html)
    return bool(tag and "checked" in tag.group(0))


def test_reload_keeps_answers(app, client):
    with app.app_context():
        key = open_link(make_survey())
    respondent = Respondent(client)
    respondent.open(f"/o/{key}")
    respondent.post(1, VALID_PAGE_ONE)
    assert _checked(respondent.page(1).get_data(as_text=True), "q-owner-0")


def test_validation_messages_stand_next_to_each_field(app, client):
    with app.app_context():
        key = open_link(make_survey())
    respondent = Respondent(client)
    respondent.open(f"/o/{key}")
    invalid = respondent.post(1, {"q-trust": "9"})
    assert invalid.status_code == 422
    html = invalid.get_data(as_text=True)
    assert 'class="error-summary" role="alert"' in html
    assert 'href="#q-trust-0"' in html and 'href="#q-owner-0"' in html
    assert 'id="q-trust-error"' in html and 'id="q-owner-error"' in html
    assert 'aria-describedby="q-trust-error"' in html
    assert html.count('aria-invalid="true"') >= 2
    assert "<title>Fehler:" in html
    second = respondent.post(2, {}, csrf=True)
    assert second.status_code == 303  # page 2 is not reachable before page 1 is valid
    assert second.headers["Location"].endswith("/survey/page/1")


def test_page_two_validation_rejects_too_many_choices_and_out_of_range(app, client):
    with app.app_context():
        key = open_link(make_survey())
    respondent = Respondent(client)
    respondent.open(f"/o/{key}")
    respondent.post(1, VALID_PAGE_ONE)
    invalid = respondent.post(
        2, {"q-goals": ["heat", "sun", "wind"], "q-years": "121", "q-remarks": "x" * 201}
    )
    assert invalid.status_code == 422
    html = invalid.get_data(as_text=True)
    for field in ("q-goals", "q-years", "q-remarks"):
        assert f'id="{field}-error"' in html
    with app.app_context():
        assert counts()["responses"] == 0


def test_cannot_jump_ahead_of_the_first_unanswered_page(app, client):
    with app.app_context():
        key = open_link(make_survey())
    respondent = Respondent(client)
    respondent.open(f"/o/{key}")
    skipped = client.get("/survey/page/2")
    assert skipped.status_code == 303 and skipped.headers["Location"].endswith("/survey/page/1")
    assert client.get("/survey/page/3").status_code == 404


def test_closed_and_draft_surveys_accept_no_answers(app, client):
    with app.app_context():
        closed = make_survey(status="closed")
        closed_token, closed_link = invite(closed), open_link(closed)
        draft_token = invite(make_survey(status="draft"))
        wave_closed_token = invite(make_survey(wave_status="closed"))
    for url in (f"/t/{closed_token}", f"/o/{closed_link}", f"/t/{draft_token}",
                f"/t/{wave_closed_token}"):
        response = client.get(url)
        assert response.status_code == 410, url
        assert "geschlossen" in response.get_data(as_text=True)


def test_a_survey_closed_during_the_journey_stores_nothing(app, client):
    with app.app_context():
        survey = make_survey()
        survey_id, token = survey.id, invite(survey)
    respondent = Respondent(client)
    respondent.open(f"/t/{token}")
    respondent.post(1, VALID_PAGE_ONE)
    respondent.page(2)
    with app.app_context():
        from ikzsurvey.models import Survey

        db.session.get(Survey, survey_id).status = "closed"
        db.session.commit()
    assert respondent.post(2, VALID_PAGE_TWO).status_code == 410
    with app.app_context():
        assert counts() == {"responses": 0, "answers": 0, "comments": 0, "used": 0, "receipts": 0}


def test_unknown_or_malformed_links_get_a_clear_404(client):
    for url in ("/t/" + "A" * 32, "/t/short", "/t/%00%01", "/o/" + "b" * 32, "/o/x"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "nicht gültig" in response.get_data(as_text=True)


def test_a_disabled_open_link_is_not_valid(app, client):
    with app.app_context():
        key = open_link(make_survey(), enabled=False)
    assert client.get(f"/o/{key}").status_code == 404


def test_missing_csrf_token_is_rejected_and_nothing_saved(app, client):
    with app.app_context():
        key = open_link(make_survey())
    respondent = Respondent(client)
    respondent.open(f"/o/{key}")
    rejected = respondent.post(1, VALID_PAGE_ONE, csrf=False)
    assert rejected.status_code == 400
    assert "abgelaufen" in rejected.get_data(as_text=True)
    assert client.get("/survey/page/2").status_code == 303  # page 1 was not accepted


def test_the_last_page_takes_only_its_own_sessions_form_token(app):
    """Pages are sent with the session's form token, checked before any view runs: a token
    of another respondent's session or a forged one stores nothing."""
    with app.app_context():
        key = open_link(make_survey())
    other = Respondent(app.test_client())
    other.open(f"/o/{key}")
    other.page(1)
    respondent = Respondent(app.test_client())
    respondent.open(f"/o/{key}")
    assert respondent.post(1, VALID_PAGE_ONE).status_code == 303
    respondent.page(2)
    own = respondent.csrf
    for token in (other.csrf, own[:-2] + ("AA" if not own.endswith("AA") else "BB"), ""):
        respondent.csrf = token
        rejected = respondent.post(2, VALID_PAGE_TWO)
        assert rejected.status_code == 400, token
    with app.app_context():
        assert counts()["responses"] == 0
    respondent.csrf = own
    assert respondent.post(2, VALID_PAGE_TWO).headers["Location"].endswith("/survey/thanks")
    with app.app_context():
        assert counts()["responses"] == 1


def test_pages_without_a_journey_explain_what_to_do(client):
    response = client.get("/survey/page/1")
    assert response.status_code == 400
    assert "Einladung" in response.get_data(as_text=True)


def test_an_oversized_request_is_refused_with_413(app, client):
    with app.app_context():
        key = open_link(make_survey())
    respondent = Respondent(client)
    respondent.open(f"/o/{key}")
    respondent.post(1, VALID_PAGE_ONE)
    huge = respondent.post(2, {"q-remarks": "x" * 400_000})
    assert huge.status_code == 413
    with app.app_context():
        assert counts()["responses"] == 0


def test_english_is_one_click_away(app, client):
    with app.app_context():
        key = open_link(make_survey())
    Respondent(client).open(f"/o/{key}")
    english = client.get("/survey/page/1?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Page 1 of 2" in english
    assert "I trust the partners." in english
    german = client.get("/survey/page/1?lang=de").get_data(as_text=True)
    assert '<html lang="de">' in german and "Ich vertraue den Partnern." in german
