"""Deleting a survey's data: when an organizer deletes the survey, and when its retention
date has passed (``ikzsurvey purge``, safe to run from cron every night)."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete, exists, or_, select, update

from .db import db, write_transaction
from .forgetting import CompactionFailed, compact
from .models import (
    Answer,
    Comment,
    Invitation,
    OpenLink,
    ParticipationSnapshot,
    Release,
    Response,
    SubmissionReceipt,
    Survey,
    Wave,
)

logger = logging.getLogger(__name__)


def delete_survey_data(survey_id: int, keep_survey: bool) -> dict[str, int]:
    """Delete a survey's answers, comments, receipts, invitations and releases — and, unless
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
        session.execute(delete(ParticipationSnapshot)
                        .where(ParticipationSnapshot.survey_id == survey_id))
        # The releases go with the answers they were made from: a later release could not
        # be audited against numbers whose answers no longer exist.
        counts["releases"] = session.execute(
            delete(Release).where(Release.survey_id == survey_id)).rowcount
        if not keep_survey:
            session.execute(delete(OpenLink).where(OpenLink.survey_id == survey_id))
            session.delete(session.get(Survey, survey_id))
    try:
        compact()  # no copy of the deleted rows stays in the database's files
    except CompactionFailed:
        logger.warning("Could not compact the tables after deleting survey %s' data; "
                       "`ikzsurvey purge` compacts again", survey_id, exc_info=True)
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
            wave.order_forgotten = True  # nothing of theirs is left to reorder
    return counts
