"""Helpers for plugin authors' tests (see docs/plugins.md, "Testing a plugin").

from ikzsurvey.testing import check_plugin, create_test_app

def test_my_question_sets_load():
    registry = check_plugin(my_plugin)
    assert registry.get("energy-acceptance", 1) is not None
"""

from __future__ import annotations

from pathlib import Path

import pluggy

from . import hookspecs, kinds
from .plugins import CORE_PLUGIN, Registry, build_registry, register_plugins


def check_plugin(*plugins: object) -> Registry:
    """Load ``plugins`` beside the core's question kinds only, and check every definition.

    Raises :class:`~ikzsurvey.plugins.PluginError` with the same message start-up gives.
    Question sets read from app settings (like the TOML plugin) need :func:`create_test_app`.
    """
    pm = pluggy.PluginManager("ikzsurvey")
    pm.add_hookspecs(hookspecs)
    pm.register(kinds, name=CORE_PLUGIN)
    register_plugins(pm, plugins)
    return build_registry(pm)


def create_test_app(instance_path: str | Path, plugins=(), **config):
    """An application on a new SQLite database in ``instance_path``, with ``plugins``
    registered in addition to every installed one; its tables are created."""
    from . import create_app
    from .db import db

    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATABASE_URL": f"sqlite:///{folder / 'test.sqlite3'}",
        "SESSION_DIR": str(folder / "sessions"),
        "QUESTION_SET_DIR": str(folder / "question_sets"),
        "EXTRA_PLUGINS": tuple(plugins),
    }
    settings.update(config)
    app = create_app(settings)
    with app.app_context():
        db.create_all()
    return app
