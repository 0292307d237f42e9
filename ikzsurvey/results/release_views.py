"""The organizer's side of releases: what is being prepared, and preparing it again.

Closing or publishing a wave prepares its release by itself (:mod:`.releases`); the button
here is for a release that failed, and for waves closed before releases existed.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from ..audit import audit
from ..auth import organizer_required
from . import releases
from .scope import Scope, scope_for
from .views import bp


def release_state(scope: Scope) -> dict:
    """What the dashboard says about releases: for organizers, those not ready yet and
    whether the closed waves lack one; for everyone, the release shown."""
    if not scope.organizer:
        return {"pending": [], "missing": False, "stalled": set(), "retry": False}
    pending = releases.pending(scope.survey)
    missing = not pending and any(
        not releases.exists(scope.survey, waves) for waves in releases.wanted(scope.survey))
    # A job whose process died (no heartbeat for a while) is taken over by the button.
    stalled = {r.id for r in pending if r.status == "running" and releases.stale(r)}
    retry = missing or any(r.status == "failed" or r.id in stalled for r in pending)
    return {"pending": pending, "missing": missing, "stalled": stalled, "retry": retry}


@bp.route("/results/<int:survey_id>/releases", methods=["POST"])
@organizer_required
def prepare_release(survey_id: int):
    scope = scope_for(survey_id, None)
    if not scope.organizer:
        abort(403)
    if not releases.wanted(scope.survey):
        flash(_("There is no closed wave to release yet."), "error")
    elif releases.prepare(survey_id):
        flash(_("The results of the closed waves are being prepared and checked for "
                "anonymity; the results page shows how far it got."), "info")
    else:
        flash(_("The results are up to date."), "success")
    audit(scope.survey.cooperation_id, "release.prepare", scope.survey.title.get("de", ""))
    return redirect(url_for("results.dashboard", survey_id=survey_id))
