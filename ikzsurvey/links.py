"""Addresses handed out to people: always under ``PUBLIC_URL``, never the request's ``Host``.

An invitation CSV goes into a mail merge and an open link onto a flyer; built from the
``Host`` header, one request with a forged host (or a proxy that passes a wrong one) would put
another site's address into every letter. ``PUBLIC_URL`` is the address people use, with the
path the service is mounted under, e.g. ``https://umfrage.example.org`` or
``https://www.example.de/umfrage``.
"""

from __future__ import annotations

from flask import Flask, current_app, request, url_for


def public_base() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def public_url_for(endpoint: str, **values) -> str:
    """The absolute public address of ``endpoint`` (as ``url_for``, under ``PUBLIC_URL``)."""
    path = url_for(endpoint, **values)
    root = request.script_root if request else ""
    if root and path.startswith(root):
        path = path[len(root):]  # PUBLIC_URL names the mount path itself
    return public_base() + path


def init_app(app: Flask) -> None:
    app.jinja_env.globals["public_url_for"] = public_url_for
