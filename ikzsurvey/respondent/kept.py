"""Respondent pages kept, rendered, per process.

The respondent's pages are the busiest of the application: in the hour after an invitation
mail most of a survey's respondents open the welcome page, the first questionnaire page and
the thank-you page, and the markup of each is the same for everyone of a segment who reads
the same language. :func:`render_kept` renders such a page once and serves the kept copy
afterwards, with the session's own form token put in. The key names everything the page
shows; together with the template, the language and the address (the language switch links
to it) it decides the page.

A page is always rendered afresh for a signed-in staff member (whose header differs), when a
message is waiting to be flashed, and for any address with query arguments other than
``lang``. At most :data:`LIMIT` pages are kept per process; the least recently used go first.
"""

from __future__ import annotations

import secrets

from flask import current_app, render_template, request, session
from flask_wtf.csrf import generate_csrf

from ..lru import LRU
from ..texts import current_locale

#: Pages kept per process (a page is 3 to 30 kB).
LIMIT = 512
#: Stands for the form token in a kept page; random per process, so no answer or text of a
#: survey can contain it.
TOKEN_PLACEHOLDER = "form-token-" + secrets.token_hex(16)


class KeptPages(LRU[tuple, str]):
    """The rendered pages, by key; at most :data:`LIMIT`, least recently used out first."""

    def __init__(self, limit: int = LIMIT) -> None:
        super().__init__(limit)


def init_app(app) -> None:
    app.extensions["ikzsurvey.kept_pages"] = KeptPages()


def keepable() -> bool:
    """Whether this request's page may come from, and go into, the kept pages: not for a
    signed-in staff member or an API token (whose pages differ), nor with a message waiting.
    (Read from the session and the headers, without loading anyone's account.)"""
    if not set(request.args) <= {"lang"} or "_flashes" in session:
        return False
    return "_user_id" not in session and "Authorization" not in request.headers


def render_kept(template: str, key: tuple, *, form_token: bool = False, **context) -> str:
    """``render_template(template, **context)``, kept for ``key`` (see the module).

    ``key`` must be hashable and determine everything ``context`` contributes to the page.
    With ``form_token`` the template writes ``form_token`` where the form's CSRF token goes,
    and each response gets the session's own token there.
    """
    if not keepable():
        return render_template(template, **context)
    pages: KeptPages = current_app.extensions["ikzsurvey.kept_pages"]
    full_key = (template, key, current_locale(), request.path, request.args.get("lang"))
    page = pages.get(full_key)
    if page is None:
        extra = {"form_token": TOKEN_PLACEHOLDER} if form_token else {}
        page = render_template(template, **context, **extra)
        pages.put(full_key, page)
    if form_token:
        return page.replace(TOKEN_PLACEHOLDER, generate_csrf())
    return page
