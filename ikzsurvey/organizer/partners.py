"""The cooperation's own page: its name, partner municipalities, groups, accounts and
the latest audit entries."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..audit import audit
from ..db import db, write_transaction
from ..models import Audience, AuditEntry, Municipality, User
from . import bp, cooperation, invalid_form
from .accounts import account_form
from .forms import AudienceForm, CooperationForm, MunicipalityForm

AUDIT_ENTRIES_SHOWN = 20  # the latest; the whole log is on /organize/audit


@bp.route("/")
def index():
    coop = cooperation()
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.cooperation_id == coop.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(AUDIT_ENTRIES_SHOWN)
    ).all()
    return render_template(
        "organizer/index.html",
        cooperation=coop,
        cooperation_form=CooperationForm(obj=coop),
        municipality_form=MunicipalityForm(),
        audience_form=AudienceForm(),
        account_form=account_form(),
        accounts=db.session.scalars(
            select(User).where(User.cooperation_id == coop.id).order_by(User.email)).all(),
        entries=entries,
    )


@bp.route("/cooperation", methods=["POST"])
def edit_cooperation():
    form = CooperationForm()
    if not form.validate():
        return invalid_form(form, "organizer.index")
    with write_transaction():
        coop = cooperation()
        coop.name, coop.topic = form.name.data.strip(), (form.topic.data or "").strip()
    audit(coop.id, "cooperation.update", coop.name)
    flash(_("Saved."), "success")
    return redirect(url_for("organizer.index"))


@bp.route("/municipalities", methods=["POST"])
def add_municipality():
    form = MunicipalityForm()
    if not form.validate():
        return invalid_form(form, "organizer.index")
    name = form.name.data.strip()
    coop = cooperation()
    if any(m.name.casefold() == name.casefold() for m in coop.municipalities):
        flash(_("There is already a municipality called %(name)s.", name=name), "error")
        return redirect(url_for("organizer.index"))
    with write_transaction() as session:
        session.add(Municipality(cooperation_id=coop.id, name=name))
    audit(coop.id, "municipality.add", name)
    flash(_("%(name)s is now a partner of the cooperation.", name=name), "success")
    return redirect(url_for("organizer.index"))


@bp.route("/municipalities/<int:municipality_id>", methods=["POST"])
def rename_municipality(municipality_id: int):
    form = MunicipalityForm()
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None or municipality.cooperation_id != current_user.cooperation_id:
        abort(404)
    if not form.validate():
        return invalid_form(form, "organizer.index")
    name = form.name.data.strip()
    clash = any(m.name.casefold() == name.casefold() and m.id != municipality_id
                for m in municipality.cooperation.municipalities)
    if clash:
        flash(_("There is already a municipality called %(name)s.", name=name), "error")
        return redirect(url_for("organizer.index"))
    old = municipality.name
    with write_transaction():
        db.session.get(Municipality, municipality_id).name = name
    audit(current_user.cooperation_id, "municipality.rename", f"{old} → {name}")
    flash(_("Saved."), "success")
    return redirect(url_for("organizer.index"))


@bp.route("/audiences", methods=["POST"])
def add_audience():
    form = AudienceForm()
    if not form.validate():
        return invalid_form(form, "organizer.index")
    coop = cooperation()
    key = form.key.data.strip()
    if any(a.key == key for a in coop.audiences):
        flash(_("There is already a group with the key %(key)s.", key=key), "error")
        return redirect(url_for("organizer.index"))
    with write_transaction() as session:
        session.add(Audience(cooperation_id=coop.id, key=key,
                             labels={"de": form.label_de.data.strip(),
                                     "en": form.label_en.data.strip()}))
    audit(coop.id, "audience.add", key)
    flash(_("The group %(key)s is added.", key=key), "success")
    return redirect(url_for("organizer.index"))
