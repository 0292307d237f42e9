"""The cooperation's API tokens: which exist, for what, until when — and revoking one.

Tokens are made by the operator (``ikzsurvey create-token``), because the token itself is
shown once, on the command line. Organizers see every token of their cooperation here and
can revoke one at once; an expired token is refused by the API and listed until revoked.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..audit import audit
from ..db import db, write_transaction
from ..models import ApiToken, today
from . import bp, cooperation


def _described(token: ApiToken) -> str:
    """How the audit log names a token: its number, role and label — never the token."""
    return f"#{token.id} {token.role} {token.label[:100]}".strip()


@bp.route("/tokens")
def tokens():
    coop = cooperation()
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.cooperation_id == coop.id)
        .order_by(ApiToken.expires_on, ApiToken.id)
    ).all()
    return render_template("organizer/tokens.html", cooperation=coop, tokens=rows,
                           today=today())


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int):
    with write_transaction() as session:
        token = session.get(ApiToken, token_id)
        if token is None or token.cooperation_id != current_user.cooperation_id:
            abort(404)
        described = _described(token)
        session.delete(token)
    audit(current_user.cooperation_id, "token.revoke", described)
    flash(_("The API token %(token)s is revoked; it is refused from now on.",
            token=described), "success")
    return redirect(url_for("organizer.tokens")), 303
