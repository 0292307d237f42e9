"""Pages every visitor can read: the start page, the accessibility statement (EU directive
2016/2102, BITV 2.0 § 7) and the survey explained in plain language (Leichte Sprache in
German, plain English)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, render_template, session

from .respondent.journey import KEY as JOURNEY_KEY
from .texts import current_locale

bp = Blueprint("pages", __name__)

#: One page per language, each written for its readers rather than translated line by line.
EASY_TEMPLATES = {"de": "pages/easy_de.html", "en": "pages/easy_en.html"}


def _date(name: str) -> dt.date | None:
    """A date from the configuration (a ``date`` or an ISO string such as "2026-11-29")."""
    value = current_app.config.get(name)
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@bp.get("/")
def start():
    return render_template("pages/start.html")


@bp.get("/accessibility")
def accessibility():
    config = current_app.config
    return render_template(
        "pages/accessibility.html",
        contact=config.get("ACCESSIBILITY_CONTACT"),
        phone=config.get("ACCESSIBILITY_PHONE"),
        prepared_on=_date("ACCESSIBILITY_STATEMENT_DATE"),
        reviewed_on=_date("ACCESSIBILITY_REVIEWED_ON"),
        arbitration_name=config.get("ARBITRATION_BODY_NAME"),
        arbitration_url=config.get("ARBITRATION_BODY_URL"),
    )


@bp.get("/easy")
def easy():
    template = EASY_TEMPLATES.get(current_locale(), EASY_TEMPLATES["de"])
    # A way back to the survey for someone who came from its welcome page.
    return render_template(template, in_survey=isinstance(session.get(JOURNEY_KEY), dict))
