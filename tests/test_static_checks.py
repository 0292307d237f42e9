"""Static checks that run with every test run: no high-severity finding from Bandit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bandit_reports_no_high_severity_finding():
    run = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "ikzsurvey", "plugins", "-f", "json", "-q"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    report = json.loads(run.stdout)
    assert report["metrics"]["_totals"]["loc"] > 1000  # it really read the code
    high = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
        if r["issue_severity"] == "HIGH"
    ]
    assert high == []

