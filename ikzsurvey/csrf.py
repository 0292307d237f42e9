"""CSRF protection: Flask-WTF's form token, and on HTTPS the request's ``Origin``.

Flask-WTF's own HTTPS check (``WTF_CSRF_SSL_STRICT``) demands a same-origin ``Referer`` on
every POST. Browsers send none where the referrer policy forbids it (``no-referrer``), and
privacy tools strip it — so every form failed over HTTPS. ``Origin`` is the header made for
this check: browsers send it with every POST, whatever the referrer policy, and it names only
the sending site, never a path (so no invitation token can leak through it).

On HTTPS a POST with a valid form token is accepted when

- ``Origin`` is the request's own origin (``https://`` + ``Host``), or
- there is no ``Origin`` (older browsers) and ``Referer`` is of the request's own origin.

``Origin: null`` (a sandboxed frame, a redirect across sites, a ``data:`` page), a foreign
origin, or neither header: the CSRF error page. Behind a reverse proxy the proxy must pass the
``Host`` the browser used, port included (nginx: ``proxy_set_header Host $http_host``), and
``X-Forwarded-Proto`` from an address in ``IKZSURVEY_FORWARDED_ALLOW_IPS`` (docs/deploy.md).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, g, request
from flask_wtf.csrf import CSRFProtect

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an absolute http(s) URL, or ``None`` for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port out of range or not a number
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def origin_problem() -> str | None:
    """Why this (secure) request does not come from a page of this site, or ``None``."""
    own = origin_of(f"https://{request.host}/")
    sent = request.headers.get("Origin")
    if sent is not None:
        if sent.strip() == "null":
            return "The Origin header is null."
        if own is None or origin_of(sent) != own:
            return "The Origin header does not match the host."
        return None
    referrer = request.headers.get("Referer")
    if not referrer:
        return "Neither an Origin nor a Referer header was sent."
    if own is None or origin_of(referrer) != own:
        return "The Referer header does not match the host."
    return None


class OriginCheckingCSRFProtect(CSRFProtect):
    """Flask-WTF's ``CSRFProtect`` with the ``Origin`` check instead of the strict
    ``Referer`` check on HTTPS (see the module's docstring)."""

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        # Replaced by the Origin check below; left on, it would refuse every POST from a
        # browser that sends no Referer.
        app.config["WTF_CSRF_SSL_STRICT"] = False

    def protect(self, apply_exemptions: bool = False) -> None:
        super().protect(apply_exemptions)
        # csrf_valid: the token was checked (not an exempt view, not a safe method).
        if g.get("csrf_valid") and request.is_secure:
            reason = origin_problem()
            if reason is not None:
                g.csrf_valid = False
                self._error_response(reason)
