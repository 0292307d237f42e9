"""The console script: init-db (migrations), demo, and the health check."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from ikzsurvey import create_app
from ikzsurvey.db import db
from ikzsurvey.models import Answer, Invitation, Response, Survey, SurveyQuestionSet, Wave


def test_init_db_applies_migrations_that_match_the_models(tmp_path, server_database):
    url = server_database or f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x",
                      "SESSION_DIR": str(tmp_path / "s")})
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output
    with app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    assert diff == []


def test_demo_creates_a_cooperation_survey_waves_and_responses(app, runner):
    result = runner.invoke(args=["demo", "--responses", "40", "--seed", "7", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert {"cooperation", "survey", "open_links", "invitation_links", "results_url",
            "admin"} <= set(info)
    assert len(info["open_links"]) == 4 * 3
    assert len(info["invitation_links"]) >= 1 and "/t/" in info["invitation_links"][0]
    assert info["admin"]["email"] and len(info["admin"]["password"]) >= 16
    with app.app_context():
        survey = db.session.get(Survey, info["survey"])
        pinned = {p.question_set_id for p in survey.question_sets}
        registry = app.extensions["ikzsurvey.registry"]
        assert pinned == {qs.id for qs in registry.latest()}  # every loaded question set
        assert [w.status for w in survey.waves] == ["closed", "closed", "open"]
        assert [w.published for w in survey.waves] == [True, True, False]
        assert [w.public for w in survey.waves] == [False, True, False]
        assert db.session.scalar(select(func.count()).select_from(Response)) == 40
        used = db.session.scalar(select(func.count()).where(Invitation.used))
        assert used == 40  # each simulated response spent an invitation, like a real one
        by_wave = dict(db.session.execute(
            select(Wave.number, func.count()).join(Response, Response.wave_id == Wave.id)
            .group_by(Wave.number)).all())
        assert set(by_wave) == {1, 2}


def test_demo_answers_differ_by_municipality(app, runner):
    runner.invoke(args=["demo", "--responses", "300", "--json"])
    with app.app_context():
        from ikzsurvey.models import Municipality

        means = dict(db.session.execute(
            select(Municipality.name, func.avg(Answer.value_num))
            .join(Response, Response.municipality_id == Municipality.id)
            .join(Answer, Answer.response_id == Response.id)
            .where(Answer.question_id.like("%-performance"))
            .group_by(Municipality.name)).all())
    assert means["Bergheim"] > means["Kleinmühlen"] + 0.3


def test_a_second_demo_run_keeps_the_data_and_prints_fresh_links(app, runner):
    first = json.loads(runner.invoke(args=["demo", "--responses", "20", "--json"]).output)
    with app.app_context():
        responses = db.session.scalar(select(func.count()).select_from(Response))
        pins = db.session.scalar(select(func.count()).select_from(SurveyQuestionSet))
    second = json.loads(runner.invoke(args=["demo", "--responses", "20", "--json"]).output)
    assert second["survey"] == first["survey"] and second["created"] is False
    assert set(second["invitation_links"]).isdisjoint(first["invitation_links"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == responses
        assert db.session.scalar(select(func.count()).select_from(SurveyQuestionSet)) == pins


def test_a_demo_invitation_link_opens_the_survey(app, runner):
    info = json.loads(runner.invoke(args=["demo", "--responses", "5", "--json"]).output)
    client = app.test_client()
    path = info["invitation_links"][0].split("5000", 1)[-1]
    welcome = client.get(path, follow_redirects=True)
    assert welcome.status_code == 200
    assert "Energiewende" in welcome.get_data(as_text=True)


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
                      "SECRET_KEY": "x", "SESSION_DIR": str(tmp_path / "s")})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_console_script_reports_a_broken_plugin_without_a_traceback(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    folder = tmp_path / "question_sets"
    folder.mkdir()
    (folder / "bad.toml").write_text('id = "bad"\nversion = 1\ntitle = "B"\nquestions = []\n')
    env = dict(os.environ, IKZSURVEY_QUESTION_SET_DIR=str(folder),
               IKZSURVEY_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    script = Path(sys.executable).with_name("ikzsurvey")
    result = subprocess.run([str(script), "plugins"], env=env, capture_output=True, text=True,
                            cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert "ikzsurvey cannot start" in result.stderr and "bad.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_fresh_installation_starts_with_create_cooperation_and_create_user(app, runner):
    made = runner.invoke(args=["create-cooperation", "--name", "Kooperation Auenland",
                               "--municipality", "Auheim", "--municipality", "Feldberg"])
    assert made.exit_code == 0, made.output
    again = runner.invoke(args=["create-cooperation", "--name", "kooperation auenland"])
    assert again.exit_code == 2 and "exists already" in again.output
    user = runner.invoke(args=["create-user", "--email", "buero@auenland.example",
                               "--role", "admin"])
    assert user.exit_code == 0, user.output
    with app.app_context():
        from ikzsurvey.models import Cooperation, User

        cooperation = db.session.scalar(select(Cooperation))
        assert [m.name for m in cooperation.municipalities] == ["Auheim", "Feldberg"]
        assert [a.key for a in cooperation.audiences] == ["employees", "council", "citizens"]
        assert db.session.scalar(select(User.cooperation_id)) == cooperation.id
