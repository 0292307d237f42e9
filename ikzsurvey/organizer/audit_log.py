"""The whole audit log of a cooperation, newest first: paged, and filtered by action, by
who acted and by date. The log stores UTC; times are shown, and days filtered, in the
server's time zone (``BABEL_DEFAULT_TIMEZONE``, Europe/Berlin by default)."""

from __future__ import annotations

import datetime as dt

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import DateField, Form, SelectField
from wtforms.validators import Optional, ValidationError

from ..audit import utc_midnight
from ..db import db
from ..models import AuditEntry
from . import bp, cooperation
from .labels import audit_label

ENTRIES_PER_PAGE = 50


class AuditFilterForm(Form):
    """The filters, sent with GET (a search changes nothing: no CSRF token)."""

    action = SelectField(_l("What"), choices=[], default="")
    actor = SelectField(_l("Who"), choices=[], default="")
    since = DateField(_l("From (day)"), validators=[Optional()])
    until = DateField(_l("Until (day)"), validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The last day must not be before the first."))


def _filter_form(cooperation_id: int) -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    mine = AuditEntry.cooperation_id == cooperation_id
    actions = db.session.scalars(select(AuditEntry.action).where(mine).distinct()).all()
    actors = db.session.scalars(select(AuditEntry.actor).where(mine).distinct()).all()
    form.action.choices = [("", _("All actions"))] + sorted(
        ((a, audit_label(a)) for a in actions), key=lambda choice: choice[1].casefold())
    form.actor.choices = [("", _("Everyone"))] + [(a, a) for a in sorted(actors)]
    return form


@bp.route("/audit")
def audit_log():
    coop = cooperation()
    form = _filter_form(coop.id)
    query = select(AuditEntry).where(AuditEntry.cooperation_id == coop.id)
    valid = form.validate()
    if valid:
        if form.action.data:
            query = query.where(AuditEntry.action == form.action.data)
        if form.actor.data:
            query = query.where(AuditEntry.actor == form.actor.data)
        if form.since.data:
            query = query.where(AuditEntry.at >= utc_midnight(form.since.data))
        if form.until.data:
            query = query.where(
                AuditEntry.at < utc_midnight(form.until.data + dt.timedelta(days=1)))
    else:
        query = query.where(False)  # a filter that cannot be understood shows nothing
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // ENTRIES_PER_PAGE))
    asked = request.args.get("page", "1")
    # ASCII digits ("²".isdigit() is true) of a page that exists.
    if not (asked.isascii() and asked.isdigit()) or not 1 <= int(asked) <= pages:
        abort(400, description=_("There is no page %(value)s; the list has %(pages)d.",
                                 value=asked[:20], pages=pages))
    page = int(asked)
    entries = db.session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(ENTRIES_PER_PAGE).offset((page - 1) * ENTRIES_PER_PAGE)
    ).all()
    filters = {name: value for name, value in request.args.items()
               if name in form.data and value}
    return render_template(
        "organizer/audit.html", cooperation=coop, form=form, entries=entries, total=total,
        page=page, pages=pages, filters=filters,
    ), (200 if valid else 400)
