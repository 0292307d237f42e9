"""Cutting the last link a database superuser could follow: transaction ids on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select, text

from ikzsurvey.db import db
from ikzsurvey.models import Comment, Invitation
from ikzsurvey.questions import Value
from ikzsurvey.retention import scrub_transaction_ids
from ikzsurvey.submission import AnswerValues, Segment, store_response

from .factories import make_survey


def _xmin(table: str, where: str, **params) -> str:
    return db.session.execute(text(f"SELECT xmin::text FROM {table} WHERE {where}"),
                              params).scalar_one()


def test_scrubbing_gives_invitations_and_comments_of_a_wave_new_transaction_ids(app):
    with app.app_context():
        survey = make_survey()
        wave, municipality = survey.waves[0], survey.municipalities[0]
        audience = survey.audiences[0]
        invitation = Invitation(token_hash="h" * 64, wave_id=wave.id,
                                municipality_id=municipality.id, audience_id=audience.id)
        db.session.add(invitation)
        db.session.commit()
        response_id = store_response(
            Segment(survey.id, wave.id, municipality.id, audience.id),
            [AnswerValues("sample", 1, "trust", (Value(number=4),)),
             AnswerValues("sample", 1, "remarks", (Value(text="Gut so."),), detached=True)],
            invitation_id=invitation.id,
        )
        postgres = db.engine.dialect.name == "postgresql"
        if postgres:  # written in one transaction: a superuser could join them
            response_xmin = _xmin("response", "id = :id", id=response_id)
            assert _xmin("invitation", "id = :id", id=invitation.id) == response_xmin
            assert _xmin("comment", "survey_id = :s", s=survey.id) == response_xmin

        scrub_transaction_ids([wave.id])

        db.session.expire_all()
        assert db.session.scalar(select(Invitation.used)) is True  # nothing else changes
        comment = db.session.scalar(select(Comment))
        assert (comment.text, comment.status) == ("Gut so.", "pending")
        if postgres:
            assert _xmin("invitation", "id = :id", id=invitation.id) != response_xmin
            assert _xmin("comment", "survey_id = :s", s=survey.id) != response_xmin
