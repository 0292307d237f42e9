"""Anonymity by construction: nothing links a response to an invitation, address or time."""

from __future__ import annotations

from sqlalchemy import Date, DateTime, Time, inspect, select, text

from ikzsurvey.db import db
from ikzsurvey.models import Answer, Comment, Invitation, Response, SubmissionReceipt

from .factories import invite, make_survey
from .respondent import VALID_PAGE_ONE, Respondent

FORBIDDEN_WORDS = ("token", "invitation", "ip", "address", "agent", "session", "time", "user")


def _columns(model):
    return list(model.__table__.columns)


def test_no_column_of_response_or_answer_references_an_invitation():
    for model in (Response, Answer, SubmissionReceipt, Comment):
        for column in _columns(model):
            assert {fk.column.table.name for fk in column.foreign_keys} <= {
                "survey", "wave", "municipality", "audience", "response"
            }, column
            assert not any(word in column.name.split("_") for word in FORBIDDEN_WORDS), column


def test_responses_know_the_date_only():
    for model in (Response, Answer, Invitation, SubmissionReceipt, Comment):
        for column in _columns(model):
            assert not isinstance(column.type, (DateTime, Time)), column
    assert isinstance(Response.__table__.c.submitted_on.type, Date)


def test_a_free_text_comment_cannot_lead_back_to_its_response():
    names = {c.name for c in _columns(Comment)}
    assert names == {
        "id", "survey_id", "wave_id", "municipality_id", "audience_id", "question_set_id",
        "question_set_version", "question_id", "text", "status", "redacted_text",
    }
    assert not any(fk.column.table.name == "response" for c in _columns(Comment)
                   for fk in c.foreign_keys)


def test_an_invitation_records_only_that_it_was_used():
    names = {c.name for c in _columns(Invitation)}
    assert names == {"id", "token_hash", "wave_id", "municipality_id", "audience_id", "used"}


def test_response_ids_are_random_not_sequential(app):
    with app.app_context():
        survey = make_survey()
        tokens = [invite(survey) for _ in range(3)]
    for token in tokens:
        Respondent(app.test_client()).complete(f"/t/{token}")
    with app.app_context():
        ids = list(db.session.scalars(select(Response.id)))
    assert len(set(ids)) == 3
    for value in ids:
        assert len(value) == 32 and int(value, 16) > 2**64  # 128 random bits, not a counter


def test_sqlite_keeps_no_rowid_order_for_responses_and_answers(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            assert db.engine.dialect.name == "postgresql"
            return
        for table in ("response", "answer", "submission_receipt"):
            sql = db.session.execute(
                text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table}
            ).scalar()
            assert "WITHOUT ROWID" in sql, table


def test_plain_tokens_and_answers_in_progress_never_reach_the_database(app):
    with app.app_context():
        survey = make_survey()
        token = invite(survey)
    respondent = Respondent(app.test_client())
    respondent.open(f"/t/{token}")
    respondent.post(1, VALID_PAGE_ONE)
    respondent.post(2, {"q-remarks": "Geheimer Zwischenstand"}, action="back")
    with app.app_context():
        dump = _dump_database()
    assert token not in dump
    assert "Geheimer Zwischenstand" not in dump
    with app.app_context():
        assert db.session.scalar(select(Invitation.used)) is False


def _dump_database() -> str:
    """Every value in every table, as text."""
    lines = []
    for table in inspect(db.engine).get_table_names():
        for row in db.session.execute(text(f'SELECT * FROM "{table}"')):
            lines.append(" ".join(str(value) for value in row))
    return "\n".join(lines)


def test_the_access_log_does_not_record_addresses_and_times(app):
    import logging

    assert logging.getLogger("werkzeug").getEffectiveLevel() >= logging.WARNING


def test_a_crash_on_an_invitation_link_does_not_log_the_token(app_factory, monkeypatch, caplog):
    from ikzsurvey import respondent

    app = app_factory(PROPAGATE_EXCEPTIONS=False)

    def broken(token):
        raise RuntimeError("boom")

    monkeypatch.setattr(respondent, "hash_token", broken)
    token = "T" * 32
    with caplog.at_level("ERROR"):
        response = app.test_client().get(f"/t/{token}")
    assert response.status_code == 500
    assert "Exception on /t/…" in caplog.text and "boom" in caplog.text
    assert token not in caplog.text
