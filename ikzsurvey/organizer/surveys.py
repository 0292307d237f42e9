"""A survey's settings, its status and waves, and deleting it.

Participation is shown as :mod:`ikzsurvey.participation` has it: a closed wave's as its
release shows it, a running wave's as of its snapshot's day and only as far as the audit
knows of it; a running wave's results not at all.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..audit import audit
from ..db import db, write_transaction
from ..forgetting import forget_at_close
from ..i18n import PHASE_LABELS
from ..models import OpenLink, Survey, SurveyQuestionSet, Wave
from ..participation import SNAPSHOT_DAYS, survey_participation
from ..questions import PHASES
from ..results import releases
from ..retention import delete_survey_data
from ..surveys import registry
from ..texts import NOTICE_ITEMS, localize
from . import bp, cooperation, own_survey, response_count
from .forms import DeleteSurveyForm, InvitationForm, SurveyForm
from .invitations import invitation_choices


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
        form.dpo_contact.data = survey.dpo_contact
        for item in NOTICE_ITEMS:
            for lang in ("de", "en"):
                form[f"{item}_{lang}"].data = ((survey.notice or {}).get(item) or {}).get(lang)
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
    return render_template("organizer/survey_form.html", form=form, survey=None,
                           locked=False), 422 if form.errors else 200


@bp.route("/surveys/<int:survey_id>/settings", methods=["GET", "POST"])
def edit_survey(survey_id: int):
    survey = own_survey(survey_id)
    # Locked from the first answer on (that one bit is live, once per survey); how many
    # answers there are is not shown here (ikzsurvey.participation).
    locked = response_count(survey) > 0
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
                           locked=locked), 422 if form.errors else 200


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
    survey.privacy = {"de": (form.privacy_de.data or "").strip(),
                      "en": (form.privacy_en.data or "").strip()}
    survey.controller = form.controller.data.strip()
    survey.dpo_contact = (form.dpo_contact.data or "").strip()
    survey.notice = {
        item: {lang: (form[f"{item}_{lang}"].data or "").strip() for lang in ("de", "en")}
        for item in NOTICE_ITEMS
    }
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
    links = {(link.municipality_id, link.audience_id): link for link in db.session.scalars(
        select(OpenLink).where(OpenLink.survey_id == survey.id))}
    form = InvitationForm()
    invitation_choices(form, survey)
    return render_template(
        "organizer/survey.html",
        survey=survey,
        participation=survey_participation(survey),
        snapshot_days=SNAPSHOT_DAYS,
        links=links,
        invitation_form=form,
        phase_label=localize(PHASE_LABELS.get(survey.phase, survey.phase)),
    )


def _forget(survey_id: int, closed: list[int]) -> None:
    """Rewrite the closed waves so the files forget the order of their answers (privacy.md);
    a large wave is left to the nightly purge, and the organizer is told so. Then the
    release of the closed waves is prepared (ikzsurvey/results/releases.py)."""
    if not forget_at_close(survey_id, closed):
        flash(_("The order in which the answers arrived is still in the database's files; "
                "the nightly clean-up (ikzsurvey purge) removes it."), "info")
    if closed and releases.prepare(survey_id):
        flash(_("The results of the closed waves are being prepared and checked for "
                "anonymity; the results page shows how far it got."), "info")


@bp.route("/surveys/<int:survey_id>/status/<action>", methods=["POST"])
def survey_status(survey_id: int, action: str):
    if action not in ("open", "close"):
        abort(404)
    survey = own_survey(survey_id)
    if action == "open" and not survey.question_sets:
        flash(_("Choose at least one question set first."), "error")
        return redirect(url_for("organizer.survey", survey_id=survey_id))
    if action == "open" and not (survey.controller.strip() and survey.dpo_contact.strip()):
        flash(_("The privacy notice needs the controller and the contact of the data "
                "protection officer before the survey can open: add them in the survey "
                "settings."), "error")
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
    _forget(survey_id, closed)
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
    _forget(survey_id, closed)
    audit(current_user.cooperation_id, f"wave.{action}",
          f"{survey.title.get('de', '')}, wave {number}")
    flash(_("Wave %(number)d is closed.", number=number) if action == "close"
          else _("Wave %(number)d is running.", number=number), "success")
    return redirect(url_for("organizer.survey", survey_id=survey_id))


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
    # The page names how many answers are deleted — as the survey page shows them, not
    # counted here: one exact total of a survey of one wave is that wave's total, which its
    # release may hide (with the segments it shows, it would tell the hidden ones), and a
    # page one can open without deleting anything is no place for numbers the audit does
    # not know of. Where part of it is hidden, the page says "all its answers".
    responses = survey_participation(survey, take=request.method == "GET").total
    return render_template("organizer/delete.html", survey=survey, form=form,
                           word=confirmation_word(), responses=responses), (
        422 if form.errors else 200)
