"""Pages every visitor can read: the accessibility statement (EU directive 2016/2102, BITV 2.0)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("pages", __name__)


@bp.get("/accessibility")
def accessibility():
    return render_template(
        "pages/accessibility.html",
        contact=current_app.config.get("ACCESSIBILITY_CONTACT"),
        prepared_on=current_app.config.get("ACCESSIBILITY_STATEMENT_DATE"),
    )
