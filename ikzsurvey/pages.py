"""Pages every visitor can read: the accessibility statement (EU directive 2016/2102, BITV 2.0)
and the survey explained in plain language (Leichte Sprache in German, plain English)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, session

from .respondent.journey import KEY as JOURNEY_KEY
from .texts import current_locale

bp = Blueprint("pages", __name__)

#: One page per language, each written for its readers rather than translated line by line.
EASY_TEMPLATES = {"de": "pages/easy_de.html", "en": "pages/easy_en.html"}


@bp.get("/accessibility")
def accessibility():
    return render_template(
        "pages/accessibility.html",
        contact=current_app.config.get("ACCESSIBILITY_CONTACT"),
        prepared_on=current_app.config.get("ACCESSIBILITY_STATEMENT_DATE"),
    )


@bp.get("/easy")
def easy():
    template = EASY_TEMPLATES.get(current_locale(), EASY_TEMPLATES["de"])
    # A way back to the survey for someone who came from its welcome page.
    return render_template(template, in_survey=isinstance(session.get(JOURNEY_KEY), dict))
