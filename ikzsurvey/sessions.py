"""Server-side sessions: answers in progress never travel in a cookie.

Flask-Session keeps them in files in the instance folder (``SESSION_DIR``) or, when
``SESSION_REDIS_URL`` is set, in Redis (several app nodes). A session is written only when
it changes (``SESSION_REFRESH_EACH_REQUEST = False``): a respondent's journey is written when
it starts and when a page is sent, not on every page view; a staff session changes on every
request anyway (its idle timeout, :mod:`ikzsurvey.auth`).

Files are written without cachelib's file counter (a second file rewritten on every new
session, and read on every write, to prune at a threshold). Expired files — journeys that
were abandoned — are removed by ``ikzsurvey purge`` instead (:func:`remove_expired`), so
abandoned answers do not outlive the session's lifetime by more than a day when purge runs
nightly. Redis expires its keys by itself.

No session keeps the moment it was written (:func:`day_start`, :func:`end_of_day`): a
respondent's session is written when a page is sent, so its file's modification time, its
expiry and Redis' time to live would tell, to the millisecond, when each response was
submitted. Files get the start of the day as their times (and so does the folder), and
every expiry is moved on to the end of its day.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle  # nosec B403 - measures the size of our own session, never loads anything
import secrets
import struct
import time

from cachelib.file import FileSystemCache
from flask import Flask, Response, current_app, session
from flask_babel import lazy_gettext as _l
from flask_session import Session
from flask_session.defaults import Defaults
from flask_session.redis import RedisSessionInterface

_HEADER = struct.Struct("I")  # cachelib's file header: the expiry time (0 = never)
_DAY = 86400
logger = logging.getLogger(__name__)


def day_start(now: float | None = None) -> int:
    """The start (UTC) of the day ``now`` falls on, as a Unix time."""
    now = time.time() if now is None else now
    return int(now) // _DAY * _DAY


def end_of_day(moment: float) -> int:
    """The end (UTC) of the day ``moment`` falls on: an expiry that says only the day."""
    return day_start(moment) + _DAY


class SessionFiles(FileSystemCache):
    """cachelib's file cache without its file counter; see :func:`remove_expired`."""

    def __init__(self, path: str) -> None:
        super().__init__(path, threshold=0, mode=0o600)

    def set(self, key: str, value, timeout=None, mgmt_element: bool = False) -> bool:
        """Write the session to a new file, created with mode 0600, and move it into place.

        As cachelib's ``set`` (the file is replaced at once, never half written), without
        the calls that are not needed here: the counter (none), ``chmod`` after creating the
        file with its mode, and checking the file before and after.
        """
        filename = self._get_filename(key)
        temporary = f"{filename}.{secrets.token_hex(8)}{self._fs_transaction_suffix}"
        expires = self._normalize_timeout(0 if mgmt_element else timeout)
        header = _HEADER.pack(end_of_day(expires) if expires else 0)
        today = day_start()
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, self._mode)
            with os.fdopen(fd, "wb") as fh:
                fh.write(header)
                self.serializer.dump(value, fh)
            os.utime(temporary, (today, today))
            os.replace(temporary, filename)
            os.utime(self._path, (today, today))  # the folder changed with it
        except OSError:
            logger.warning("Could not write the session file %s", filename, exc_info=True)
            with contextlib.suppress(OSError):
                os.remove(temporary)
            return False
        return True

    def remove_expired(self, now: float | None = None) -> int:
        """Delete every session file whose lifetime is over; return how many."""
        now = time.time() if now is None else now
        removed = 0
        try:
            entries = list(os.scandir(self._path))
        except FileNotFoundError:
            return 0
        for entry in entries:
            if not entry.is_file() or entry.name.endswith(self._fs_transaction_suffix):
                continue
            try:
                with open(entry.path, "rb") as fh:
                    header = fh.read(_HEADER.size)
                expires = _HEADER.unpack(header)[0] if len(header) == _HEADER.size else 1
                if expires != 0 and expires < now:
                    os.remove(entry.path)
                    removed += 1
            except FileNotFoundError:  # removed meanwhile (signed out, submitted)
                continue
        return removed


def refuse_oversized_session(response: Response) -> Response:
    """A session that would grow past ``SESSION_MAX_BYTES`` is not stored: the request gets
    a 413 page instead, and the session stays as it was.

    Answers are kept only once they pass their checks (``ikzsurvey.forms.saved_formdata``),
    so a session is bounded by its survey's questions; this cap bounds what any request can
    make the server keep for a day, whatever a form or a plugin puts into the session.
    """
    if not session.modified or not session:
        return response
    limit = current_app.config["SESSION_MAX_BYTES"]
    size = len(pickle.dumps(dict(session), protocol=pickle.HIGHEST_PROTOCOL))
    if size <= limit:
        return response
    logger.warning("A session of %d bytes was not stored (limit %d)", size, limit)
    session.modified = False  # Flask-Session writes only a modified session
    from .errors import render_error, security_headers

    refused = current_app.make_response(render_error(
        413,
        _l("Too much to keep"),
        _l("Your entries are too long to be kept. Please shorten the longest answers and "
           "send the page again."),
    ))
    return security_headers(refused)  # this hook runs after the one that sets them


class DayRedisSessionInterface(RedisSessionInterface):
    """Flask-Session's Redis sessions, expiring at the end of the day their lifetime ends
    on (``EXPIREAT``), so that a key's time to live does not tell when it was written."""

    def _upsert_session(self, session_lifetime, session, store_id: str) -> None:
        self.client.set(
            name=store_id,
            value=self.serializer.encode(session),
            exat=end_of_day(time.time() + session_lifetime.total_seconds()),
        )


def init_app(app: Flask) -> None:
    app.config.setdefault("SESSION_MAX_BYTES", 256 * 1024)
    app.config.setdefault("SESSION_PERMANENT", True)
    app.config["SESSION_SERIALIZATION_FORMAT"] = "json"
    if app.config.get("SESSION_REDIS_URL"):
        import redis

        app.config["SESSION_TYPE"] = "redis"
        app.config["SESSION_REDIS"] = redis.Redis.from_url(app.config["SESSION_REDIS_URL"])
    else:
        app.config["SESSION_TYPE"] = "cachelib"
        app.config["SESSION_CACHELIB"] = SessionFiles(app.config["SESSION_DIR"])
    Session(app)
    if app.config["SESSION_TYPE"] == "redis":
        app.session_interface = DayRedisSessionInterface(
            app,
            client=app.config["SESSION_REDIS"],
            key_prefix=app.config.get("SESSION_KEY_PREFIX", Defaults.SESSION_KEY_PREFIX),
            use_signer=app.config.get("SESSION_USE_SIGNER", Defaults.SESSION_USE_SIGNER),
            permanent=app.config["SESSION_PERMANENT"],
            sid_length=app.config.get("SESSION_ID_LENGTH", Defaults.SESSION_ID_LENGTH),
            serialization_format=app.config["SESSION_SERIALIZATION_FORMAT"],
        )
    app.after_request(refuse_oversized_session)


def remove_expired() -> int | None:
    """Remove expired session files; ``None`` when sessions are not kept in files."""
    store = current_app.config.get("SESSION_CACHELIB")
    if isinstance(store, SessionFiles):
        return store.remove_expired()
    return None
