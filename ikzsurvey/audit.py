"""The audit log: who created, opened, closed, published, exported or deleted what, and when.

Staff actions only — never an answer, a token or an address. Organizers of a cooperation
read its entries on their overview page.
"""

from __future__ import annotations

from flask import has_request_context
from flask_login import current_user

from .db import write_transaction
from .kinds import clean_text
from .models import AuditEntry


def actor() -> str:
    """Who acts: the signed-in account's e-mail, an API token, or the command line."""
    if has_request_context() and current_user.is_authenticated:
        if current_user.get_id() is None:
            return f"API token {current_user.token_id}"
        return current_user.email
    return "command line"


def audit(cooperation_id: int, action: str, target: str = "") -> None:
    """Record one action in its own short transaction."""
    with write_transaction() as session:
        session.add(
            AuditEntry(cooperation_id=cooperation_id, actor=actor()[:254], action=action,
                       target=clean_text(target)[:300])
        )
