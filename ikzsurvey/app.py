"""The application factory: config → extensions → plugins → blueprints."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask_migrate import Migrate
from werkzeug.routing import IntegerConverter

from . import i18n, links, security, sessions
from .csrf import OriginCheckingCSRFProtect
from .db import db, engine_options
from .plugins import build_registry, make_plugin_manager

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = str(Path(__file__).resolve().parent / "migrations")

migrate = Migrate()
csrf = OriginCheckingCSRFProtect()


def default_config(instance: Path) -> dict:
    return {
        "DATABASE_URL": f"sqlite:///{instance / 'ikzsurvey.sqlite3'}",
        # Ping a server database before each request (one round trip more; see db.py).
        "DATABASE_PRE_PING": False,
        "QUESTION_SET_DIR": str(instance / "question_sets"),
        "SESSION_DIR": str(instance / "sessions"),
        "SESSION_REDIS_URL": None,
        "PUBLIC_URL": "http://127.0.0.1:5000",
        # Answers and uploads are small; anything larger is refused with 413.
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "MAX_FORM_MEMORY_SIZE": 128 * 1024,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=24),
        # Written when it changes, not on every request (ikzsurvey/sessions.py); a journey's
        # 24 hours count from the last page sent.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": None,  # None: secure unless debugging or testing
        "RATELIMIT_STORAGE_URL": None,  # e.g. redis://127.0.0.1:6379/0; memory if unset
        # Staff accounts are signed out after this long without a request.
        "STAFF_IDLE_TIMEOUT": timedelta(minutes=30),
        # A staff session ends this long after signing in, active or not (auth/sessions.py).
        "STAFF_SESSION_LIFETIME": timedelta(hours=10),
        # Times of day on staff pages (when a session ends, the audit log).
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        # The accessibility statement (/accessibility, BITV 2.0 § 7): where people report
        # barriers (e-mail and telephone), when and how the service was assessed (ISO dates),
        # and the arbitration body of the operator's federal state (name and web address).
        "ACCESSIBILITY_CONTACT": None,
        "ACCESSIBILITY_PHONE": None,
        "ACCESSIBILITY_STATEMENT_DATE": "2026-11-29",
        "ACCESSIBILITY_REVIEWED_ON": "2026-12-05",
        "ARBITRATION_BODY_NAME": "Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz",
        "ARBITRATION_BODY_URL": "https://www.schlichtungsstelle-bgg.de",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "ikzsurvey_session",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "BABEL_DEFAULT_LOCALE": "de",
        "WTF_CSRF_TIME_LIMIT": None,  # the session's lifetime limits it
        "EXTRA_PLUGINS": (),
        # Respondent pages keep what they read of a survey this long per process
        # (ikzsurvey/respondent/lookups.py); 0 reads it on every request.
        "RESPONDENT_CACHE_SECONDS": 1.0,
        # Closing a wave with at most this many responses rewrites its rows at once; a
        # larger one is left to the nightly `ikzsurvey purge` (ikzsurvey/forgetting.py).
        "FORGET_AT_CLOSE_MAX_RESPONSES": 20000,
        # Compute releases in the request that queued them instead of a background thread
        # (ikzsurvey/results/releases.py): for tests and one-off scripts.
        "RELEASES_INLINE": False,
    }


def load_config(app: Flask, test_config: dict | None) -> None:
    instance = Path(app.instance_path)
    app.config.from_mapping(default_config(instance))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("IKZSURVEY")
    else:
        app.config.from_mapping(test_config)
    for key in ("STAFF_IDLE_TIMEOUT", "STAFF_SESSION_LIFETIME", "PERMANENT_SESSION_LIFETIME"):
        if isinstance(app.config[key], (int, float)):  # seconds, e.g. from the environment
            app.config[key] = timedelta(seconds=app.config[key])
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["DATABASE_URL"], pre_ping=bool(app.config["DATABASE_PRE_PING"])
    )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(instance)


def instance_secret_key(instance: Path) -> str:
    """A secret key generated once and kept in the instance folder (mode 0600)."""
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker was first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def quiet_access_log() -> None:
    """The development server's access log would pair client addresses and times of day
    with paths such as /t/<token>: keep it off (docs/privacy.md)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


class DatabaseId(IntegerConverter):
    """``<int:…>`` in every route: a number the id and number columns can hold (INTEGER,
    signed 32 bits, on PostgreSQL). A larger one names nothing here — 404, not a 500 from
    "integer out of range" (PostgreSQL) or an OverflowError (SQLite, past 64 bits)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def create_app(test_config: dict | None = None) -> Flask:
    quiet_access_log()
    app = Flask(
        "ikzsurvey",
        instance_path=os.environ.get("IKZSURVEY_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    app.url_map.converters["int"] = DatabaseId  # before any route is added
    load_config(app, test_config)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    csrf.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    links.init_app(app)
    sessions.init_app(app)

    with app.app_context():
        pm = make_plugin_manager(app.config["EXTRA_PLUGINS"])
        app.extensions["ikzsurvey.plugins"] = pm
        app.extensions["ikzsurvey.registry"] = build_registry(pm)

    from . import api, auth, cli, errors, forms, health, organizer, pages, respondent
    from .auth import login_token
    from .respondent import kept as kept_pages
    from .respondent import lookups
    from .results import views as results

    app.jinja_env.globals.update(
        choice_options=forms.choice_options, rendered_once=forms.rendered_once
    )
    errors.init_app(app)
    auth.init_app(app)
    login_token.init_app(app, csrf)  # the sign-in form's token needs no session
    app.register_blueprint(health.bp)
    app.register_blueprint(respondent.bp)
    kept_pages.init_app(app)
    lookups.init_app(app)
    results.init_app(app)
    api.init_app(app)
    organizer.init_app(app)
    app.register_blueprint(pages.bp)
    cli.init_app(app)
    return app
