"""Error pages and response headers that every page gets."""

from __future__ import annotations

import re

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

ERROR_TEXTS = {
    400: (_l("The request could not be processed"), _l("Please go back and try again.")),
    403: (_l("Access denied"), _l("You are not allowed to open this page.")),
    404: (_l("Page not found"), _l("Please check the address.")),
    405: (_l("This action is not possible here"), _l("Please go back and try again.")),
    413: (
        _l("Your entry is too long"),
        _l("Please go back and shorten your answers."),
    ),
    429: (
        _l("Too many requests"),
        _l("Please wait a minute and try again."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("Your answers so far are kept. Please try again in a few minutes."),
    ),
}

# No inline script or style anywhere: the policy forbids both.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)


def render_error(status: int, title=None, detail=None):
    default_title, default_detail = ERROR_TEXTS.get(
        status, ERROR_TEXTS[400 if status < 500 else 500]
    )
    return (
        render_template(
            "error.html",
            status=status,
            title=title or default_title,
            detail=detail or default_detail,
        ),
        status,
    )


def handle_http_error(exc: HTTPException):
    # A description given to abort() says what exactly was wrong; werkzeug's default does not.
    detail = exc.description if exc.description != type(exc).description else None
    if exc.code == 429:  # Flask-Limiter's description is the limit, in English
        detail = None
    if request.path.startswith("/api/") or request.path == "/healthz":
        return {"error": detail or exc.name, "status": exc.code}, exc.code
    return render_error(exc.code or 500, detail=detail)


def handle_server_error(exc):
    if request.path.startswith("/api/"):
        return {"error": "Internal Server Error", "status": 500}, 500
    return render_error(500)


def handle_csrf_error(exc: CSRFError):
    return render_error(
        400,
        _l("The form has expired"),
        _l(
            "For your security, forms are valid only for a while. "
            "Please reload the page and send it again."
        ),
    )


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "interest-cohort=()"),
)


def security_headers(response):
    """The headers every response gets, unless its view set one of them itself.

    Respondents' pages and everything staff see — their pages, exports, charts and API
    answers — are never stored by a browser or a proxy (``Cache-Control: no-store``,
    whatever a view set): results and answers must not outlive the session on a shared
    computer in a town hall, nor sit in a proxy's cache.
    """
    headers = response.headers
    present = set(headers.keys(lower=True))  # one pass over the headers, not one per name
    missing = [(name, value) for name, value in SECURITY_HEADERS
               if name.lower() not in present]
    if request.path.startswith(STAFF_PATHS):
        headers["Cache-Control"] = "no-store"
    elif "cache-control" not in present and request.path.startswith(RESPONDENT_PATHS):
        missing.append(("Cache-Control", "no-store"))
    headers.extend(missing)
    return response


RESPONDENT_PATHS = ("/t/", "/o/", "/survey/")
# Signed-in staff and API clients: sign-in, results (pages, charts, exports), organizing,
# the account, the API.
STAFF_PATHS = ("/login", "/logout", "/results", "/organize", "/account", "/api/")


def refuse_nul_bytes():
    """Staff forms, filters and API queries never legitimately contain NUL, which no
    database stores: refuse such a request with a clear 400 before it reaches a view.
    (Respondents' answers are cleaned instead, see ``ikzsurvey.kinds.clean_text``.)"""
    if request.path.startswith(RESPONDENT_PATHS):
        return None
    values = [request.path]
    sources = [request.args, request.form] if request.method == "POST" else [request.args]
    for source in sources:
        for key, items in source.lists():
            values += [key, *items]
    if any("\x00" in value for value in values):
        return render_error(
            400,
            _l("The request could not be processed"),
            _l("An entry contains characters that cannot be stored. Please check it."),
        ) if not request.path.startswith("/api/") else (
            {"error": "the request contains a NUL character", "status": 400}, 400
        )
    return None


_SECRET_PATH = re.compile(r"^/(t|o)/[^/]+")


def loggable_path(path: str) -> str:
    """A path fit for the error log: invitation tokens and open-link keys left out."""
    return _SECRET_PATH.sub(lambda m: f"/{m.group(1)}/…", path)


def init_app(app: Flask) -> None:
    def log_exception(exc_info) -> None:
        # Flask's own message names the full path, which for /t/<token> is the token.
        app.logger.error("Exception on %s [%s]", loggable_path(request.path), request.method,
                         exc_info=exc_info)

    app.log_exception = log_exception
    app.before_request(refuse_nul_bytes)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_server_error)
    app.after_request(security_headers)
