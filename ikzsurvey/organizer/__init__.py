"""The organizer's pages: the cooperation, its surveys, waves, invitations and open links.

Every page belongs to the signed-in organizer's own cooperation; anything of another
cooperation answers 404. Every change is a POST with a CSRF token and leaves an entry in
the audit log.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, func, select

from ..audit import audit
from ..auth import organizer_required
from ..db import db, write_transaction
from ..i18n import PHASE_LABELS
from ..models import (
    Audience,
    AuditEntry,
    Cooperation,
    Invitation,
    Municipality,
    OpenLink,
    Survey,
    SurveyQuestionSet,
    User,
    Wave,
)
from ..models import (
    Response as StoredResponse,
)
from ..passwords import generate_password, hash_password
from ..questions import PHASES
from ..results.tables import neutralise, to_csv
from ..retention import delete_survey_data, scrub_transaction_ids
from ..surveys import registry
from ..texts import localize
from ..tokens import hash_token, new_token
from .forms import (
    AccountForm,
    AudienceForm,
    CooperationForm,
    DeleteSurveyForm,
    InvitationForm,
    MunicipalityForm,
    SurveyForm,
)

bp = Blueprint("organizer", __name__, url_prefix="/organize")

AUDIT_ENTRIES_SHOWN = 50


@bp.before_request
@organizer_required
def organizers_only():
    """Every page here is for the cooperation's signed-in organizers only."""


def cooperation() -> Cooperation:
    found = db.session.get(Cooperation, current_user.cooperation_id)
    if found is None:
        abort(404)
    return found


def own_survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.cooperation_id != current_user.cooperation_id:
        abort(404)
    return survey


def response_count(survey: Survey) -> int:
    return db.session.scalar(
        select(func.count()).select_from(StoredResponse)
        .where(StoredResponse.survey_id == survey.id)
    )


# --- The cooperation --------------------------------------------------------------------


@bp.route("/")
def index():
    coop = cooperation()
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.cooperation_id == coop.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(AUDIT_ENTRIES_SHOWN)
    ).all()
    return render_template(
        "organizer/index.html",
        cooperation=coop,
        cooperation_form=CooperationForm(obj=coop),
        municipality_form=MunicipalityForm(),
        audience_form=AudienceForm(),
        account_form=_account_form(),
        accounts=db.session.scalars(
            select(User).where(User.cooperation_id == coop.id).order_by(User.email)).all(),
        entries=entries,
    )


@bp.route("/cooperation", methods=["POST"])
def edit_cooperation():
    form = CooperationForm()
    if not form.validate():
        return _invalid(form, "organizer.index")
    with write_transaction():
        coop = cooperation()
        coop.name, coop.topic = form.name.data.strip(), (form.topic.data or "").strip()
    audit(coop.id, "cooperation.update", coop.name)
    flash(_("Saved."), "success")
    return redirect(url_for("organizer.index"))


@bp.route("/municipalities", methods=["POST"])
def add_municipality():
    form = MunicipalityForm()
    if not form.validate():
        return _invalid(form, "organizer.index")
    name = form.name.data.strip()
    coop = cooperation()
    if any(m.name.casefold() == name.casefold() for m in coop.municipalities):
        flash(_("There is already a municipality called %(name)s.", name=name), "error")
        return redirect(url_for("organizer.index"))
    with write_transaction() as session:
        session.add(Municipality(cooperation_id=coop.id, name=name))
    audit(coop.id, "municipality.add", name)
    flash(_("%(name)s is now a partner of the cooperation.", name=name), "success")
    return redirect(url_for("organizer.index"))


@bp.route("/municipalities/<int:municipality_id>", methods=["POST"])
def rename_municipality(municipality_id: int):
    form = MunicipalityForm()
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None or municipality.cooperation_id != current_user.cooperation_id:
        abort(404)
    if not form.validate():
        return _invalid(form, "organizer.index")
    name = form.name.data.strip()
    clash = any(m.name.casefold() == name.casefold() and m.id != municipality_id
                for m in municipality.cooperation.municipalities)
    if clash:
        flash(_("There is already a municipality called %(name)s.", name=name), "error")
        return redirect(url_for("organizer.index"))
    old = municipality.name
    with write_transaction():
        db.session.get(Municipality, municipality_id).name = name
    audit(current_user.cooperation_id, "municipality.rename", f"{old} → {name}")
    flash(_("Saved."), "success")
    return redirect(url_for("organizer.index"))


