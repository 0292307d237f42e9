"""Accounts of the cooperation: organizers and council viewers."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..audit import audit
from ..db import db, write_transaction
from ..models import User
from ..passwords import generate_password, hash_password
from . import bp, invalid_form
from .forms import AccountForm


def account_form() -> AccountForm:
    form = AccountForm()
    form.role.choices = [("viewer", _("viewer (reads published results)")),
                         ("admin", _("organizer (runs the cooperation's surveys)"))]
    return form


@bp.route("/accounts", methods=["POST"])
def create_account():
    """Create an account (or give one of this cooperation a new password). The generated
    password is shown once, on the answer to this request."""
    form = account_form()
    if not form.validate():
        return invalid_form(form, "organizer.index")
    email = form.email.data.strip().lower()
    password = generate_password()
    password_hash = hash_password(password)  # Argon2 outside the write transaction
    with write_transaction() as session:
        user = session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.cooperation_id != current_user.cooperation_id:
            user = None
            taken = True
        else:
            taken = False
            if user is None:
                user = User(email=email, cooperation_id=current_user.cooperation_id)
                session.add(user)
            user.role = form.role.data
            user.password_hash = password_hash
            user.failed_logins, user.locked_until = 0, None
            user.session_epoch = (user.session_epoch or 0) + 1  # its sessions end
    if taken:
        flash(_("This e-mail address belongs to an account of another cooperation."), "error")
        return redirect(url_for("organizer.index")), 303
    audit(current_user.cooperation_id, "user.create", f"{email} ({form.role.data})")
    response = render_template("organizer/password.html", email=email, password=password)
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/accounts/<int:user_id>/delete", methods=["POST"])
def delete_account(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.cooperation_id != current_user.cooperation_id:
        abort(404)
    if user.id == current_user.id:
        flash(_("You cannot remove your own account."), "error")
        return redirect(url_for("organizer.index"))
    email = user.email
    with write_transaction() as session:
        session.delete(session.get(User, user_id))
    audit(current_user.cooperation_id, "user.delete", email)
    flash(_("The account %(email)s is removed.", email=email), "success")
    return redirect(url_for("organizer.index"))
