"""Who may see which results, through HTTP: published waves, other cooperations, signing in
and out, publication and public summaries, free text, API tokens, and the charts."""

from __future__ import annotations

import html
import re
import secrets
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import select, update

from ikzsurvey.db import db
from ikzsurvey.errors import CSP
from ikzsurvey.models import ApiToken, Comment, Response, SurveyQuestionSet, Wave
from ikzsurvey.questions import Value
from ikzsurvey.submission import AnswerValues, Segment, store_response
from ikzsurvey.tokens import hash_token

from .conftest import csrf_token
from .results_fixtures import (
    PASSWORD,
    answer,
    close_wave,
    close_waves,
    make_cooperation,
    make_user,
    sign_in,
    world,
)

WAVE1, WAVE2 = 7, 11  # responses of wave 1 (all trust 4) and wave 2 (all trust 2)
OTHER = "Kooperation Bergland"

# --- Helpers ---------------------------------------------------------------------------


def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # numbers as 4.00, texts in English
    return client


def signed_in(app, cooperation_id: int, role: str):
    with app.app_context():
        email = make_user(cooperation_id, role)
    client = english(app.test_client())
    sign_in(client, email)
    return client


def two_waves(app, published=True, name="Kooperation Talaue"):
    """Wave 1 closed (published unless told) with WAVE1 responses; wave 2 running, WAVE2."""
    with app.app_context():
        w = world(make_cooperation(name=name))
        for _ in range(WAVE1):
            answer(w, "Altdorf", "employees", 1, trust=4)
        close_wave(w, 1, published=published)
        for _ in range(WAVE2):
            answer(w, "Altdorf", "employees", 2, trust=2)
    return w


def remarks(app, w, texts, municipality="Altdorf", wave=1):
    """One response per text, the text its free-text answer (a pending comment)."""
    with app.app_context():
        for text in texts:
            answer(w, municipality, "employees", wave, trust=3, remarks=text)


def free_text_world(app, closed: dict[str, list[str]], running=()):
    """Free texts per municipality in wave 1 (then closed and published), ``running`` ones
    in wave 2 (still open)."""
    with app.app_context():
        w = world(make_cooperation())
    for municipality, texts in closed.items():
        remarks(app, w, texts, municipality)
    with app.app_context():
        close_wave(w, 1, published=True)
    remarks(app, w, running, wave=2)
    return w


def set_status(app, texts, status, redacted=None):
    with app.app_context():
        db.session.execute(update(Comment).where(Comment.text.in_(texts))
                           .values(status=status, redacted_text=redacted))
        db.session.commit()


def comment(app, text) -> Comment:
    with app.app_context():
        row = db.session.scalar(select(Comment).where(Comment.text == text))
        db.session.expunge(row)
        return row


def wave_flags(app, w, number) -> tuple[bool, bool]:
    with app.app_context():
        wave = db.session.get(Wave, w.waves[number])
        return wave.published, wave.public


def get_html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def post_form(client, page: str, url: str, **data):
    """POST ``data`` with the CSRF token of ``page``, as the browser would."""
    return client.post(url, data={**data, "csrf_token": csrf_token(get_html(client, page))})


def post_login(client, email: str, password: str = PASSWORD, next: str | None = None):
    url = "/login" + (f"?next={quote(next, safe='')}" if next else "")
    return post_form(client, "/login", url, email=email, password=password)


