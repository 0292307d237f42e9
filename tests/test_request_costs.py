"""What the respondent path does per request, kept small without changing what it shows:

* choice options written directly give the same HTML as the WTForms widgets would;
* a session is written when it changes, not on every page view, and `ikzsurvey purge`
  removes the files of abandoned journeys;
* pages and form classes are built once per process, from the pins read on every request.
"""

from __future__ import annotations

import os
import struct
import time

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms.widgets import RadioInput

from ikzsurvey.db import db
from ikzsurvey.forms import _widget_options, choice_options, page_form
from ikzsurvey.models import SurveyQuestionSet
from ikzsurvey.plugin_api import Likert, MultipleChoice, SingleChoice
from ikzsurvey.sessions import SessionFiles, end_of_day
from ikzsurvey.surveys import registry, survey_pages

from .factories import make_survey, open_link
from .respondent import Respondent
from .sample_plugin import SAMPLE

QUESTIONS = [
    Likert(id="plain", text="Plain"),
    Likert(id="seven", text="Seven", scale=7, dont_know=True),
    Likert(id="anchored", text="Anchored", scale=4, anchors=("low <b>", 'high "x"')),
    SingleChoice(id="one", text="One", options=[("a&b", "A & B"), ("c", "<C>")]),
    MultipleChoice(id="many", text="Many", options=[("x", "X"), ("y", "Y"), ("z", "Z")],
                   max_choices=2, required=False),
]
POSTED = MultiDict(
    [("q-plain", "3"), ("q-seven", "dont_know"), ("q-anchored", "4"), ("q-one", "a&b"),
     ("q-many", "x"), ("q-many", "z")]
)


def form_for(app, formdata):
    from ikzsurvey.questions import QuestionSet
    from ikzsurvey.surveys import pages_for

    qs = QuestionSet(id="rendering", version=1, title="R", questions=QUESTIONS)
    (page,) = pages_for([qs])
    return page_form(page, registry(), formdata)


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("invalid", [False, True])
@pytest.mark.parametrize("answered", [False, True])
def test_choice_options_write_what_the_widgets_write(app, locale, invalid, answered):
    with app.test_request_context(f"/?lang={locale}"):
        form = form_for(app, POSTED if answered else MultiDict())
        form.validate()
        for _question, field in form.questions:
            if not hasattr(field, "choices"):
                continue
            fast = choice_options(field, invalid)
            slow = _widget_options(field, {"aria-invalid": "true"} if invalid else {})
            assert isinstance(fast, Markup)
            assert str(fast) == str(slow), field.name
            assert fast.count('class="choice"') == len(field.choices)
        rendered = str(choice_options(form["q-seven"], invalid))
        assert ("checked" in rendered) is answered
        assert ('aria-invalid="true"' in rendered) is invalid
        assert ("Weiß nicht" if locale == "de" else "Don&#39;t know") in rendered
        assert "&lt;C&gt;" in str(choice_options(form["q-one"]))


def test_an_option_widget_of_a_plugin_is_still_called(app):
    class Starred(RadioInput):
        def __call__(self, field, **kwargs):
            return Markup("★") + super().__call__(field, **kwargs)

    with app.test_request_context("/"):
        field = form_for(app, MultiDict())["q-plain"]
        field.option_widget = Starred()
        assert str(choice_options(field)).count("★<input") == 5


def test_a_page_shows_the_options_of_every_question(app, client):
    with app.app_context():
        link = open_link(make_survey())
    respondent = Respondent(client)
    respondent.open(f"/o/{link}")
    html = respondent.page(1).get_data(as_text=True)
    # Likert 1–5 and "don't know", then the single choice's two options.
    assert html.count('name="q-trust"') == 6
    assert html.count('name="q-owner"') == 2
    assert '<label for="q-owner-1">Genossenschaft</label>' in html


def count_writes(monkeypatch) -> list[str]:
    writes: list[str] = []
    original = SessionFiles.set

    def spy(self, key, value, timeout=None, mgmt_element=False):
        writes.append(key)
        return original(self, key, value, timeout, mgmt_element)

    monkeypatch.setattr(SessionFiles, "set", spy)
    return writes


