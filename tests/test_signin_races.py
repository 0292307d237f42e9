"""Sign-in under load: Argon2 never runs inside a transaction (on SQLite it would hold the
write lock, and every respondent's submission with it), and the lockout holds under parallel
attempts on both databases (issue 13: 12 parallel wrong passwords left the counter at 2 on
PostgreSQL, and a right password sent after 11 parallel failures signed in)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, select, text

from ikzsurvey import auth
from ikzsurvey.db import db
from ikzsurvey.models import User
from ikzsurvey.organizer import accounts

from .conftest import csrf_token
from .results_fixtures import PASSWORD, make_cooperation, make_user


@pytest.fixture
def account(app):
    with app.app_context():
        survey = make_cooperation()
        return make_user(survey.cooperation_id, "admin", "organizer@talaue.invalid")


def sign_in(client, email: str) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={"email": email, "password": PASSWORD,
                                         "csrf_token": token})
    assert answer.status_code == 302


def write_lock_free(app) -> bool:
    """Whether another connection can take a write transaction at once."""
    engine = create_engine(app.config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                raw = conn.connection.dbapi_connection
                raw.execute("PRAGMA busy_timeout = 100")
                try:
                    raw.execute("BEGIN IMMEDIATE")
                except Exception:  # "database is locked"
                    return False
                raw.execute("ROLLBACK")
                return True
            with conn.begin():
                conn.execute(text("SET LOCAL lock_timeout = '100ms'"))
                conn.execute(text("UPDATE user_account SET failed_logins = failed_logins"))
            return True
    finally:
        engine.dispose()


def watching(app, function, seen: list):
    """``function`` wrapped so that each call notes whether a transaction was open and
    whether the write lock was free while it ran."""

    def wrapped(*args, **kwargs):
        seen.append((db.session().in_transaction(), write_lock_free(app)))
        return function(*args, **kwargs)

    return wrapped


@pytest.mark.parametrize("password", [PASSWORD, "a wrong password", None])
def test_argon2_verifies_a_sign_in_outside_any_transaction(app, account, monkeypatch,
                                                            password):
    seen: list = []
    monkeypatch.setattr(auth, "verify_password", watching(app, auth.verify_password, seen))
    email = account if password is not None else "nobody@talaue.invalid"
    with app.app_context():
        auth.authenticate(email, password or PASSWORD)
    assert seen and all(state == (False, True) for state in seen), seen


def test_changing_the_password_hashes_outside_any_transaction(app, account, monkeypatch):
    seen: list = []
    monkeypatch.setattr(auth, "verify_password", watching(app, auth.verify_password, seen))
    monkeypatch.setattr(auth, "hash_password", watching(app, auth.hash_password, seen))
    client = app.test_client()
    sign_in(client, account)
    seen.clear()
    new = "a much longer and newer passphrase"
    token = csrf_token(client.get("/account/password").get_data(as_text=True))
    answer = client.post("/account/password", data={
        "current": PASSWORD, "new": new, "repeat": new, "csrf_token": token})
    assert answer.status_code == 302
    assert len(seen) == 2 and all(state == (False, True) for state in seen), seen
    with app.app_context():
        assert auth.authenticate(account, new) is not None


def test_an_organizer_setting_a_password_hashes_outside_any_transaction(app, account,
                                                                         monkeypatch):
    client = app.test_client()
    sign_in(client, account)
    seen: list = []
    monkeypatch.setattr(accounts, "hash_password", watching(app, accounts.hash_password, seen))
    token = csrf_token(client.get("/organize/").get_data(as_text=True))
    answer = client.post("/organize/accounts", data={
        "email": "viewer@talaue.invalid", "role": "viewer", "csrf_token": token})
    assert answer.status_code == 200, answer.get_data(as_text=True)[-1500:]
    # A read transaction may be open (the page read the account); the write lock is free.
    assert [lock_free for _in_transaction, lock_free in seen] == [True]


def in_parallel(app, attempts: list[tuple[str, str]]) -> list:
    """Run every (e-mail, password) sign-in at once, each in a thread of its own."""
    results: list = [None] * len(attempts)
    start = threading.Barrier(len(attempts))

    def attempt(i, email, password):
        with app.app_context():
            start.wait()
            try:
                results[i] = auth.authenticate(email, password) is not None
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i, *pair))
               for i, pair in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def stored(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.remove()
        return user.failed_logins, user.locked_until


def test_twelve_parallel_wrong_passwords_lock_the_account(app, account):
    results = in_parallel(app, [(account, f"wrong {i}") for i in range(12)])
    assert results == [False] * 12
    failed_logins, locked_until = stored(app, account)
    assert locked_until is not None, failed_logins
    with app.app_context():
        assert auth.authenticate(account, PASSWORD) is None  # locked: even the right one


def test_four_parallel_wrong_passwords_all_count(app, account):
    in_parallel(app, [(account, f"wrong {i}") for i in range(4)])
    assert stored(app, account) == (4, None)
    with app.app_context():
        assert auth.authenticate(account, "wrong again") is None
    assert stored(app, account)[1] is not None  # the fifth locks


def test_a_right_password_after_eleven_parallel_failures_does_not_sign_in(app, account):
    in_parallel(app, [(account, f"wrong {i}") for i in range(11)])
    with app.app_context():
        assert auth.authenticate(account, PASSWORD) is None
