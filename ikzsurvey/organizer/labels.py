"""Statuses and audit entries in words, for the organizer's and the results' pages."""

from __future__ import annotations

from babel.dates import get_timezone_name
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

from . import bp


def survey_status_label(status: str) -> str:
    return {"draft": _("draft"), "open": _("open for answers"), "closed": _("closed")}.get(
        status, status)


def audit_label(action: str) -> str:
    """An audit entry's action in words."""
    labels = {
        "cooperation.create": _("cooperation created"),
        "cooperation.update": _("cooperation changed"),
        "municipality.add": _("municipality added"),
        "municipality.rename": _("municipality renamed"),
        "audience.add": _("group added"),
        "survey.create": _("survey created"),
        "survey.update": _("survey settings changed"),
        "survey.open": _("survey opened"),
        "survey.close": _("survey closed"),
        "survey.delete": _("survey deleted"),
        "survey.purge": _("answers deleted after the retention date"),
        "wave.close": _("wave closed"),
        "wave.new": _("wave started"),
        "wave.publish": _("wave published to viewers"),
        "wave.unpublish": _("wave hidden from viewers"),
        "wave.make-public": _("public summary published"),
        "wave.withdraw-public": _("public summary withdrawn"),
        "release.prepare": _("results prepared again"),
        "release.comment_partition": _("release of free-text answers changed"),
        "invitations.create": _("invitations created"),
        "invitations.revoke": _("unused invitations revoked"),
        "open-link.enable": _("open link switched on"),
        "open-link.disable": _("open link switched off"),
        "export.csv": _("results exported (CSV)"),
        "export.xlsx": _("results exported (XLSX)"),
        # The raw export is gone (docs/privacy.md); the label keeps past entries readable.
        "export.raw": _("responses exported (one row each)"),
        "export.api": _("results read through the API"),
        "password.change": _("password changed"),
        "user.create": _("account created or password renewed"),
        "user.delete": _("account removed"),
        "token.create": _("API token created"),
        "token.revoke": _("API token revoked"),
    }
    return labels.get(action, action)


@bp.app_context_processor
def _helpers():
    return {"survey_status_label": survey_status_label, "audit_label": audit_label,
            "time_zone_name": time_zone_name}


def time_zone_name() -> str:
    """The time zone the pages show times in, in words ("Mitteleuropäische Zeit")."""
    return get_timezone_name(get_timezone(), locale=get_locale())
