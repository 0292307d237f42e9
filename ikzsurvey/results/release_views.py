"""The organizer's side of releases: what is being prepared, and preparing it again.

Closing or publishing a wave prepares its release by itself (:mod:`.releases`); the button
here is for a release that failed, and for waves closed before releases existed.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from ..audit import audit
from ..auth import organizer_required
from ..db import write_transaction
from ..models import Survey
from . import releases
from .comment_parts import PARTITIONS
from .scope import Scope, organizer_scope
from .views import bp


def release_state(scope: Scope) -> dict:
    """What the dashboard says about releases: for organizers, those not ready yet and
    whether the closed waves lack one; for everyone, the release shown."""
    if not scope.organizer:
        return {"pending": [], "missing": False, "stalled": set(), "retry": False}
    known = releases.all_of(scope.survey)  # one query for both
    pending = releases.pending(scope.survey, known)
    missing = not pending and releases.missing(scope.survey, known)
    # A job whose process died (no heartbeat for a while) is taken over by the button.
    stalled = {r.id for r in pending if r.status == "running" and releases.stale(r)}
    retry = missing or any(r.status == "failed" or r.id in stalled for r in pending)
    return {"pending": pending, "missing": missing, "stalled": stalled, "retry": retry}


@bp.route("/results/<int:survey_id>/releases", methods=["POST"])
@organizer_required
def prepare_release(survey_id: int):
    scope = organizer_scope(survey_id)
    if not releases.wanted(scope.survey):
        flash(_("There is no closed wave to release yet."), "error")
    elif releases.prepare(survey_id):
        flash(_("The results of the closed waves are being prepared and checked for "
                "anonymity; the results page shows how far it got."), "info")
    else:
        flash(_("The results are up to date."), "success")
    audit(scope.survey.cooperation_id, "release.prepare", scope.survey.title.get("de", ""))
    return redirect(url_for("results.dashboard", survey_id=survey_id))


@bp.route("/results/<int:survey_id>/interim", methods=["POST"])
@organizer_required
def interim_release(survey_id: int):
    """Release the running waves as they stand (:mod:`.interim`), for organizers."""
    scope = organizer_scope(survey_id)
    release = releases.request_interim(survey_id)
    if release is None:
        flash(_("No wave is running: its results are released when it is closed."), "error")
        return redirect(url_for("results.dashboard", survey_id=survey_id))
    releases.start(survey_id)
    audit(scope.survey.cooperation_id, "release.interim", scope.survey.title.get("de", ""))
    flash(_("Interim results of the running wave are being prepared and checked for "
            "anonymity together with every earlier release; the results page shows how "
            "far it got."), "info")
    return redirect(url_for("results.dashboard", survey_id=survey_id))


def partition_choices() -> list[tuple[str, str]]:
    labels = {"whole": _("for the whole cooperation"),
              "municipality": _("per municipality"),
              "audience": _("per group (employees, council, citizens …)")}
    return [(value, labels[value]) for value in PARTITIONS]


@bp.route("/results/<int:survey_id>/comment-partition", methods=["POST"])
@organizer_required
def comment_partition(survey_id: int):
    scope = organizer_scope(survey_id)
    choice = request.form.get("partition", "")
    if choice not in PARTITIONS:
        abort(400, description=_("Choose how free-text answers are released."))
    if choice == scope.survey.comment_partition:
        flash(_("Nothing changed."), "info")
        return redirect(url_for("results.dashboard", survey_id=survey_id))
    with write_transaction() as session:
        session.get(Survey, survey_id).comment_partition = choice
    audit(scope.survey.cooperation_id, "release.comment_partition",
          f"{scope.survey.title.get('de', '')}: {choice}")
    flash(_("Free-text answers are now released %(how)s.",
            how=dict(partition_choices())[choice]), "success")
    if releases.prepare(survey_id):
        flash(_("The results of the closed waves are being prepared and checked for "
                "anonymity; the results page shows how far it got."), "info")
    return redirect(url_for("results.dashboard", survey_id=survey_id))
