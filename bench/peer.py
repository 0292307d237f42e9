"""Driver for the peer: django-survey-and-report under gunicorn with 2 sync workers.

Uses the peer harness as it is (``shared/peers/django-survey``: setup.sh, serve.sh,
load.py, stop.sh); nothing of it is copied here. The peer is built in the system's
temporary folder (``$TMPDIR/peer-django-survey-bench`` unless ``--peer-dir``/``PEER_DIR``),
its database emptied first (``RESET=1``), served on a free port, loaded with the same
N and concurrency as ikzsurvey, and stopped by the pid its serve.sh wrote. Its load.py
prints one JSON line with the timing and one with the stored-count check.

The peer's own setup is SQLite (WAL): it is the reference for both database lines.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from .common import PROJECT, free_port, log


def default_scripts() -> Path:
    env = os.environ.get("BENCH_PEER_SCRIPTS")
    if env:
        return Path(env)
    for candidate in (PROJECT.parent / "shared" / "peers" / "django-survey",
                      Path("/work/shared/peers/django-survey")):
        if (candidate / "load.py").exists():
            return candidate
    return PROJECT.parent / "shared" / "peers" / "django-survey"


class Peer:
    def __init__(self, scripts: Path | None = None, peer_dir: Path | None = None):
        self.scripts = scripts or default_scripts()
        self.dir = peer_dir or Path(os.environ.get("PEER_DIR") or
                                    Path(tempfile.gettempdir()) / "peer-django-survey-bench")
        self.port = free_port()
        self.env = dict(os.environ, PEER_DIR=str(self.dir), PORT=str(self.port), WORKERS="2")
        self.env.pop("VIRTUAL_ENV", None)

    def available(self) -> bool:
        return (self.scripts / "load.py").exists()

    def _sh(self, script: str, **extra) -> str:
        proc = subprocess.run(["bash", str(self.scripts / script)], env=dict(self.env, **extra),
                              capture_output=True, text=True, check=False, timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"peer {script} failed ({proc.returncode}): "
                               f"{proc.stderr[-2000:]}{proc.stdout[-1000:]}")
        return proc.stdout

    def setup(self) -> None:
        log(f"peer: setup in {self.dir} (RESET=1; first time installs Django into its venv)")
        self._sh("stop.sh")  # a leftover of an interrupted run of ours, by its pid file
        self._sh("setup.sh", RESET="1")

    def serve(self) -> None:
        self._sh("serve.sh")

    def stop(self) -> None:
        self._sh("stop.sh")

    def load(self, n: int, concurrency: int) -> dict:
        python = self.dir / "venv" / "bin" / "python"
        proc = subprocess.run(
            [str(python), str(self.scripts / "load.py"), "-n", str(n), "-c", str(concurrency),
             "--base", f"http://127.0.0.1:{self.port}"],
            env=self.env, capture_output=True, text=True, check=False, timeout=7200)
        lines = [json.loads(ln) for ln in proc.stdout.splitlines() if ln.startswith("{")]
        if not lines:
            raise RuntimeError(f"peer load.py printed no JSON: {proc.stderr[-2000:]}")
        result = dict(lines[0])
        if len(lines) > 1:
            result["stored"] = lines[1].get("stored")
            result["exact"] = lines[1].get("exact")
        result["exit_code"] = proc.returncode
        return result

    def run(self, n: int, concurrency: int) -> dict:
        self.setup()
        self.serve()
        try:
            log(f"peer: {n} responses, {concurrency} clients")
            return self.load(n, concurrency)
        finally:
            self.stop()