def api_total(client, survey_id: int, query: str = "", **kwargs) -> int:
    """``responses`` of the one cell of the API results without breakdown."""
    response = client.get(f"/api/v1/surveys/{survey_id}/results{query}", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    [row] = response.get_json()["responses"]
    return row["responses"]


def numbers_in_cells(page: str) -> set[int]:
    return {int(n) for n in re.findall(r"<td>(\d+)", page)}


def wave_choices(page: str) -> list[str]:
    """The values of the dashboard's wave filter."""
    found = re.search(r'<select id="filter-wave" name="wave">(.*?)</select>', page, re.S)
    return re.findall(r'<option value="([^"]*)"', found.group(1))


# --- 1. Viewers see published waves only -------------------------------------------------


def test_viewer_api_totals_count_the_published_wave_only(app):
    w = two_waves(app)
    viewer = signed_in(app, w.cooperation_id, "viewer")
    assert api_total(viewer, w.survey_id) == WAVE1
    payload = viewer.get(f"/api/v1/surveys/{w.survey_id}/results").get_json()
    assert [wave["number"] for wave in payload["waves"]] == [1]
    trust = next(q for q in payload["questions"] if q["id"] == "trust")
    assert (trust["cells"][0]["n"], trust["cells"][0]["mean"]) == (WAVE1, 4.0)


def test_viewer_cannot_ask_for_the_running_wave(app):
    w = two_waves(app)
    viewer = signed_in(app, w.cooperation_id, "viewer")
    assert viewer.get(f"/api/v1/surveys/{w.survey_id}/results?wave=2").status_code == 404
    assert viewer.get(f"/results/{w.survey_id}/?wave=2").status_code == 400


def test_viewer_dashboard_holds_no_number_of_the_running_wave(app):
    w = two_waves(app)
    shown = get_html(signed_in(app, w.cooperation_id, "viewer"), f"/results/{w.survey_id}/")
    assert WAVE1 in numbers_in_cells(shown) and "4.00" in shown
    assert not numbers_in_cells(shown) & {WAVE2, WAVE1 + WAVE2}
    assert "2.78" not in shown and "2.00" not in shown  # trust mean of all waves, of wave 2
    assert wave_choices(shown) == ["all", "1"]


def test_organizer_sees_the_closed_waves_and_no_number_of_the_running_one(app):
    w = two_waves(app, published=False)
    admin = signed_in(app, w.cooperation_id, "admin")
    payload = admin.get(f"/api/v1/surveys/{w.survey_id}/results").get_json()
    assert [(v["number"], v["status"]) for v in payload["waves"]] == [(1, "closed")]
    assert api_total(admin, w.survey_id) == WAVE1
    assert admin.get(f"/api/v1/surveys/{w.survey_id}/results?wave=2").status_code == 404
    assert admin.get(f"/results/{w.survey_id}/?wave=2").status_code == 400
    shown = get_html(admin, f"/results/{w.survey_id}/")
    assert wave_choices(shown) == ["all", "1"]
    assert not numbers_in_cells(shown) & {WAVE2, WAVE1 + WAVE2}
    assert "Wave 2 is running: its results appear once it is closed." in shown
    with app.app_context():
        close_waves(w)
    payload = admin.get(f"/api/v1/surveys/{w.survey_id}/results").get_json()
    assert [(v["number"], v["status"]) for v in payload["waves"]] == [(1, "closed"), (2, "closed")]
    assert api_total(admin, w.survey_id, "?wave=2") == WAVE2
    closed = get_html(admin, f"/results/{w.survey_id}/?wave=2")
    assert WAVE2 in numbers_in_cells(closed) and wave_choices(closed) == ["all", "1", "2"]


def test_before_any_publication_viewers_get_no_results(app):
    w = two_waves(app, published=False)
    viewer = signed_in(app, w.cooperation_id, "viewer")
    shown = get_html(viewer, f"/results/{w.survey_id}/")
    assert "No results have been published" in shown and not numbers_in_cells(shown)
    assert viewer.get(f"/api/v1/surveys/{w.survey_id}/results").status_code == 404


# --- 2. Other cooperations, anonymous callers, viewers on organizer routes --------------


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_account_of_another_cooperation_gets_404(app, role):
    w = two_waves(app)
    stranger = signed_in(app, two_waves(app, name=OTHER).cooperation_id, role)
    base = f"/results/{w.survey_id}"
    urls = [f"{base}/", f"{base}/questions/sample/trust",
            f"{base}/charts/questions/sample/trust.svg", f"{base}/export.csv",
            f"{base}/export.xlsx", f"/api/v1/surveys/{w.survey_id}/results"]
    assert {url: stranger.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)


def test_api_survey_list_holds_own_surveys_only(app):
    w = two_waves(app)
    two_waves(app, name=OTHER)
    for role in ("admin", "viewer"):
        listed = signed_in(app, w.cooperation_id, role).get("/api/v1/surveys").get_json()
        assert [s["id"] for s in listed["surveys"]] == [w.survey_id]


def test_anonymous_dashboard_redirects_to_login_with_next(app):
    w = two_waves(app)
    response = app.test_client().get(f"/results/{w.survey_id}/")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [f"/results/{w.survey_id}/"]


def test_anonymous_api_answers_401_with_bearer_challenge(app):
    w = two_waves(app)
    for url in ("/api/v1/surveys", f"/api/v1/surveys/{w.survey_id}/results"):
        response = app.test_client().get(url)
        assert response.status_code == 401 and response.get_json()["status"] == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_viewer_gets_403_on_organizer_routes(app):
    w = two_waves(app, published=False)
    remarks(app, w, ["please review me"], wave=2)
    comment_id = comment(app, "please review me").id
    viewer = signed_in(app, w.cooperation_id, "viewer")
    base = f"/results/{w.survey_id}"
    assert viewer.get(f"{base}/comments").status_code == 403
    assert post_form(viewer, f"{base}/", f"{base}/waves/1/publish").status_code == 403
    assert post_form(viewer, f"{base}/", f"{base}/comments/{comment_id}",
                     action="release").status_code == 403
    assert wave_flags(app, w, 1) == (False, False)
    assert comment(app, "please review me").status == "pending"


# --- 3. Signing in and out -------------------------------------------------------------


@pytest.mark.parametrize("known_email", [True, False])
def test_failed_sign_in_is_401_with_error_summary_and_no_session(app, known_email):
    w = two_waves(app)
    with app.app_context():
        email = make_user(w.cooperation_id, "admin") if known_email else "nobody@example.org"
    client = english(app.test_client())
    response = post_login(client, email, password="wrong password")
    assert response.status_code == 401
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert client.get(f"/results/{w.survey_id}/").status_code == 302  # still signed out


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/",
                                    "/\\evil.example", "https:evil.example", "/results/1/"])