def test_a_journey_is_written_when_it_changes_not_on_every_view(app, client, monkeypatch):
    with app.app_context():
        link = open_link(make_survey())
    writes = count_writes(monkeypatch)
    respondent = Respondent(client)
    assert client.get(f"/o/{link}").status_code == 200
    assert len(writes) == 1  # the journey and its form token's secret, together
    for _ in range(3):
        assert client.get("/survey/").status_code == 200
        respondent.page(1)
    assert len(writes) == 1
    assert respondent.post(1, {"q-trust": "4", "q-owner": "town"}).status_code == 303
    assert len(writes) == 2
    respondent.page(2)
    assert len(writes) == 2
    assert respondent.post(2, {}).status_code == 303
    assert len(writes) == 3
    assert client.get("/survey/thanks").status_code == 200
    assert len(writes) == 3


def test_the_form_token_made_at_the_start_is_the_one_every_page_takes(app, client):
    with app.app_context():
        link = open_link(make_survey())
    respondent = Respondent(client)
    respondent.open(f"/o/{link}")
    first = respondent.page(1).get_data(as_text=True)
    assert respondent.post(1, {"q-trust": "2", "q-owner": "coop"}).status_code == 303
    second = respondent.page(2).get_data(as_text=True)
    from .conftest import csrf_token

    assert csrf_token(first).split(".")[0] == csrf_token(second).split(".")[0]
    assert respondent.post(2, {}).headers["Location"].endswith("/survey/thanks")


def write_session_file(store: SessionFiles, key: str, expires: int) -> str:
    path = store._get_filename(key)
    with open(path, "wb") as fh:
        fh.write(struct.pack("I", expires) + b"payload")
    return path


def test_expired_session_files_are_removed_and_live_ones_kept(tmp_path):
    store = SessionFiles(str(tmp_path / "sessions"))
    now = int(time.time())
    expired = write_session_file(store, "abandoned", now - 10)
    live = write_session_file(store, "answering", now + 3600)
    forever = write_session_file(store, "management", 0)
    store.set("real", {"journey": {}}, timeout=60)
    assert store.remove_expired(now) == 1
    assert not os.path.exists(expired)
    assert all(os.path.exists(p) for p in (live, forever))
    assert store.get("real") == {"journey": {}}
    # After the day the real session's minute ends on (its expiry says only the day), the
    # journey and the real session are over too.
    assert store.remove_expired(max(now + 3601, end_of_day(now + 60)) + 1) == 2
    assert os.path.exists(forever)
    assert store.remove_expired(now + 3661) == 0


def test_a_session_file_is_private_replaced_whole_and_expires(tmp_path):
    store = SessionFiles(str(tmp_path / "sessions"))
    now = int(time.time())
    assert store.set("someone", {"journey": {"answers": {"1": {"q": ["4"]}}}}, timeout=120)
    assert store.set("someone", {"journey": {"answers": {"1": {"q": ["5"]}}}}, timeout=120)
    (name,) = os.listdir(tmp_path / "sessions")  # one file, no temporary one left behind
    path = tmp_path / "sessions" / name
    assert path.stat().st_mode & 0o777 == 0o600
    with open(path, "rb") as fh:
        expires = struct.unpack("I", fh.read(4))[0]
    # The end of the day its lifetime ends on: no moment of writing in it (test_forensics).
    assert expires in (end_of_day(now + 120), end_of_day(time.time() + 120))
    assert store.get("someone") == {"journey": {"answers": {"1": {"q": ["5"]}}}}


def test_a_session_that_cannot_be_written_is_reported_not_half_written(tmp_path, monkeypatch):
    store = SessionFiles(str(tmp_path / "sessions"))
    assert store.set("someone", {"journey": {"reached": 1}}, timeout=60)

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ikzsurvey.sessions.os.replace", disk_full)
    assert store.set("someone", {"journey": {"reached": 2}}, timeout=60) is False
    assert len(os.listdir(tmp_path / "sessions")) == 1  # the temporary file is gone
    assert store.get("someone") == {"journey": {"reached": 1}}  # the old session is whole


