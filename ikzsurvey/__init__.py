"""ikzsurvey: anonymous surveys for inter-municipal cooperation (IKZ)."""

import pluggy

__version__ = "0.1.0"

#: Marker for plugin hook implementations: ``@hookimpl def ikzsurvey_question_sets(): …``
hookimpl = pluggy.HookimplMarker("ikzsurvey")


def create_app(test_config=None):
    """Create the Flask application (see :mod:`ikzsurvey.app`)."""
    from .app import create_app as _create_app

    return _create_app(test_config)


__all__ = ["__version__", "create_app", "hookimpl"]