@bp.route("/audiences", methods=["POST"])
def add_audience():
    form = AudienceForm()
    if not form.validate():
        return _invalid(form, "organizer.index")
    coop = cooperation()
    key = form.key.data.strip()
    if any(a.key == key for a in coop.audiences):
        flash(_("There is already a group with the key %(key)s.", key=key), "error")
        return redirect(url_for("organizer.index"))
    with write_transaction() as session:
        session.add(Audience(cooperation_id=coop.id, key=key,
                             labels={"de": form.label_de.data.strip(),
                                     "en": form.label_en.data.strip()}))
    audit(coop.id, "audience.add", key)
    flash(_("The group %(key)s is added.", key=key), "success")
    return redirect(url_for("organizer.index"))


def _invalid(form, endpoint: str, **values):
    """A rejected form: say what was wrong, change nothing."""
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")
    return redirect(url_for(endpoint, **values)), 303


# --- Accounts ---------------------------------------------------------------------------


def _account_form() -> AccountForm:
    form = AccountForm()
    form.role.choices = [("viewer", _("viewer (reads published results)")),
                         ("admin", _("organizer (runs the cooperation's surveys)"))]
    return form


@bp.route("/accounts", methods=["POST"])
def create_account():
    """Create an account (or give one of this cooperation a new password). The generated
    password is shown once, on the answer to this request."""
    form = _account_form()
    if not form.validate():
        return _invalid(form, "organizer.index")
    email = form.email.data.strip().lower()
    password = generate_password()
    with write_transaction() as session:
        user = session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.cooperation_id != current_user.cooperation_id:
            user = None
            taken = True
        else:
            taken = False
            if user is None:
                user = User(email=email, cooperation_id=current_user.cooperation_id)
                session.add(user)
            user.role = form.role.data
            user.password_hash = hash_password(password)
            user.failed_logins, user.locked_until = 0, None
    if taken:
        flash(_("This e-mail address belongs to an account of another cooperation."), "error")
        return redirect(url_for("organizer.index")), 303
    audit(current_user.cooperation_id, "user.create", f"{email} ({form.role.data})")
    response = render_template("organizer/password.html", email=email, password=password)
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/accounts/<int:user_id>/delete", methods=["POST"])
def delete_account(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.cooperation_id != current_user.cooperation_id:
        abort(404)
    if user.id == current_user.id:
        flash(_("You cannot remove your own account."), "error")
        return redirect(url_for("organizer.index"))
    email = user.email
    with write_transaction() as session:
        session.delete(session.get(User, user_id))
    audit(current_user.cooperation_id, "user.delete", email)
    flash(_("The account %(email)s is removed.", email=email), "success")
    return redirect(url_for("organizer.index"))


# --- Surveys ----------------------------------------------------------------------------


def _survey_form(survey: Survey | None, locked: bool) -> SurveyForm:
    coop = cooperation()
    form = SurveyForm(obj=None)
    form.phase.choices = [(p, localize(PHASE_LABELS[p])) for p in PHASES]
    form.municipalities.choices = [(m.id, m.name) for m in coop.municipalities]
    form.audiences.choices = [(a.id, localize(a.label)) for a in coop.audiences]
    sets = {(qs.id, qs.version): qs for qs in registry().latest()}
    if survey is not None:
        for pin in survey.question_sets:
            qs = registry().get(pin.question_set_id, pin.version)
            if qs is not None:
                sets.setdefault((qs.id, qs.version), qs)
    form.question_sets.choices = [
        (f"{qs.id}@{qs.version}", f"{localize(qs.title)} ({qs.id}@{qs.version}, "
         f"{len(qs.questions)})")
        for qs in sets.values()
    ]
    if request.method == "GET" and survey is not None:
        form.title_de.data, form.title_en.data = survey.title.get("de"), survey.title.get("en")
        form.welcome_de.data = (survey.welcome or {}).get("de")
        form.welcome_en.data = (survey.welcome or {}).get("en")
        form.privacy_de.data = (survey.privacy or {}).get("de")
        form.privacy_en.data = (survey.privacy or {}).get("en")
        form.controller.data = survey.controller
        form.phase.data = survey.phase
        form.min_group_size.data = survey.min_group_size
        form.retain_until.data = survey.retain_until
        form.municipalities.data = [m.id for m in survey.municipalities]
        form.audiences.data = [a.id for a in survey.audiences]
        form.question_sets.data = [f"{p.question_set_id}@{p.version}"
                                   for p in survey.question_sets]
    return form


@bp.route("/surveys/new", methods=["GET", "POST"])
def new_survey():
    form = _survey_form(None, locked=False)
    if form.validate_on_submit():
        with write_transaction() as session:
            survey = Survey(cooperation_id=current_user.cooperation_id, status="draft")
            _apply(form, survey, locked=False)
            survey.waves = [Wave(number=1, status="open")]
            session.add(survey)
            session.flush()
            survey_id, title = survey.id, survey.title.get("de", "")
        audit(current_user.cooperation_id, "survey.create", title)
        flash(_("The survey is created as a draft. Open it when you are ready."), "success")
        return redirect(url_for("organizer.survey", survey_id=survey_id))
    return render_template("organizer/survey_form.html", form=form, survey=None, locked=False,
                           responses=0), 422 if form.errors else 200


@bp.route("/surveys/<int:survey_id>/settings", methods=["GET", "POST"])
def edit_survey(survey_id: int):
    survey = own_survey(survey_id)
    responses = response_count(survey)
    locked = responses > 0
    form = _survey_form(survey, locked)
    if form.validate_on_submit():
        problems = _weakening(form, survey) if locked else []
        if not problems:
            with write_transaction():
                survey = own_survey(survey_id)
                _apply(form, survey, locked=locked)
                title = survey.title.get("de", "")
            audit(current_user.cooperation_id, "survey.update", title)
            flash(_("Saved."), "success")
            return redirect(url_for("organizer.survey", survey_id=survey_id))
        for field, message in problems:
            field.errors = [*field.errors, message]
    return render_template("organizer/survey_form.html", form=form, survey=survey,
                           locked=locked, responses=responses), 422 if form.errors else 200


def _weakening(form: SurveyForm, survey: Survey) -> list:
    """Changes refused once a survey has responses: nothing that weakens anonymity or
    makes earlier answers incomparable."""
    problems = []
    if form.min_group_size.data < survey.min_group_size:
        problems.append((form.min_group_size, _(
            "The survey has answers: k can be raised, not lowered (now %(k)d).",
            k=survey.min_group_size)))
    pinned = {f"{p.question_set_id}@{p.version}" for p in survey.question_sets}
    if set(form.question_sets.data) != pinned:
        problems.append((form.question_sets, _(
            "The survey has answers: its question sets can no longer change.")))
    for field, current in ((form.municipalities, survey.municipalities),
                           (form.audiences, survey.audiences)):
        if not {x.id for x in current} <= set(field.data):
            problems.append((field, _("The survey has answers: none can be removed.")))
    return problems


def _apply(form: SurveyForm, survey: Survey, locked: bool) -> None:
    coop = cooperation()
    survey.title = {"de": form.title_de.data.strip(), "en": form.title_en.data.strip()}
    survey.welcome = {"de": (form.welcome_de.data or "").strip(),
                      "en": (form.welcome_en.data or "").strip()}
    survey.privacy = {"de": form.privacy_de.data.strip(), "en": form.privacy_en.data.strip()}
    survey.controller = form.controller.data.strip()
    survey.phase = form.phase.data
    survey.min_group_size = form.min_group_size.data
    survey.retain_until = form.retain_until.data
    survey.municipalities = [m for m in coop.municipalities if m.id in form.municipalities.data]
    survey.audiences = [a for a in coop.audiences if a.id in form.audiences.data]
    if not locked:
        survey.question_sets = [
            SurveyQuestionSet(question_set_id=key.rsplit("@", 1)[0],
                              version=int(key.rsplit("@", 1)[1]), position=i)
            for i, key in enumerate(form.question_sets.data)
        ]


@bp.route("/question-sets/<set_id>/<int:version>")
def question_set(set_id: str, version: int):
    qs = registry().get(set_id, version)
    if qs is None:
        abort(404)
    return render_template("organizer/question_set.html", qs=qs,
                           kind_of=registry().kind_of)


@bp.route("/surveys/<int:survey_id>/")
def survey(survey_id: int):
    survey = own_survey(survey_id)
    counts = {
        (w, m, a): (issued, used)
        for w, m, a, issued, used in db.session.execute(
            select(Invitation.wave_id, Invitation.municipality_id, Invitation.audience_id,
                   func.count(), func.count().filter(Invitation.used))
            .join(Wave, Wave.id == Invitation.wave_id)
            .where(Wave.survey_id == survey.id)
            .group_by(Invitation.wave_id, Invitation.municipality_id, Invitation.audience_id)
        )
    }
    links = {(link.municipality_id, link.audience_id): link for link in db.session.scalars(
        select(OpenLink).where(OpenLink.survey_id == survey.id))}
    form = InvitationForm()
    _invitation_choices(form, survey)
    return render_template(
        "organizer/survey.html",
        survey=survey,
        responses=response_count(survey),
        counts=counts,
        links=links,
        invitation_form=form,
        phase_label=localize(PHASE_LABELS.get(survey.phase, survey.phase)),
    )


@bp.route("/surveys/<int:survey_id>/status/<action>", methods=["POST"])
def survey_status(survey_id: int, action: str):
    if action not in ("open", "close"):
        abort(404)
    survey = own_survey(survey_id)
    if action == "open" and not survey.question_sets:
        flash(_("Choose at least one question set first."), "error")
        return redirect(url_for("organizer.survey", survey_id=survey_id))
    closed = []
    with write_transaction():
        survey = own_survey(survey_id)
        survey.status = "open" if action == "open" else "closed"
        if action == "close":
            for wave in survey.waves:
                if wave.status == "open":
                    wave.status, wave.closed_on = "closed", dt.date.today()
                    closed.append(wave.id)
        title = survey.title.get("de", "")
    scrub_transaction_ids(closed)
    audit(current_user.cooperation_id, f"survey.{action}", title)
    flash(_("The survey is open for answers.") if action == "open"
          else _("The survey is closed; no more answers are accepted."), "success")
    return redirect(url_for("organizer.survey", survey_id=survey_id))


@bp.route("/surveys/<int:survey_id>/waves/<action>", methods=["POST"])
def wave_action(survey_id: int, action: str):
    if action not in ("close", "new"):
        abort(404)
    survey = own_survey(survey_id)
    current = survey.current_wave
    if action == "close" and current is None:
        flash(_("No wave is running."), "error")
        return redirect(url_for("organizer.survey", survey_id=survey_id))
    if action == "new" and current is not None:
        flash(_("Close the running wave before starting a new one."), "error")
        return redirect(url_for("organizer.survey", survey_id=survey_id))
    with write_transaction() as session:
        survey = own_survey(survey_id)
        if action == "close":
            wave = survey.current_wave
            wave.status, wave.closed_on = "closed", dt.date.today()
            number, closed = wave.number, [wave.id]
        else:
            closed = []
            number = max((w.number for w in survey.waves), default=0) + 1
            session.add(Wave(survey_id=survey.id, number=number, status="open"))
    scrub_transaction_ids(closed)
    audit(current_user.cooperation_id, f"wave.{action}",
          f"{survey.title.get('de', '')}, wave {number}")
    flash(_("Wave %(number)d is closed.", number=number) if action == "close"
          else _("Wave %(number)d is running.", number=number), "success")
    return redirect(url_for("organizer.survey", survey_id=survey_id))


# --- Invitations and open links -----------------------------------------------------------


def _invitation_choices(form: InvitationForm, survey: Survey) -> None:
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
    _invitation_choices(form, survey)
    if not form.validate():
        return _invalid(form, "organizer.survey", survey_id=survey_id)
    municipalities = [m for m in survey.municipalities
                      if form.municipality.data in (0, m.id)]
    audiences = [a for a in survey.audiences if form.audience.data in (0, a.id)]
    wave = next(w for w in survey.waves if w.id == form.wave.data)
    base = request.host_url.rstrip("/")
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
                             wave.number, f"{base}/t/{token}"])
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
    """Delete the unused invitations of one segment (wave × municipality × audience)."""
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


