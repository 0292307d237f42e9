"""Gunicorn settings for production: ``ikzsurvey serve`` uses them, and so does

    gunicorn -c python:ikzsurvey.gunicorn_conf 'ikzsurvey:create_app()'

Every setting comes from an environment variable (see docs/deploy.md for the reasons):

``IKZSURVEY_BIND``                 address to listen on (default ``127.0.0.1:8000``: only the
                                   reverse proxy on the same machine reaches it); several
                                   separated by commas; ``unix:/run/ikzsurvey.sock`` works too
``IKZSURVEY_WORKERS``              worker processes (default 2 × cores + 1, at most 8)
``IKZSURVEY_TIMEOUT``              seconds before a stuck worker is restarted (default 30)
``IKZSURVEY_FORWARDED_ALLOW_IPS``  addresses or networks of the reverse proxies / load
                                   balancers whose ``X-Forwarded-*`` headers are trusted
                                   (default ``127.0.0.1,::1``; ``*`` trusts every peer)
``IKZSURVEY_CERTFILE``             PEM certificate (chain) for gunicorn to serve HTTPS itself,
                                   without a TLS-terminating proxy; needs ``IKZSURVEY_KEYFILE``
                                   (default: none, plain HTTP behind the proxy)
``IKZSURVEY_KEYFILE``              the certificate's private key (PEM, readable by the service
                                   user only)
``IKZSURVEY_LOG_LEVEL``            gunicorn's error log level (default ``info``)
``IKZSURVEY_CONTROL_SOCKET``       path of gunicorn's control socket for ``gunicornc``
                                   (gunicorn ≥ 25.1; default: none)

Privacy: there is no access log — not even with ``--access-logfile`` on the command line or in
``GUNICORN_CMD_ARGS``. An access line would pair a client address and a time of day with a
path such as ``/t/<token>`` (docs/privacy.md, "Logs"). The error log goes to stderr.
"""

from __future__ import annotations

import ipaddress
import os

from gunicorn.glogging import Logger


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def default_workers(cores: int | None = None) -> int:
    """2 × cores + 1 (gunicorn's rule of thumb), at least 2 and at most 8.

    Beyond 8 sync workers one node gains little: on SQLite writes are serialized anyway, and
    on PostgreSQL every worker holds its own connections — add nodes instead.
    """
    return max(2, min(8, 2 * (cores or _cores()) + 1))


class PrivateLogger(Logger):
    """Gunicorn's logger without access lines, whatever else is configured."""

    @property
    def access_log_enabled(self) -> bool:
        return False

    def access(self, resp, req, environ, request_time) -> None:
        return None


class ForwardedFor:
    """WSGI middleware: the client's address from ``X-Forwarded-For`` — trusted only when the
    request comes from a front end listed in ``forwarded_allow_ips``.

    Gunicorn itself uses that list only for the scheme (``X-Forwarded-Proto``); without this,
    every request behind a reverse proxy would carry the proxy's address, and the per-address
    rate limits (ikzsurvey.security) would count all respondents together. The address lands
    in ``REMOTE_ADDR`` and nowhere else: the application keeps it only in the rate limiter's
    counters. The entries are read from the right, skipping trusted proxies, so a client
    cannot choose its address by sending the header itself.
    """

    def __init__(self, app, allowed):
        self.app = app
        self.allow_all = "*" in allowed
        self.networks = [ipaddress.ip_network(a, strict=False) for a in allowed if a != "*"]

    def trusted(self, address: str) -> bool:
        if self.allow_all:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return True  # a UNIX socket has no address: only local front ends can use it
        return any(ip in network for network in self.networks)

    def client_address(self, environ) -> str | None:
        """The first untrusted address, reading the forwarded chain from the right."""
        peer = environ.get("REMOTE_ADDR", "")
        if not self.trusted(peer):
            return None
        chain = [part.strip() for part in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [part for part in chain if part]
        for address in reversed(chain):
            try:
                ipaddress.ip_address(address)
            except ValueError:
                return None  # garbage in the header: keep the peer's address
            if not self.trusted(address):
                return address
        return chain[0] if chain else None

    def __call__(self, environ, start_response):
        client = self.client_address(environ)
        if client is not None:
            environ["REMOTE_ADDR"] = client
        return self.app(environ, start_response)


wsgi_app = "ikzsurvey:create_app()"
bind = [b.strip() for b in os.environ.get("IKZSURVEY_BIND", "127.0.0.1:8000").split(",")
        if b.strip()]
workers = int(os.environ.get("IKZSURVEY_WORKERS") or default_workers())
# Sync workers: one request at a time per process, no shared state in a process — the
# reverse proxy buffers slow clients (docs/deploy.md, "Why sync workers").
worker_class = "sync"
timeout = int(os.environ.get("IKZSURVEY_TIMEOUT") or 30)
graceful_timeout = 30
keepalive = 5
# Off: each worker builds its own app, plugins and database engine after the fork, and
# `kill -HUP` loads new code and TOML question sets. post_fork below keeps --preload safe.
preload_app = False
# TLS in gunicorn itself (docs/deploy.md, "TLS"): both or neither.
certfile = os.environ.get("IKZSURVEY_CERTFILE") or None
keyfile = os.environ.get("IKZSURVEY_KEYFILE") or None
if bool(certfile) != bool(keyfile):
    raise RuntimeError("IKZSURVEY_CERTFILE and IKZSURVEY_KEYFILE must be set together")
forwarded_allow_ips = os.environ.get("IKZSURVEY_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "ikzsurvey"

accesslog = None
logger_class = PrivateLogger
errorlog = "-"
loglevel = os.environ.get("IKZSURVEY_LOG_LEVEL", "info")
capture_output = False
# Gunicorn ≥ 25.1 opens a control socket for `gunicornc` in $XDG_RUNTIME_DIR or ~/.gunicorn —
# one path for every gunicorn of the user. Only where asked for, at a path of its own.
if os.environ.get("IKZSURVEY_CONTROL_SOCKET"):
    control_socket = os.environ["IKZSURVEY_CONTROL_SOCKET"]
else:
    control_socket_disable = True


def post_fork(server, worker):
    """With --preload the app (and its engine) was made before the fork: a connection pool
    must never be shared between processes, so each worker starts with an empty one."""
    app = getattr(server.app, "callable", None)  # only set when preloaded
    if app is None or not hasattr(app, "app_context"):
        return
    from ikzsurvey.db import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def post_worker_init(worker):
    """Take the client's address from trusted front ends (see :class:`ForwardedFor`)."""
    worker.wsgi = ForwardedFor(worker.wsgi, worker.cfg.forwarded_allow_ips)
