"""The project's own packaging: every folder that ships files is a package, the licence is an
SPDX expression, and building the wheel prints no setuptools warnings (they used to bury the
links of ``make run`` under 960 lines)."""

from __future__ import annotations

import configparser
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_ROOTS = {"ikzsurvey": ROOT / "ikzsurvey", "ikzsurvey_plugins": ROOT / "plugins"}
SHIPPED = {".py", ".html", ".css", ".po", ".mo", ".toml", ".ini", ".mako"}


def setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return config


def listed_packages() -> set[str]:
    return set(setup_cfg()["options"]["packages"].split())


def folders_with_shipped_files() -> set[str]:
    found = set()
    for name, root in PACKAGE_ROOTS.items():
        for path in root.rglob("*"):
            if (path.is_file() and path.suffix in SHIPPED
                    and "__pycache__" not in path.parts and path.suffix != ".pot"):
                relative = path.parent.relative_to(root).parts
                found.add(".".join((name, *relative)))
    return found


def test_every_folder_that_ships_files_is_a_listed_package():
    assert folders_with_shipped_files() - listed_packages() == set()


def test_the_licence_is_an_spdx_expression_without_the_deprecated_classifier():
    metadata = setup_cfg()["metadata"]
    assert metadata["license"] == "EUPL-1.2"
    assert "License ::" not in metadata["classifiers"]


@pytest.mark.slow
def test_building_the_wheel_prints_no_warning_and_ships_templates_and_catalogs(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "--no-deps",
         "--quiet", "--wheel-dir", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert built.returncode == 0, built.stderr
    output = built.stdout + built.stderr
    assert "Warning" not in output and "is absent from" not in output, output[:3000]
    (wheel,) = tmp_path.glob("ikzsurvey-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ikzsurvey/templates/respondent/welcome.html" in names
    assert "ikzsurvey/static/ikzsurvey.css" in names
    assert "ikzsurvey/migrations/alembic.ini" in names
    assert ("ikzsurvey_plugins/success_factors/translations/de/LC_MESSAGES/"
            "success_factors.mo") in names


# Versions with published security advisories that ikzsurvey must never be installed with.
ADVISORY_FLOORS = {"flask": "3.1.3", "werkzeug": "3.1.5", "jinja2": "3.1.6", "gunicorn": "23"}


def declared_floors() -> dict[str, str]:
    floors = {}
    for line in setup_cfg()["options"]["install_requires"].splitlines():
        requirement = line.split("#")[0].strip()
        if requirement:
            parsed = Requirement(requirement)
            lows = [s.version for s in parsed.specifier if s.operator in (">=", "==", "~=")]
            if lows:
                floors[parsed.name.lower()] = lows[0]
    return floors


@pytest.mark.parametrize("name, floor", sorted(ADVISORY_FLOORS.items()))
def test_dependencies_are_floored_past_their_advisories(name, floor):
    declared = declared_floors()
    assert name in declared, f"setup.cfg gives {name} no floor"
    assert Version(declared[name]) >= Version(floor), (name, declared[name])
    assert Version(version(name)) >= Version(floor), f"installed {name} {version(name)}"
