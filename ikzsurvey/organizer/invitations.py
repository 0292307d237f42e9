"""Invitations (single-use links, handed out once as a CSV) and open links per segment."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select

from ..audit import audit
from ..db import write_transaction
from ..links import public_url_for
from ..models import Invitation, OpenLink, Survey
from ..results.tables import neutralise, to_csv
from ..texts import localize
from ..tokens import hash_token, new_token
from . import bp, invalid_form, own_survey
from .forms import InvitationForm


def invitation_choices(form: InvitationForm, survey: Survey) -> None:
    form.wave.choices = [(w.id, _("Wave %(number)d", number=w.number))
                         for w in survey.waves if w.status == "open"]
    form.municipality.choices = [(0, _("All municipalities"))] + [
        (m.id, m.name) for m in survey.municipalities]
    form.audience.choices = [(0, _("All groups"))] + [
        (a.id, localize(a.label)) for a in survey.audiences]


@bp.route("/surveys/<int:survey_id>/invitations", methods=["POST"])
def create_invitations(survey_id: int):
    """Issue invitations and hand them out once, as a CSV for a mail merge. Only their
    hashes are kept: the file cannot be downloaded again."""
    survey = own_survey(survey_id)
    form = InvitationForm()
    invitation_choices(form, survey)
    if not form.validate():
        return invalid_form(form, "organizer.survey", survey_id=survey_id)
    municipalities = [m for m in survey.municipalities
                      if form.municipality.data in (0, m.id)]
    audiences = [a for a in survey.audiences if form.audience.data in (0, a.id)]
    wave = next(w for w in survey.waves if w.id == form.wave.data)
    rows = [["municipality", "audience", "wave", "link"]]
    invitations = []
    for municipality in municipalities:
        for audience in audiences:
            for _i in range(form.count.data):
                token = new_token()
                invitations.append({"token_hash": hash_token(token), "wave_id": wave.id,
                                    "municipality_id": municipality.id,
                                    "audience_id": audience.id, "used": False})
                rows.append([neutralise(municipality.name), neutralise(audience.key),
                             wave.number, public_url_for("respondent.invitation", token=token)])
    with write_transaction() as session:
        session.execute(Invitation.__table__.insert(), invitations)
    audit(current_user.cooperation_id, "invitations.create",
          f"{survey.title.get('de', '')}, wave {wave.number}: {len(invitations)}")
    filename = f"ikzsurvey-{survey.id}-wave-{wave.number}-invitations.csv"
    return Response(
        "\ufeff" + to_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"},
    )


@bp.route("/surveys/<int:survey_id>/invitations/revoke", methods=["POST"])
def revoke_invitations(survey_id: int):
    """Delete the unused invitations of one segment (wave × municipality × audience) of the
    running wave.

    A closed wave's invitations no longer open the survey, so there is nothing to revoke;
    and what revoking tells — how many are left unused, so how many were used — is a
    closed segment's size where it has no open link, which its release may hide
    (docs/privacy.md, "A running wave"). During a running wave it tells the used ones of
    that moment, like the issued count that drops to them: a residual risk stated there.
    """
    survey = own_survey(survey_id)
    try:
        wave_id, municipality_id, audience_id = (
            int(request.form.get(name, "")) for name in ("wave", "municipality", "audience"))
    except ValueError:
        abort(400, description=_("Please choose a wave, a municipality and a group."))
    if (wave_id not in {w.id for w in survey.waves}
            or municipality_id not in {m.id for m in survey.municipalities}
            or audience_id not in {a.id for a in survey.audiences}):
        abort(404)
    if next(w for w in survey.waves if w.id == wave_id).status != "open":
        flash(_("The wave is closed: its invitations no longer open the survey, so there "
                "is nothing to revoke."), "error")
        return redirect(url_for("organizer.survey", survey_id=survey_id)), 303
    with write_transaction() as session:
        revoked = session.execute(
            delete(Invitation).where(
                Invitation.wave_id == wave_id,
                Invitation.municipality_id == municipality_id,
                Invitation.audience_id == audience_id,
                Invitation.used.is_(False),
            )
        ).rowcount
    audit(current_user.cooperation_id, "invitations.revoke",
          f"{survey.title.get('de', '')}: {revoked}")
    flash(_("%(count)d unused invitations are revoked.", count=revoked), "success")
    return redirect(url_for("organizer.survey", survey_id=survey_id))


@bp.route("/surveys/<int:survey_id>/open-links", methods=["POST"])
def open_links(survey_id: int):
    """Switch the open link of one municipality × group on or off (creating it once)."""
    survey = own_survey(survey_id)
    try:
        municipality_id = int(request.form.get("municipality", ""))
        audience_id = int(request.form.get("audience", ""))
    except ValueError:
        abort(400, description=_("Please choose a municipality and a group."))
    enable = request.form.get("enabled") == "1"
    if (municipality_id not in {m.id for m in survey.municipalities}
            or audience_id not in {a.id for a in survey.audiences}):
        abort(404)
    with write_transaction() as session:
        link = session.scalar(select(OpenLink).where(
            OpenLink.survey_id == survey.id, OpenLink.municipality_id == municipality_id,
            OpenLink.audience_id == audience_id))
        if link is None:
            link = OpenLink(survey_id=survey.id, municipality_id=municipality_id,
                            audience_id=audience_id)
            session.add(link)
        link.enabled = enable
    audit(current_user.cooperation_id, "open-link.enable" if enable else "open-link.disable",
          f"{survey.title.get('de', '')}")
    flash(_("The open link is on.") if enable else _("The open link is off."), "success")
    return redirect(url_for("organizer.survey", survey_id=survey_id, _anchor="open-links"))