def test_the_session_store_keeps_no_counter_file(app, client):
    with app.app_context():
        link = open_link(make_survey())
    Respondent(client).open(f"/o/{link}")
    names = os.listdir(app.config["SESSION_DIR"])
    assert len(names) == 1
    assert "__wz_cache_count" not in " ".join(names)


def test_purge_removes_the_sessions_of_abandoned_journeys(app, client, runner):
    with app.app_context():
        link = open_link(make_survey())
    Respondent(client).open(f"/o/{link}")
    store = app.config["SESSION_CACHELIB"]
    abandoned = write_session_file(store, "abandoned", int(time.time()) - 1)
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 expired session files." in result.output
    assert not os.path.exists(abandoned)
    assert len(os.listdir(app.config["SESSION_DIR"])) == 1  # the journey in progress
    assert client.get("/survey/").status_code == 200


def test_pages_are_built_once_and_follow_the_pins(app):
    with app.app_context():
        pins = (("sample", 1),)
        first = survey_pages(pins, "citizens")
        assert survey_pages(pins, "citizens") is first
        assert [len(p.questions) for p in first] == [2, 3]
        assert first[0].question_set is SAMPLE
        assert survey_pages((), "citizens") == ()


def test_a_changed_pin_is_seen_on_the_next_request(app, client):
    """Pins are read on every request; only what they point to is kept."""
    with app.app_context():
        survey = make_survey()
        link = open_link(survey)
    respondent = Respondent(client)
    respondent.open(f"/o/{link}")
    assert respondent.page(2).status_code == 303  # not reached yet: back to page 1
    assert "Teil eins" in respondent.page(1).get_data(as_text=True)
    with app.app_context():
        pin = db.session.query(SurveyQuestionSet).one()
        pin.version = 99  # a version no plugin provides
        db.session.commit()
    assert respondent.page(1).status_code == 503


def test_form_classes_are_made_once_per_page(app):
    with app.test_request_context("/"):
        (page, _) = survey_pages((("sample", 1),), "citizens")
        one = page_form(page, registry(), MultiDict())
        two = page_form(page, registry(), MultiDict({"q-trust": "2"}))
        assert type(one) is type(two)
        assert one is not two and one["q-trust"].data != two["q-trust"].data
        assert [q.id for q, _field in two.questions] == ["trust", "owner"]


def test_unanswered_questions_are_rendered_once_per_language(app, client, app_factory):
    with app.app_context():
        link = open_link(make_survey())
    markup = app.extensions["ikzsurvey.registry"].markup
    first, second = Respondent(app.test_client()), Respondent(app.test_client())
    first.open(f"/o/{link}")
    second.open(f"/o/{link}")
    html_one = first.page(1).get_data(as_text=True)
    assert len(markup) == 1
    html_two = second.page(1).get_data(as_text=True)
    assert len(markup) == 1
    assert html_one.replace(first.csrf, "") == html_two.replace(second.csrf, "")
    english = second.page(1, lang="en").get_data(as_text=True)
    assert len(markup) == 2
    assert "I trust the partners." in english and "Ich vertraue" not in english
    assert "Ich vertraue den Partnern." in html_one


def test_answered_and_faulty_pages_are_rendered_anew(app, client):
    with app.app_context():
        link = open_link(make_survey())
    respondent = Respondent(client)
    respondent.open(f"/o/{link}")
    respondent.page(1)
    faulty = respondent.post(1, {"q-trust": "4"})  # the single choice is missing
    assert faulty.status_code == 422
    assert "Bitte beantworten Sie diese Frage." in faulty.get_data(as_text=True)
    assert respondent.post(1, {"q-trust": "4", "q-owner": "coop"}).status_code == 303
    again = respondent.page(1).get_data(as_text=True)  # back to page 1: as answered
    assert '<input id="q-trust-3"' not in again
    assert 'checked id="q-trust-3" name="q-trust" required type="radio" value="4"' in again
    assert 'checked id="q-owner-1"' in again
    untouched = Respondent(app.test_client())
    untouched.open(f"/o/{link}")
    fresh = untouched.page(1).get_data(as_text=True)
    assert "checked" not in fresh and "error-message" not in fresh


