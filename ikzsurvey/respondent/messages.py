"""The message pages: one template for every "why you can't go on" page, and their titles."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l


def message(kind: str, status: int, **context):
    """One template for every "why you can't go on" page."""
    return render_template("respondent/message.html", kind=kind, **context), status


def invalid_link():
    return message("invalid_link", 404)


def closed(survey=None):
    return message("closed", 410, survey=survey)


PAGE_TITLES = {
    "invalid_link": _l("This link is not valid"),
    "closed": _l("This survey is closed"),
    "already_answered": _l("You have already answered this survey"),
    "no_journey": _l("No survey in progress"),
    "unavailable": _l("This survey is not available at the moment"),
}