def test_sign_in_follows_next_only_within_the_site(app, target):
    w = two_waves(app)
    with app.app_context():
        email = make_user(w.cooperation_id, "viewer")
    response = post_login(app.test_client(), email, next=target)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost")
    assert location.path == (target if target == "/results/1/" else "/results/")


def test_logout_is_post_only_and_ends_the_session(app):
    w = two_waves(app)
    viewer = signed_in(app, w.cooperation_id, "viewer")
    dashboard = f"/results/{w.survey_id}/"
    assert viewer.get("/logout").status_code == 405
    assert viewer.get(dashboard).status_code == 200
    response = post_form(viewer, dashboard, "/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    after = viewer.get(dashboard)
    assert after.status_code == 302 and urlsplit(after.headers["Location"]).path == "/login"


# --- 4. Publication and the public summary ----------------------------------------------


def test_organizer_publishes_a_closed_wave_for_viewers(app):
    w = two_waves(app, published=False)
    admin = signed_in(app, w.cooperation_id, "admin")
    base = f"/results/{w.survey_id}"
    assert post_form(admin, f"{base}/", f"{base}/waves/1/publish").status_code == 302
    assert wave_flags(app, w, 1) == (True, False)
    assert api_total(signed_in(app, w.cooperation_id, "viewer"), w.survey_id) == WAVE1


def test_a_running_wave_cannot_be_published(app):
    w = two_waves(app)
    admin = signed_in(app, w.cooperation_id, "admin")
    base = f"/results/{w.survey_id}"
    for action in ("publish", "make-public"):
        response = post_form(admin, f"{base}/", f"{base}/waves/2/{action}")
        shown = get_html(admin, response.headers["Location"])
        assert 'class="flash error"' in shown and "once the wave is closed" in shown
    assert wave_flags(app, w, 2) == (False, False)


PUBLIC_TEXTS = [f"publicremark{i:02d}" for i in range(10)]


def test_make_public_opens_a_summary_without_free_text(app):
    w = free_text_world(app, {"Altdorf": PUBLIC_TEXTS})
    set_status(app, PUBLIC_TEXTS, "released")
    admin = signed_in(app, w.cooperation_id, "admin")
    base = f"/results/{w.survey_id}"
    assert PUBLIC_TEXTS[0] in get_html(admin, f"{base}/")  # released: the council sees them
    post_form(admin, f"{base}/", f"{base}/waves/1/make-public")
    assert wave_flags(app, w, 1) == (True, True)
    anonymous = english(app.test_client())
    summary = get_html(anonymous, f"/public/{w.survey_id}/waves/1/")
    assert "Public summary of wave 1" in summary and 10 in numbers_in_cells(summary)
    assert not any(text in summary for text in PUBLIC_TEXTS)
    free_text_page = f"/public/{w.survey_id}/waves/1/questions/sample/remarks"
    assert anonymous.get(free_text_page).status_code == 404


def test_public_summary_is_online_exactly_while_the_wave_is_public(app):
    w = two_waves(app)  # wave 1 closed and published, not public; wave 2 running
    admin, base = signed_in(app, w.cooperation_id, "admin"), f"/results/{w.survey_id}"

    def summary(number: int) -> int:
        return app.test_client().get(f"/public/{w.survey_id}/waves/{number}/").status_code

    assert (summary(1), summary(2)) == (404, 404)
    post_form(admin, f"{base}/", f"{base}/waves/1/make-public")
    assert summary(1) == 200
    post_form(admin, f"{base}/", f"{base}/waves/1/withdraw-public")
    assert wave_flags(app, w, 1) == (True, False) and summary(1) == 404


def test_public_summary_shows_no_figures_of_a_wave_that_is_not_public(app):
    """Wave 2 is published to viewers, not public: the public summary of wave 1 shows
    "exactly the cells of wave 1" (docs/results.md), not wave 2's means."""
    w = two_waves(app)
    with app.app_context():
        close_wave(w, 1, published=True, public=True)
        close_wave(w, 2, published=True)
    anonymous = english(app.test_client())
    item = get_html(anonymous, f"/public/{w.survey_id}/waves/1/questions/sample/trust")
    assert "4.00" in item  # wave 1's mean
    assert "2.00" not in item and "Wave 2" not in item


def test_post_without_csrf_token_is_400_and_changes_nothing(app):
    w = two_waves(app, published=False)
    remarks(app, w, ["unreviewed"], wave=2)
    comment_id = comment(app, "unreviewed").id
    admin = signed_in(app, w.cooperation_id, "admin")
    base = f"/results/{w.survey_id}"
    assert admin.post(f"{base}/waves/1/publish").status_code == 400
    assert admin.post(f"{base}/comments/{comment_id}",
                      data={"action": "release"}).status_code == 400
    assert wave_flags(app, w, 1) == (False, False)
    assert comment(app, "unreviewed").status == "pending"


# --- 5. Free text ---------------------------------------------------------------------


def test_viewers_see_released_and_redacted_texts_only(app):
    texts = [f"remark{i:02d}" for i in range(10)]
    w = free_text_world(app, {"Altdorf": texts})
    set_status(app, ["remark00"], "released")
    set_status(app, ["remark01"], "redacted", redacted="name replaced by […]")
    set_status(app, ["remark02"], "withheld")
    viewer = signed_in(app, w.cooperation_id, "viewer")
    for url in (f"/results/{w.survey_id}/", f"/results/{w.survey_id}/questions/sample/remarks"):
        shown = get_html(viewer, url)
        assert "remark00" in shown and "name replaced by […]" in shown
        assert not any(text in shown for text in texts[1:]), url


@pytest.mark.parametrize("count", [9, 10])
def test_free_text_needs_ten_answers_in_the_selection(app, count):
    """Released texts of the running wave neither count towards the ten nor are shown."""
    texts, running = [f"closedwave{i:02d}" for i in range(count)], ["runningwave0"] * 3
    w = free_text_world(app, {"Altdorf": texts}, running=running)
    set_status(app, texts + running, "released")
    shown = get_html(signed_in(app, w.cooperation_id, "viewer"), f"/results/{w.survey_id}/")
    assert sum(text in shown for text in texts) == (10 if count == 10 else 0)
    assert ("for groups of at least 10 answers only" in shown) == (count == 9)
    assert "runningwave0" not in shown


def test_municipality_filter_hides_released_texts_of_other_municipalities(app):
    w = free_text_world(app, {"Altdorf": [f"altdorf{i:02d}" for i in range(10)],
                              "Neudorf": [f"neudorf{i:02d}" for i in range(10)]})
    set_status(app, ["altdorf00", "neudorf00"], "released")
    viewer = signed_in(app, w.cooperation_id, "viewer")
    everything = get_html(viewer, f"/results/{w.survey_id}/")
    assert "altdorf00" in everything and "neudorf00" in everything
    only = f"/results/{w.survey_id}/?municipality={w.municipalities['Altdorf']}"
    altdorf = get_html(viewer, only)
    assert "altdorf00" in altdorf and "neudorf00" not in altdorf


def test_review_page_lists_pending_texts_without_response_ids(app):
    w = two_waves(app)
    texts = [f"unreviewed{i:02d}" for i in range(10)]  # a part's worth: max(k, 10)
    remarks(app, w, texts, wave=2)
    admin = signed_in(app, w.cooperation_id, "admin")
    running = get_html(admin, f"/results/{w.survey_id}/comments")
    assert not any(text in running for text in texts)
    assert "Free-text answers of wave 2 can be reviewed once it is closed." in running
    with app.app_context():
        close_waves(w)
        response_ids = db.session.scalars(select(Response.id)).all()
    shown = get_html(admin, f"/results/{w.survey_id}/comments")
    assert all(text in shown for text in texts) and len(response_ids) == WAVE1 + WAVE2 + 10
    assert not any(response_id in shown for response_id in response_ids)


@pytest.mark.parametrize("page", ["99999999999999999999", "²", "٣", "0", "-1", "abc", "2"])
def test_a_page_of_the_review_list_that_does_not_exist_is_a_clear_400(app, page):
    w = two_waves(app)
    remarks(app, w, ["one text"], wave=2)
    admin = signed_in(app, w.cooperation_id, "admin")
    response = admin.get(f"/results/{w.survey_id}/comments?page={quote(page)}")
    assert response.status_code == 400
    assert "There is no page" in response.get_data(as_text=True)
    assert admin.get(f"/results/{w.survey_id}/comments?page=1").status_code == 200


def test_review_refuses_an_empty_redaction_and_saves_a_real_one(app):
    w = two_waves(app)
    # Reviewed is what a part of the release shows: Altdorf's, of max(k, 10) comments
    remarks(app, w, ["call Anna Muster", *(f"remark{i}" for i in range(9))], wave=2)
    with app.app_context():
        close_waves(w)  # a running wave's comments are not there to review yet
    comment_id = comment(app, "call Anna Muster").id
    admin = signed_in(app, w.cooperation_id, "admin")
    review = f"/results/{w.survey_id}/comments"
    response = post_form(admin, review, f"{review}/{comment_id}", action="redact",
                         redacted_text="   ")
    assert 'class="flash error"' in get_html(admin, response.headers["Location"])
    refused = comment(app, "call Anna Muster")
    assert (refused.status, refused.redacted_text) == ("pending", None)
    post_form(admin, review, f"{review}/{comment_id}", action="redact", redacted_text="call […]")
    saved = comment(app, "call Anna Muster")
    assert (saved.status, saved.redacted_text) == ("redacted", "call […]")


def test_review_of_a_comment_of_another_survey_is_404(app):
    w, other = two_waves(app), two_waves(app, name=OTHER)
    remarks(app, other, ["not yours"], wave=2)
    foreign_id = comment(app, "not yours").id
    admin = signed_in(app, w.cooperation_id, "admin")
    review = f"/results/{w.survey_id}/comments"
    assert post_form(admin, review, f"{review}/{foreign_id}", action="release").status_code == 404
    assert comment(app, "not yours").status == "pending"


# --- 6. API bearer tokens -------------------------------------------------------------


def create_token(app, *args):
    return app.test_cli_runner().invoke(args=["create-token", "--role", "viewer", *args])


def test_create_token_prints_the_token_and_stores_only_its_hash(app):
    w = two_waves(app)
    result = create_token(app)  # one cooperation: it may be left out
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    with app.app_context():
        [row] = db.session.scalars(select(ApiToken)).all()
        assert (row.token_hash, row.role, row.cooperation_id) == (
            hash_token(token), "viewer", w.cooperation_id)
        stored = " ".join(str(value) for table in db.metadata.sorted_tables
                          for row in db.session.execute(select(table)) for value in row)
    assert hash_token(token) in stored and token not in stored


def test_create_token_needs_the_cooperation_once_there_are_two(app):
    two_waves(app)
    other = two_waves(app, name=OTHER)
    result = create_token(app)
    assert result.exit_code == 2 and "--cooperation-id" in result.output
    for option, reference in (("--cooperation-name", OTHER),
                              ("--cooperation-id", str(other.cooperation_id))):
        assert create_token(app, option, reference).exit_code == 0
    with app.app_context():
        owners = db.session.scalars(select(ApiToken.cooperation_id)).all()
    assert owners == [other.cooperation_id] * 2


def test_bearer_token_opens_the_api_of_its_cooperation_only(app):
    w, other = two_waves(app), two_waves(app, name=OTHER)
    token = create_token(app, "--cooperation-id", str(w.cooperation_id)).output.split()[-1]
    client, auth = app.test_client(), {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/surveys", headers=auth).get_json()
    assert [s["id"] for s in listed["surveys"]] == [w.survey_id]
    assert api_total(client, w.survey_id, headers=auth) == WAVE1  # a viewer's view
    assert client.get(f"/api/v1/surveys/{other.survey_id}/results",
                      headers=auth).status_code == 404
    for wrong in (token[:-1] + ("B" if token.endswith("A") else "A"), "not a token"):
        response = client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {wrong}"})
        assert response.status_code == 401


# --- 7. Charts ------------------------------------------------------------------------


def rated_with_success_factors(app):
    """Two waves of six answers on trust and one success factor (importance and
    fulfilment), both closed; wave 1 published."""
    with app.app_context():
        survey = make_cooperation()
        survey.question_sets.append(
            SurveyQuestionSet(question_set_id="success-factors", version=1, position=1))
        db.session.commit()
        w = world(survey)
        for wave, importance, performance in ((1, 5, 2), (2, 4, 3)):
            segment = Segment(w.survey_id, w.waves[wave], w.municipalities["Altdorf"],
                              w.audiences["employees"])
            values = [("sample", "trust", importance),
                      ("success-factors", "support-mayors-importance", importance),
                      ("success-factors", "support-mayors-performance", performance)]
            for _ in range(6):
                store_response(segment, [AnswerValues(s, 1, q, (Value(number=v),))
                                         for s, q, v in values],
                               receipt_key=secrets.token_hex(16))
            close_wave(w, wave, published=wave == 1)
    return w


def images(page: str) -> list[tuple[str, str]]:
    """(src, alt) of every <img> of a page."""
    found = []
    for tag in re.findall(r"<img\b[^>]*>", page):
        src, alt = re.search(r'src="([^"]*)"', tag), re.search(r'alt="([^"]*)"', tag)
        found.append((html.unescape(src.group(1)), alt.group(1) if alt else ""))
    return found


def test_dashboard_images_have_alt_texts(app):
    w = rated_with_success_factors(app)
    shown = images(get_html(signed_in(app, w.cooperation_id, "admin"), f"/results/{w.survey_id}/"))
    assert len(shown) >= 3  # importance–performance (factors, items) and scores by wave
    assert all(alt.strip() for _src, alt in shown), shown


def test_charts_are_svg_without_script_under_their_own_policy(app):
    w = rated_with_success_factors(app)
    admin = signed_in(app, w.cooperation_id, "admin")
    sources = [src for url in (f"/results/{w.survey_id}/",
                               f"/results/{w.survey_id}/questions/sample/trust")
               for src, _alt in images(get_html(admin, url))]
    assert {"ipa", "scores", "questions", "trends"} <= {s.split("/")[4] for s in sources}
    for src in sources:
        response = admin.get(src)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml", src
        body = response.get_data(as_text=True)
        assert "<svg" in body and "<script" not in body.lower()
        policy = response.headers["Content-Security-Policy"]
        assert policy != CSP and policy.startswith("default-src 'none'")
