"""Cutting the links a database superuser could follow once a wave is closed: transaction
ids on PostgreSQL, nothing lost on either database (the order: tests/test_forensics.py)."""

from __future__ import annotations

from sqlalchemy import select, text

from ikzsurvey.db import db
from ikzsurvey.forgetting import forget_order, unfinished_waves
from ikzsurvey.models import Answer, Comment, Invitation, Response, Wave
from ikzsurvey.questions import Value
from ikzsurvey.submission import AnswerValues, Segment, store_response

from .factories import make_survey


def _xmin(table: str, where: str, **params) -> str:
    return db.session.execute(text(f"SELECT xmin::text FROM {table} WHERE {where}"),
                              params).scalar_one()


def test_forgetting_keeps_every_row_and_gives_them_one_transaction_id(app):
    with app.app_context():
        survey = make_survey()
        wave, municipality = survey.waves[0], survey.municipalities[0]
        audience = survey.audiences[0]
        invitation = Invitation(token_hash="h" * 64, wave_id=wave.id,
                                municipality_id=municipality.id, audience_id=audience.id)
        db.session.add(invitation)
        db.session.commit()
        wave_id, invitation_id = wave.id, invitation.id
        response_id = store_response(
            Segment(survey.id, wave.id, municipality.id, audience.id),
            [AnswerValues("sample", 1, "trust", (Value(number=4),)),
             AnswerValues("sample", 1, "goals", (Value(text="heat"), Value(text="sun"))),
             AnswerValues("sample", 1, "remarks", (Value(text="Gut so."),), detached=True)],
            invitation_id=invitation.id,
        )
        postgres = db.engine.dialect.name == "postgresql"
        if postgres:  # written in one transaction: a superuser could join them
            response_xmin = _xmin("response", "id = :id", id=response_id)
            assert _xmin("invitation", "id = :id", id=invitation_id) == response_xmin
            assert _xmin("comment", "survey_id = :s", s=survey.id) == response_xmin
        wave.status = "closed"
        db.session.commit()
        assert unfinished_waves() == [(survey.id, wave_id)]

        assert forget_order(survey.id, [wave_id]) is True

        db.session.expire_all()
        assert unfinished_waves() == []
        assert db.session.get(Wave, wave_id).order_forgotten
        assert db.session.get(Invitation, invitation_id).used is True  # nothing else changes
        comment = db.session.scalar(select(Comment))
        assert (comment.text, comment.status) == ("Gut so.", "pending")
        assert db.session.get(Response, response_id).wave_id == wave_id
        answers = db.session.execute(
            select(Answer.question_id, Answer.seq, Answer.value_num, Answer.value_text)
            .where(Answer.response_id == response_id).order_by(Answer.question_id, Answer.seq)
        ).all()
        assert [tuple(a) for a in answers] == [
            ("goals", 0, None, "heat"), ("goals", 1, None, "sun"), ("trust", 0, 4.0, None)]
        if postgres:
            rewritten = {_xmin("response", "id = :id", id=response_id),
                         _xmin("invitation", "id = :id", id=invitation_id),
                         _xmin("comment", "survey_id = :s", s=survey.id)}
            assert len(rewritten) == 1 and response_xmin not in rewritten


def test_a_running_wave_and_other_surveys_are_left_as_they_are(app):
    with app.app_context():
        closed, running = make_survey(), make_survey()
        segments = [Segment(s.id, s.waves[0].id, s.municipalities[0].id, s.audiences[0].id)
                    for s in (closed, running)]
        ids = [store_response(seg, [AnswerValues("sample", 1, "trust", (Value(number=2),))],
                              receipt_key=f"key{n}") for n, seg in enumerate(segments)]
        closed.waves[0].status = "closed"
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            before = _xmin("response", "id = :id", id=ids[1])
        forget_order(closed.id, [closed.waves[0].id])
        db.session.expire_all()
        assert db.session.scalars(select(Response.id).order_by(Response.id)).all() == sorted(ids)
        if db.engine.dialect.name == "postgresql":
            assert _xmin("response", "id = :id", id=ids[1]) == before


def test_purge_finishes_a_closed_wave_whose_order_is_not_forgotten_yet(app, runner):
    with app.app_context():
        survey = make_survey(wave_status="closed")  # e.g. closed before this version
        survey_id, wave_id = survey.id, survey.waves[0].id
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert f"Would rewrite 1 closed wave of survey {survey_id}" in dry.output
    with app.app_context():
        assert unfinished_waves() == [(survey_id, wave_id)]
    done = runner.invoke(args=["purge"])
    assert done.exit_code == 0, done.output
    assert f"Rewrote 1 closed wave of survey {survey_id}" in done.output
    with app.app_context():
        assert unfinished_waves() == []
    assert "Rewrote" not in runner.invoke(args=["purge"]).output  # once only


def test_a_large_wave_is_left_to_the_nightly_purge_and_the_organizer_is_told(app_factory):
    from .test_organizer import Organizer

    app = app_factory(FORGET_AT_CLOSE_MAX_RESPONSES=0)
    with app.app_context():
        survey = make_survey()
        survey_id, wave_id, cooperation_id = survey.id, survey.waves[0].id, survey.cooperation_id
        segment = Segment(survey_id, wave_id, survey.municipalities[0].id, survey.audiences[0].id)
        store_response(segment, [AnswerValues("sample", 1, "trust", (Value(number=3),))],
                       receipt_key="k1")
    organizer = Organizer(app, cooperation_id, lang="en", email="org@example.org")
    page = organizer.post(f"/organize/surveys/{survey_id}/waves/close")
    assert "the nightly clean-up (ikzsurvey purge) removes it" in page.get_data(as_text=True)
    with app.app_context():
        assert unfinished_waves() == [(survey_id, wave_id)]
    done = app.test_cli_runner().invoke(args=["purge"])
    assert f"Rewrote 1 closed wave of survey {survey_id}" in done.output
    with app.app_context():
        assert unfinished_waves() == []
