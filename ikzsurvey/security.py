"""Limits on guessing and abuse, and the transport settings of staff sessions.

Rate limits (Flask-Limiter) count requests per client address in memory, or in Redis when
``IKZSURVEY_RATELIMIT_STORAGE_URL`` is set (several app nodes share it). The address lives
only in that counter, for the length of its window — never in the database and never
beside any answer.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)

#: Sign-in attempts per client address (accounts are also locked after repeated failures).
LOGIN_LIMIT = "10 per minute"
#: Opening invitation or open links per client address: generous, since a town hall's
#: employees may all answer from behind one address, yet far too slow to guess a token.
LINK_LIMIT = "60 per minute"


def init_app(app: Flask) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("RATELIMIT_STORAGE_URL") or "memory://"
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    # Secure cookies and HSTS outside debugging; `make run` serves plain HTTP on 127.0.0.1
    # and says so with IKZSURVEY_SESSION_COOKIE_SECURE=false.
    if "SESSION_COOKIE_SECURE" not in app.config or app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not (app.debug or app.testing)
    limiter.init_app(app)

    @app.after_request
    def strict_transport(response):
        if not (app.debug or app.testing):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