# --- Deleting a survey ----------------------------------------------------------------


def confirmation_word() -> str:
    return _("delete")


@bp.route("/surveys/<int:survey_id>/delete", methods=["GET", "POST"])
def delete_survey(survey_id: int):
    survey = own_survey(survey_id)
    form = DeleteSurveyForm()
    if form.validate_on_submit():
        if form.confirm.data.strip().casefold() != confirmation_word().casefold():
            form.confirm.errors = [_("Please type %(word)s.", word=confirmation_word())]
        else:
            title = survey.title.get("de", "")
            delete_survey_data(survey.id, keep_survey=False)
            audit(current_user.cooperation_id, "survey.delete", title)
            flash(_("The survey and all its data are deleted."), "success")
            return redirect(url_for("organizer.index"))
    return render_template("organizer/delete.html", survey=survey, form=form,
                           word=confirmation_word(), responses=response_count(survey)), (
        422 if form.errors else 200)


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
        "invitations.create": _("invitations created"),
        "invitations.revoke": _("unused invitations revoked"),
        "open-link.enable": _("open link switched on"),
        "open-link.disable": _("open link switched off"),
        "export.csv": _("results exported (CSV)"),
        "export.xlsx": _("results exported (XLSX)"),
        "export.raw": _("responses exported (one row each)"),
        "export.api": _("results read through the API"),
        "password.change": _("password changed"),
        "user.create": _("account created or password renewed"),
        "user.delete": _("account removed"),
        "token.create": _("API token created"),
    }
    return labels.get(action, action)


@bp.app_context_processor
def _helpers():
    return {"survey_status_label": survey_status_label, "audit_label": audit_label}


def init_app(app) -> None:
    app.register_blueprint(bp)
