"""Deleting a survey's data: when an organizer deletes the survey, and when its retention
date has passed (``ikzsurvey purge``, safe to run from cron every night)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, exists, or_, select, update

from .db import db, write_transaction
from .models import (
    Answer,
    Comment,
    Invitation,
    OpenLink,
    Response,
    SubmissionReceipt,
    Survey,
    Wave,
)


def delete_survey_data(survey_id: int, keep_survey: bool) -> dict[str, int]:
    """Delete a survey's answers, comments, receipts and invitations — and, unless
    ``keep_survey``, the survey itself. Explicit deletes, so nothing depends on the
    database's cascades. Returns the rows deleted per table."""
    counts = {}
    with write_transaction() as session:
        wave_ids = select(Wave.id).where(Wave.survey_id == survey_id)
        counts["comments"] = session.execute(
            delete(Comment).where(Comment.survey_id == survey_id)).rowcount
        response_ids = select(Response.id).where(Response.survey_id == survey_id)
        counts["answers"] = session.execute(
            delete(Answer).where(Answer.response_id.in_(response_ids))).rowcount
        counts["responses"] = session.execute(
            delete(Response).where(Response.survey_id == survey_id)).rowcount
        counts["receipts"] = session.execute(
            delete(SubmissionReceipt).where(SubmissionReceipt.survey_id == survey_id)).rowcount
        counts["invitations"] = session.execute(
            delete(Invitation).where(Invitation.wave_id.in_(wave_ids))).rowcount
        if not keep_survey:
            session.execute(delete(OpenLink).where(OpenLink.survey_id == survey_id))
            session.delete(session.get(Survey, survey_id))
    return counts


def due_for_purge(today: dt.date | None = None) -> list[Survey]:
    """Surveys whose retention date has passed and that still hold data or accept answers
    (so a nightly run purges each survey once)."""
    today = today or dt.date.today()
    holds_data = or_(
        Survey.status != "closed",
        exists().where(Response.survey_id == Survey.id),
        exists().where(Comment.survey_id == Survey.id),
        exists().where(SubmissionReceipt.survey_id == Survey.id),
        exists().where(Invitation.wave_id == Wave.id, Wave.survey_id == Survey.id),
    )
    return list(db.session.scalars(
        select(Survey)
        .where(Survey.retain_until.is_not(None), Survey.retain_until < today, holds_data)
        .order_by(Survey.id)
    ))


def purge_survey(survey_id: int) -> dict[str, int]:
    """Delete the answers and invitations of a survey past its retention date, and close
    it (and its waves) so no new answers arrive. The survey and its settings remain."""
    counts = delete_survey_data(survey_id, keep_survey=True)
    with write_transaction() as session:
        survey = session.get(Survey, survey_id)
        survey.status = "closed"
        for wave in survey.waves:
            if wave.status == "open":
                wave.status, wave.closed_on = "closed", dt.date.today()
    return counts


def scrub_transaction_ids(wave_ids: list[int]) -> None:
    """Give the invitations and comments of closed waves new transaction ids.

    On PostgreSQL every row carries the id of the transaction that wrote it (``xmin``); a
    response, its invitation's ``used`` flag and its free-text comments are written in one
    transaction, so a database superuser could join them. Rewriting the invitations and
    comments of a closed wave in one batch gives them all the same, new ``xmin``, which
    cuts that link. On SQLite there is no such column and this does no harm.
    """
    if not wave_ids:
        return
    with write_transaction() as session:
        session.execute(
            update(Invitation).where(Invitation.wave_id.in_(wave_ids))
            .values(used=Invitation.used)
        )
        session.execute(
            update(Comment).where(Comment.wave_id.in_(wave_ids)).values(status=Comment.status)
        )
