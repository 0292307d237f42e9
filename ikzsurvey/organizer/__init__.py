"""The organizer's pages: the cooperation, its surveys, waves, invitations and open links.

Every page belongs to the signed-in organizer's own cooperation; anything of another
cooperation answers 404. Every change is a POST with a CSRF token and leaves an entry in
the audit log.

One module per concept, all on the one blueprint ``organizer``:
:mod:`.partners` (the cooperation, its municipalities and groups), :mod:`.accounts`,
:mod:`.surveys` (settings, status, waves, deleting), :mod:`.invitations` (invitations and
open links), :mod:`.tokens` (API tokens), :mod:`.audit_log` and :mod:`.labels` (words for
statuses and audit entries).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..auth import organizer_required
from ..db import db
from ..models import Cooperation, Survey
from ..models import Response as StoredResponse

bp = Blueprint("organizer", __name__, url_prefix="/organize")


@bp.before_request
@organizer_required
def organizers_only():
    """Every page here is for the cooperation's signed-in organizers only."""


def cooperation() -> Cooperation:
    found = db.session.get(Cooperation, current_user.cooperation_id)
    if found is None:
        abort(404)
    return found


def own_survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.cooperation_id != current_user.cooperation_id:
        abort(404)
    return survey


def response_count(survey: Survey) -> int:
    return db.session.scalar(
        select(func.count()).select_from(StoredResponse)
        .where(StoredResponse.survey_id == survey.id)
    )


def invalid_form(form, endpoint: str, **values):
    """A rejected form: say what was wrong, change nothing."""
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")
    return redirect(url_for(endpoint, **values)), 303


# The pages, each module registering its routes on ``bp`` (imported after ``bp`` exists).
from . import accounts, audit_log, invitations, labels, partners, surveys, tokens  # noqa: E402, F401


def init_app(app) -> None:
    app.register_blueprint(bp)
