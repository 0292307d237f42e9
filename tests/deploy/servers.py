"""What the deployment tests share: `ikzsurvey serve` (gunicorn) and nginx as subprocesses,
an instance folder with the demo in it, a throwaway TLS certificate (trustme), and a database
of their own (a SQLite file, or a PostgreSQL database next to the run's test database)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ..conftest import TEST_DATABASE_URL

IKZSURVEY = str(Path(sys.executable).with_name("ikzsurvey"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_environment(instance: Path, database_url: str, public_url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("IKZSURVEY_", "GUNICORN_", "FORWARDED_ALLOW_IPS"))}
    env.update(IKZSURVEY_INSTANCE_PATH=str(instance), IKZSURVEY_DATABASE_URL=database_url,
               IKZSURVEY_PUBLIC_URL=public_url, IKZSURVEY_SECRET_KEY="deploy-test-secret")
    env.update(extra)
    return env


@contextmanager
def own_database(name: str, instance: Path):
    """A SQLite file in the instance folder, or — when the run uses PostgreSQL — a database
    ``<test database>_<name>`` on that server, dropped afterwards."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{instance / 'ikzsurvey.sqlite3'}"
        return
    url = make_url(TEST_DATABASE_URL)
    database = f"{url.database}_{name}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield url.set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def prepare_demo(env: dict, cwd: Path, responses: int = 3) -> dict:
    """`ikzsurvey init-db` and `ikzsurvey demo --json` against the served database."""
    subprocess.run([IKZSURVEY, "init-db"], env=env, cwd=cwd, check=True, capture_output=True)
    done = subprocess.run([IKZSURVEY, "demo", "--json", "--responses", str(responses)],
                          env=env, cwd=cwd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def wait_healthy(url: str, process: subprocess.Popen, logs, context=None, timeout=60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited:\n{logs()}"
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5, context=context) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer /healthz:\n{logs()}")


@contextmanager
def serve(folder: Path, env: dict, port: int, *args: str, workers: int = 2, context=None):
    """`ikzsurvey serve` on 127.0.0.1:<port>; yields its base URL."""
    log = folder / f"gunicorn-{port}.log"
    scheme = "https" if "--certfile" in args else "http"
    with log.open("wb") as fh:
        process = subprocess.Popen(
            [IKZSURVEY, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             *args], env=env, cwd=folder, stdout=fh, stderr=subprocess.STDOUT)
    url = f"{scheme}://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, lambda: log.read_text(errors="replace"), context)
        yield url
    finally:
        stop(process)


NGINX_CONF = """
# After docs/deploy.md ("TLS termination with nginx"), on a free port, unprivileged paths.
{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/nginx-body;
    proxy_temp_path {folder}/nginx-proxy;
    fastcgi_temp_path {folder}/nginx-fastcgi;
    uwsgi_temp_path {folder}/nginx-uwsgi;
    scgi_temp_path {folder}/nginx-scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name 127.0.0.1;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        client_max_body_size 1m;
        location / {{
            proxy_pass http://127.0.0.1:{backend};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


@contextmanager
def nginx(folder: Path, port: int, backend: int, cert: Path, key: Path, context=None):
    """Debian's nginx terminating TLS on 127.0.0.1:<port> in front of http://…:<backend>."""
    binary = nginx_binary()
    assert binary, "nginx is not installed (.ci/run installs nginx-light)"
    # As root nginx would hand its workers to "nobody", who cannot read the test's folder.
    user = "user root;" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, folder=folder, port=port, backend=backend,
                                      cert=cert, key=key))
    log = folder / "nginx.out"
    with log.open("wb") as fh:
        process = subprocess.Popen(
            [binary, "-p", str(folder), "-e", str(folder / "nginx-error.log"), "-c", str(conf)],
            stdout=fh, stderr=subprocess.STDOUT)
    url = f"https://127.0.0.1:{port}"

    def logs():
        errors = folder / "nginx-error.log"
        text = log.read_text(errors="replace")
        return text + errors.read_text(errors="replace") if errors.exists() else text

    try:
        wait_healthy(url, process, logs, context)
        yield url
    finally:
        stop(process)


def client_context(ca) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context