def test_templates_translate_in_the_language_of_the_moment(app):
    """The catalog kept per request follows a locale forced or refreshed later on."""
    from flask import render_template_string
    from flask_babel import force_locale, refresh

    skip = "{{ _('Skip to content') }} {{ ngettext('The survey has %(num)d page.', 'The survey has %(num)d pages.', 2) }}"
    with app.test_request_context("/?lang=de"):
        assert render_template_string(skip) == "Zum Inhalt springen Die Befragung hat 2 Seiten."
        with force_locale("en"):
            assert render_template_string(skip) == "Skip to content The survey has 2 pages."
        assert render_template_string(skip).startswith("Zum Inhalt springen")
    with app.test_request_context("/?lang=en"):
        assert render_template_string(skip).startswith("Skip to content")
        from flask import request

        request.args = {"lang": "de"}
        refresh()
        assert render_template_string(skip).startswith("Zum Inhalt springen")


def test_the_thank_you_page_names_the_survey_without_asking_the_database(app, client):
    with app.app_context():
        link = open_link(make_survey())
    respondent = Respondent(client)
    respondent.complete(f"/o/{link}")
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        thanks = client.get("/survey/thanks")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert thanks.status_code == 200
    assert '<p class="survey-name">Testumfrage</p>' in thanks.get_data(as_text=True)
    assert statements == []


def test_an_open_link_shows_its_welcome_page_after_one_query(app, client):
    with app.app_context():
        link = open_link(make_survey())
        engine = db.engine
    app.extensions["ikzsurvey.lookups"].clock = lambda: 0.0  # both within the kept time
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", record)
    try:
        welcome = client.get(f"/o/{link}")
        again = client.get(f"/o/{link}")  # the same journey, resumed
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert welcome.status_code == again.status_code == 200
    html = welcome.get_data(as_text=True)
    assert "Testumfrage" in html and "Testdorf" in html and 'href="/survey/page/1"' in html
    assert "Die Befragung hat 2 Seiten." in html
    # One query, and none for the second view: what it read is kept (lookups.py).
    assert len(statements) == 1 and "open_link" in statements[0]


def test_pinging_a_server_database_before_each_request_is_a_setting(app_factory, monkeypatch):
    import ikzsurvey.app
    from ikzsurvey.db import engine_options

    assert engine_options("postgresql+psycopg://h/db") == {"pool_pre_ping": False}
    assert engine_options("postgresql+psycopg://h/db", pre_ping=True) == {"pool_pre_ping": True}
    assert "pool_pre_ping" not in engine_options("sqlite:///x.sqlite3")
    calls = []

    def spy(url, pre_ping=False):
        calls.append(pre_ping)
        return engine_options(url, pre_ping)

    monkeypatch.setattr(ikzsurvey.app, "engine_options", spy)
    app_factory()
    app_factory(DATABASE_PRE_PING=True)
    assert calls == [False, True]


def test_reading_requests_on_postgresql_send_no_begin_or_rollback(app):
    """On PostgreSQL a request that only reads runs its statement in autocommit (two round
    trips less); on SQLite, and once a transaction has begun, nothing changes."""
    from ikzsurvey.db import read_connection, write_transaction

    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        conn = read_connection()
        level = conn.get_execution_options().get("isolation_level")
        assert level == ("AUTOCOMMIT" if postgresql else None)
        if postgresql:
            assert conn.connection.dbapi_connection.autocommit is True
        db.session.commit()
        with write_transaction() as session:
            writer = session.connection()
            assert writer.get_execution_options().get("isolation_level") is None
            if postgresql:
                assert writer.connection.dbapi_connection.autocommit is False
            # Inside a transaction, reading uses that transaction's connection.
            assert read_connection() is writer
