"""The application factory and its configuration sources."""

from __future__ import annotations

import stat

from ikzsurvey import create_app


def test_test_config_is_used(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "test-secret"


def test_config_comes_from_defaults_then_instance_file_then_environment(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        'PUBLIC_URL = "https://file.example"\nQUESTION_SET_DIR = "/from/file"\n'
        'SECRET_KEY = "from-file"\n'
    )
    monkeypatch.setenv("IKZSURVEY_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("IKZSURVEY_PUBLIC_URL", "https://env.example")
    monkeypatch.setenv("IKZSURVEY_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    app = create_app()
    assert app.config["PUBLIC_URL"] == "https://env.example"  # environment beats the file
    assert app.config["QUESTION_SET_DIR"] == "/from/file"  # the file beats the defaults
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    assert app.config["SESSION_DIR"] == str(instance / "sessions")  # a default


def test_a_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.setenv("IKZSURVEY_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("IKZSURVEY_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) == 64
    key_file = tmp_path / "inst" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_every_page_gets_security_headers(client):
    headers = client.get("/healthz").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
