"""The respondent journey: link → welcome and privacy notice → pages → thank you.

One module per concept, all on the one blueprint ``respondent``: the links and the welcome
and thank-you pages here, :mod:`.questionnaire` (the questionnaire pages), :mod:`.submit`
(the final submission), :mod:`.context` (the journey under way and its pages' context),
:mod:`.rendering` (a questionnaire page rendered with its form), :mod:`.shown` (what the
pages show, read with Core), :mod:`.messages` ("why you can't go on" pages), with
:mod:`.journey`, :mod:`.faces`, :mod:`.kept` and :mod:`.lookups`.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, redirect, url_for

from ..db import read_connection
from ..security import LINK_LIMIT, limiter
from ..texts import LocalizedText
from ..tokens import hash_token, well_formed
from .context import _begin, _context, _journey_context
from .faces import frozen
from .journey import Journey
from .kept import render_kept
from .lookups import kept_lookup
from .messages import PAGE_TITLES, closed, invalid_link, message
from .shown import _INVITATION, _journey_of_link, _read_link, _survey_face

bp = Blueprint("respondent", __name__)


@bp.get("/t/<token>")
@limiter.limit(LINK_LIMIT)
def invitation(token: str):
    if not well_formed(token):
        return invalid_link()
    inv = read_connection().execute(
        _INVITATION, {"token_hash": hash_token(token)}
    ).one_or_none()
    if inv is None:
        return invalid_link()
    if inv.used:
        return message("already_answered", 200, survey=_survey_face(inv.survey_id))
    if inv.survey_status != "open" or inv.wave_status != "open":
        return closed(_survey_face(inv.survey_id))
    _begin(
        Journey.start(
            survey_id=inv.survey_id,
            wave_id=inv.wave_id,
            municipality_id=inv.municipality_id,
            audience_id=inv.audience_id,
            invitation_id=inv.id,
        )
    )
    # The token is personal: it leaves the address bar (and the browser's history of
    # this tab) at once.
    return redirect(url_for(".welcome"), 303)


@bp.get("/o/<key>")
@limiter.limit(LINK_LIMIT)
def open_link(key: str):
    if not well_formed(key):
        return invalid_link()
    # One query for the link, its survey's open wave and what the welcome page shows,
    # kept per process for a moment (lookups.py).
    link = kept_lookup(("link", key), lambda: _read_link(key), _journey_of_link)
    if link is None or not link.enabled:
        return invalid_link()
    if not link.shown.open:
        return closed(link.shown.survey)
    journey = _begin(
        Journey.start(
            survey_id=link.survey_id,
            wave_id=link.wave_id,
            municipality_id=link.municipality_id,
            audience_id=link.audience_id,
        )
    )
    # An open link is the same for everyone of its segment (it is printed on flyers), so
    # it may stay in the address bar: the welcome page comes at once, without a redirect
    # and the round trip a phone would wait for. Reloading it resumes the journey.
    ctx, response = _journey_context(journey, link.shown)
    if response is not None:
        return response
    return _welcome_page(ctx)


@bp.get("/survey/")
def welcome():
    ctx, response = _context()
    if response is not None:
        return response
    return _welcome_page(ctx)


def _welcome_page(ctx):
    # The page shows the survey's texts, the segment, the number of pages and the page the
    # journey goes on with: the same for everyone at the same point (kept per process).
    # An open link's notice speaks of a link, an invitation's of an invitation link.
    journey = ctx["journey"]
    key = (ctx["shown"].key, len(ctx["pages"]), journey.reached, journey.invitation_id is None)
    return render_kept("respondent/welcome.html", key, **ctx)


@bp.get("/survey/thanks")
def thanks():
    # The title was kept in the session at submission: this page needs no database.
    title = Journey.submitted_title()
    survey = SimpleNamespace(title_text=LocalizedText(title)) if title else None
    return render_kept("respondent/thanks.html", (frozen(title),), survey=survey)


@bp.app_context_processor
def message_titles():
    return {"MESSAGE_TITLES": PAGE_TITLES}


# The questionnaire pages register their route on ``bp`` (imported after ``bp`` exists).
from . import questionnaire  # noqa: E402, F401
