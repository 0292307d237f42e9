"""What respondent pages read of a survey, kept per process for a moment
(ikzsurvey.respondent.lookups): read once, forgotten at once when this process changes the
survey, seen within the setting's time when another process does, and never trusted for
storing."""

from __future__ import annotations

import contextlib

from sqlalchemy import event, select, text

from ikzsurvey.db import db
from ikzsurvey.models import OpenLink, Survey, Wave

from .factories import counts, make_survey, open_link
from .respondent import VALID_PAGE_ONE, VALID_PAGE_TWO, Respondent


@contextlib.contextmanager
def statements(app):
    """The SQL statements the app sends while the block runs."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fake_clock(app) -> Clock:
    clock = Clock()
    app.extensions["ikzsurvey.lookups"].clock = clock
    return clock


def behind_the_back(app, sql: str, **params) -> None:
    """A change made by another process: plain SQL on a connection of its own, not
    through this process's ORM session."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_every_respondent_after_the_first_is_served_without_a_query(app):
    with app.app_context():
        link = open_link(make_survey())
    fake_clock(app)
    with statements(app) as sent:
        first = Respondent(app.test_client())
        assert first.open(f"/o/{link}").status_code == 200
        assert first.page(1).status_code == 200
    # One query: the link's rows say all the first page needs too (lookups.py, derived).
    assert len(sent) == 1 and "open_link" in sent[0]
    with statements(app) as sent:
        second = Respondent(app.test_client())
        assert second.open(f"/o/{link}").status_code == 200
        assert second.page(1).status_code == 200
        assert second.post(1, VALID_PAGE_ONE).status_code == 303
        assert second.page(2).status_code == 200
    assert sent == []


def test_what_the_link_said_about_its_journeys_is_kept_no_longer_than_the_link(app):
    with app.app_context():
        link = open_link(make_survey())
    clock = fake_clock(app)
    respondent = Respondent(app.test_client())
    respondent.open(f"/o/{link}")
    clock.now += 0.9
    with statements(app) as sent:
        assert respondent.page(1).status_code == 200
    assert sent == []
    clock.now += 0.2  # past the link's second: the journey's own query
    with statements(app) as sent:
        assert respondent.page(1).status_code == 200
    assert len(sent) == 1 and "open_link" not in sent[0]


def test_a_change_made_here_is_seen_at_once(app):
    with app.app_context():
        survey = make_survey()
        link, survey_id = open_link(survey), survey.id
    fake_clock(app)  # time stands still: only forgetting can show the change
    respondent = Respondent(app.test_client())
    assert "Willkommen" in respondent.open(f"/o/{link}").get_data(as_text=True)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        survey.welcome = {"de": "Neuer Willkommenstext", "en": "New welcome"}
        db.session.commit()
    page = Respondent(app.test_client()).open(f"/o/{link}").get_data(as_text=True)
    assert "Neuer Willkommenstext" in page
    with app.app_context():
        db.session.get(Survey, survey_id).status = "closed"
        db.session.commit()
    assert Respondent(app.test_client()).open(f"/o/{link}").status_code == 410
    assert respondent.page(1).status_code == 410  # the journey under way sees it too


def test_a_link_disabled_or_deleted_here_stops_at_once(app):
    with app.app_context():
        survey = make_survey()
        link = open_link(survey)
        other = open_link(survey, "employees")
    fake_clock(app)
    assert Respondent(app.test_client()).open(f"/o/{link}").status_code == 200
    assert Respondent(app.test_client()).open(f"/o/{other}").status_code == 200
    with app.app_context():
        db.session.scalar(select(OpenLink).where(OpenLink.key == link)).enabled = False
        db.session.commit()
    assert Respondent(app.test_client()).open(f"/o/{link}").status_code == 404
    assert Respondent(app.test_client()).open(f"/o/{other}").status_code == 200
    with app.app_context():  # a bulk delete, as retention does it
        from sqlalchemy import delete

        db.session.execute(delete(OpenLink).where(OpenLink.key == other))
        db.session.commit()
    assert Respondent(app.test_client()).open(f"/o/{other}").status_code == 404


def test_a_change_made_elsewhere_is_seen_within_the_time(app):
    with app.app_context():
        survey = make_survey()
        link = open_link(survey)
        wave_id = survey.waves[0].id
    assert app.config["RESPONDENT_CACHE_SECONDS"] == 1.0
    clock = fake_clock(app)
    assert Respondent(app.test_client()).open(f"/o/{link}").status_code == 200
    behind_the_back(app, "UPDATE wave SET status = 'closed' WHERE id = :id", id=wave_id)
    clock.now += 0.9
    assert Respondent(app.test_client()).open(f"/o/{link}").status_code == 200
    clock.now += 0.2
    assert Respondent(app.test_client()).open(f"/o/{link}").status_code == 410


def test_storing_does_not_trust_what_was_kept(app):
    """The survey closes elsewhere while a respondent is on the last page: the page is
    still shown for a moment, but sending it stores nothing and says the survey closed."""
    with app.app_context():
        survey = make_survey()
        link = open_link(survey)
        survey_id = survey.id
    fake_clock(app)
    respondent = Respondent(app.test_client())
    respondent.open(f"/o/{link}")
    assert respondent.post(1, VALID_PAGE_ONE).status_code == 303
    assert respondent.page(2).status_code == 200
    behind_the_back(app, "UPDATE survey SET status = 'closed' WHERE id = :id", id=survey_id)
    sent = respondent.post(2, VALID_PAGE_TWO)
    assert sent.status_code == 410
    assert "geschlossen" in sent.get_data(as_text=True)
    with app.app_context():
        assert counts()["responses"] == 0 and counts()["comments"] == 0


def test_zero_seconds_reads_on_every_request(app_factory):
    app = app_factory(RESPONDENT_CACHE_SECONDS=0)
    with app.app_context():
        link = open_link(make_survey())
    for _ in range(2):
        with statements(app) as sent:
            respondent = Respondent(app.test_client())
            respondent.open(f"/o/{link}")
            respondent.page(1)
        assert len(sent) == 2


def test_a_wave_opened_here_is_the_one_new_journeys_answer_in(app):
    with app.app_context():
        survey = make_survey()
        link = open_link(survey)
        survey_id, first_wave = survey.id, survey.waves[0].id
    fake_clock(app)
    Respondent(app.test_client()).complete(f"/o/{link}")
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        survey.waves[0].status = "closed"
        survey.waves.append(Wave(number=2, status="open"))
        db.session.commit()
        second_wave = survey.waves[1].id
    assert Respondent(app.test_client()).complete(f"/o/{link}").status_code == 303
    with app.app_context():
        waves = db.session.execute(text("SELECT wave_id FROM response")).scalars().all()
    assert sorted(waves) == [first_wave, second_wave]
