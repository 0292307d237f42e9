"""The respondent journey: link → welcome and privacy notice → pages → thank you."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..db import db
from ..forms import page_form, saved_formdata
from ..models import Audience, Invitation, Municipality, OpenLink, Survey
from ..security import LINK_LIMIT, limiter
from ..submission import (
    AlreadySubmitted,
    AnswerValues,
    Segment,
    SurveyClosed,
    answer_values,
    store_response,
)
from ..surveys import SurveyUnavailable, pages_for, pinned_question_sets, registry
from ..tokens import hash_token, well_formed
from .journey import Journey

bp = Blueprint("respondent", __name__)


def message(kind: str, status: int, **context):
    """One template for every "why you can't go on" page."""
    return render_template("respondent/message.html", kind=kind, **context), status


def invalid_link():
    return message("invalid_link", 404)


def closed(survey=None):
    return message("closed", 410, survey=survey)


@bp.get("/t/<token>")
@limiter.limit(LINK_LIMIT)
def invitation(token: str):
    if not well_formed(token):
        return invalid_link()
    inv = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if inv is None:
        return invalid_link()
    survey = inv.wave.survey
    if inv.used:
        return message("already_answered", 200, survey=survey)
    if survey.status != "open" or inv.wave.status != "open":
        return closed(survey)
    return _begin(
        Journey.start(
            survey_id=survey.id,
            wave_id=inv.wave_id,
            municipality_id=inv.municipality_id,
            audience_id=inv.audience_id,
            invitation_id=inv.id,
        )
    )


@bp.get("/o/<key>")
@limiter.limit(LINK_LIMIT)
def open_link(key: str):
    if not well_formed(key):
        return invalid_link()
    link = db.session.scalar(select(OpenLink).where(OpenLink.key == key))
    if link is None or not link.enabled:
        return invalid_link()
    survey = link.survey
    wave = survey.current_wave
    if survey.status != "open" or wave is None:
        return closed(survey)
    return _begin(
        Journey.start(
            survey_id=survey.id,
            wave_id=wave.id,
            municipality_id=link.municipality_id,
            audience_id=link.audience_id,
        )
    )


def _begin(journey: Journey):
    """Start (or resume, when the same link is opened again) and leave the token's URL."""
    current = Journey.current()
    if current is None or not current.same_start(journey):
        journey.save()
    return redirect(url_for(".welcome"), 303)


def _context():
    """The current journey with its survey, segment and pages — or a response to return."""
    journey = Journey.current()
    if journey is None:
        if Journey.just_submitted():
            return None, redirect(url_for(".thanks"), 303)
        return None, message("no_journey", 400)
    survey = db.session.get(Survey, journey.survey_id)
    wave = next((w for w in survey.waves if w.id == journey.wave_id), None) if survey else None
    if survey is None or wave is None or survey.status != "open" or wave.status != "open":
        return None, closed(survey)
    audience = db.session.get(Audience, journey.audience_id)
    municipality = db.session.get(Municipality, journey.municipality_id)
    try:
        pages = pages_for(pinned_question_sets(survey, audience.key))
    except SurveyUnavailable:
        return None, message("unavailable", 503, survey=survey)
    return {
        "journey": journey,
        "survey": survey,
        "audience": audience,
        "municipality": municipality,
        "pages": pages,
    }, None


@bp.get("/survey/")
def welcome():
    ctx, response = _context()
    if response is not None:
        return response
    return render_template("respondent/welcome.html", **ctx)


@bp.route("/survey/page/<int:number>", methods=["GET", "POST"])
def page(number: int):
    ctx, response = _context()
    if response is not None:
        return response
    journey, pages = ctx["journey"], ctx["pages"]
    if not pages:
        return message("unavailable", 503, survey=ctx["survey"])
    if not 1 <= number <= len(pages):
        abort(404)
    if number > journey.reached:
        return redirect(url_for(".page", number=journey.reached), 303)
    current = pages[number - 1]
    key = str(number)

    if request.method == "GET":
        form = page_form(current, registry(), MultiDict(journey.answers.get(key, {})))
        return _render_page(ctx, number, form, errors=False)

    journey.answers[key] = saved_formdata(current, request.form)
    if request.form.get("action") == "back":
        journey.save()  # what was entered is kept, unchecked, until the page is sent on
        target = url_for(".page", number=number - 1) if number > 1 else url_for(".welcome")
        return redirect(target, 303)

    form = page_form(current, registry())
    if not form.validate():
        journey.save()
        return _render_page(ctx, number, form, errors=True), 422
    if number < len(pages):
        journey.reached = max(journey.reached, number + 1)
        journey.save()
        return redirect(url_for(".page", number=number + 1), 303)
    journey.save()
    return _submit(ctx)


def _render_page(ctx, number: int, form, errors: bool):
    return render_template(
        "respondent/page.html",
        number=number,
        total=len(ctx["pages"]),
        page=ctx["pages"][number - 1],
        form=form,
        show_errors=errors,
        **ctx,
    )


def _submit(ctx):
    """Check every page once more, then store the response in one transaction."""
    journey, pages = ctx["journey"], ctx["pages"]
    answers: list[AnswerValues] = []
    reg = registry()
    for number, page in enumerate(pages, start=1):
        saved = MultiDict(journey.answers.get(str(number), {}))
        form = page_form(page, reg, saved, False)
        if not form.validate():
            return _render_page(ctx, number, form, errors=True), 422
        for question, field in form.questions:
            values = reg.kind_of(question).to_values(question, field.data)
            if values:
                qs = page.question_set
                answers.append(answer_values(qs, question, values, reg))
    segment = Segment(
        survey_id=journey.survey_id,
        wave_id=journey.wave_id,
        municipality_id=journey.municipality_id,
        audience_id=journey.audience_id,
    )
    try:
        store_response(
            segment,
            answers,
            invitation_id=journey.invitation_id,
            receipt_key=journey.receipt_key,
        )
    except AlreadySubmitted:
        Journey.finish(journey.survey_id)
        if journey.invitation_id is not None:
            return message("already_answered", 200, survey=ctx["survey"])
        return redirect(url_for(".thanks"), 303)
    except SurveyClosed:
        Journey.finish(journey.survey_id)
        return closed(ctx["survey"])
    Journey.finish(journey.survey_id)
    return redirect(url_for(".thanks"), 303)


@bp.get("/survey/thanks")
def thanks():
    survey_id = Journey.just_submitted()
    survey = db.session.get(Survey, survey_id) if survey_id else None
    return render_template("respondent/thanks.html", survey=survey)


PAGE_TITLES = {
    "invalid_link": _l("This link is not valid"),
    "closed": _l("This survey is closed"),
    "already_answered": _l("You have already answered this survey"),
    "no_journey": _l("No survey in progress"),
    "unavailable": _l("This survey is not available at the moment"),
}


@bp.app_context_processor
def message_titles():
    return {"MESSAGE_TITLES": PAGE_TITLES}
