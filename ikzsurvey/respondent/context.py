"""The journey under way: starting or resuming it, and the context its pages render with."""

from __future__ import annotations

from flask import redirect, url_for
from flask_wtf.csrf import generate_csrf

from ..surveys import SurveyUnavailable, survey_pages
from .journey import Journey
from .lookups import kept_lookup
from .messages import closed, message
from .shown import Shown, _journey_key, _read_journey, _survey_face


def _begin(journey: Journey) -> Journey:
    """Start the journey, or resume the one under way when the same link is opened again;
    returns the journey that goes on."""
    current = Journey.current()
    if current is None or not current.same_start(journey):
        journey.save()
        current = journey
    # The form token's secret is made now, so the session is written once here and not
    # again when the first page is shown (sessions are written only when they change).
    generate_csrf()
    return current


def _context():
    """The current journey with its survey, segment and pages — or a response to return."""
    journey = Journey.current()
    if journey is None:
        if Journey.just_submitted():
            return None, redirect(url_for(".thanks"), 303)
        return None, message("no_journey", 400)
    # One Core query for the survey, its wave's status, the segment and the pins, kept per
    # process for a moment (lookups.py). (The ORM's entities and unit of work would cost
    # more than the query itself on a path every respondent takes three times.)
    ids = {
        "survey_id": journey.survey_id,
        "wave_id": journey.wave_id,
        "audience_id": journey.audience_id,
        "municipality_id": journey.municipality_id,
    }
    shown = kept_lookup(_journey_key(**ids), lambda: _read_journey(ids))
    if shown is None:
        return None, closed(_survey_face(journey.survey_id))
    return _journey_context(journey, shown)


def _journey_context(journey: Journey, shown: Shown):
    """The context of the journey's pages, or a response to return instead."""
    if not shown.open:
        return None, closed(shown.survey)
    try:
        pages = survey_pages(shown.pins, shown.audience.key)
    except SurveyUnavailable:
        return None, message("unavailable", 503, survey=shown.survey)
    return {
        "journey": journey,
        "shown": shown,
        "survey": shown.survey,
        "audience": shown.audience,
        "municipality": shown.municipality,
        "pages": pages,
    }, None
