"""The respondent journey: link → welcome and privacy notice → pages → thank you."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, select
from werkzeug.datastructures import MultiDict

from ..db import read_connection
from ..forms import page_form, rendered, saved_formdata
from ..models import (
    Audience,
    Invitation,
    Municipality,
    OpenLink,
    Survey,
    SurveyQuestionSet,
    Wave,
)
from ..security import LINK_LIMIT, limiter
from ..submission import (
    AlreadySubmitted,
    AnswerValues,
    Segment,
    SurveyClosed,
    answer_values,
    store_response,
)
from ..surveys import SurveyUnavailable, registry, survey_pages
from ..texts import LocalizedText, current_locale, localize
from ..tokens import hash_token, well_formed
from .faces import AudienceFace, MunicipalityFace, SurveyFace, frozen
from .journey import Journey
from .kept import render_kept
from .lookups import kept_lookup

bp = Blueprint("respondent", __name__)


def message(kind: str, status: int, **context):
    """One template for every "why you can't go on" page."""
    return render_template("respondent/message.html", kind=kind, **context), status


def invalid_link():
    return message("invalid_link", 404)


def closed(survey=None):
    return message("closed", 410, survey=survey)


@bp.get("/t/<token>")
@limiter.limit(LINK_LIMIT)
def invitation(token: str):
    if not well_formed(token):
        return invalid_link()
    inv = read_connection().execute(
        _INVITATION, {"token_hash": hash_token(token)}
    ).one_or_none()
    if inv is None:
        return invalid_link()
    if inv.used:
        return message("already_answered", 200, survey=_survey_face(inv.survey_id))
    if inv.survey_status != "open" or inv.wave_status != "open":
        return closed(_survey_face(inv.survey_id))
    _begin(
        Journey.start(
            survey_id=inv.survey_id,
            wave_id=inv.wave_id,
            municipality_id=inv.municipality_id,
            audience_id=inv.audience_id,
            invitation_id=inv.id,
        )
    )
    # The token is personal: it leaves the address bar (and the browser's history of
    # this tab) at once.
    return redirect(url_for(".welcome"), 303)


@bp.get("/o/<key>")
@limiter.limit(LINK_LIMIT)
def open_link(key: str):
    if not well_formed(key):
        return invalid_link()
    # One query for the link, its survey's open wave and what the welcome page shows,
    # kept per process for a moment (lookups.py).
    link = kept_lookup(("link", key), lambda: _read_link(key), _journey_of_link)
    if link is None or not link.enabled:
        return invalid_link()
    if not link.shown.open:
        return closed(link.shown.survey)
    journey = _begin(
        Journey.start(
            survey_id=link.survey_id,
            wave_id=link.wave_id,
            municipality_id=link.municipality_id,
            audience_id=link.audience_id,
        )
    )
    # An open link is the same for everyone of its segment (it is printed on flyers), so
    # it may stay in the address bar: the welcome page comes at once, without a redirect
    # and the round trip a phone would wait for. Reloading it resumes the journey.
    ctx, response = _journey_context(journey, link.shown)
    if response is not None:
        return response
    return _welcome_page(ctx)


@dataclass(frozen=True)
class Shown:
    """What a journey's pages show of its survey and segment, made from one row set of
    ``_OPEN_LINK`` or ``_JOURNEY`` (and kept with it, lookups.py)."""

    survey: SurveyFace
    #: The survey and the journey's wave are open.
    open: bool
    audience: AudienceFace
    municipality: MunicipalityFace
    pins: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, rows, survey_id: int, wave_open: bool) -> Shown:
        row = rows[0]
        fields = row._mapping
        return cls(
            survey=SurveyFace(id=survey_id, **{name: fields[name] for name in _FACE_FIELDS}),
            open=row.status == "open" and wave_open,
            audience=AudienceFace(key=row.audience_key, labels=row.audience_labels),
            municipality=MunicipalityFace(name=row.municipality_name),
            pins=tuple((r.question_set_id, r.version) for r in rows
                       if r.question_set_id is not None),
        )

    @cached_property
    def key(self) -> tuple:
        """Everything above, hashable (for ``kept.render_kept``)."""
        return (self.survey.key(), self.audience.key, frozen(self.audience.labels),
                self.municipality.name, self.pins)


_FACE_FIELDS = tuple(name for name in SurveyFace.COLUMNS if name != "id")


@dataclass(frozen=True)
class Link:
    """An open link: its segment, its survey's open wave (``None``: none is) and what
    the journey's pages show."""

    enabled: bool
    survey_id: int
    municipality_id: int
    audience_id: int
    wave_id: int | None
    shown: Shown


def _read_link(key: str) -> Link | None:
    rows = read_connection().execute(_OPEN_LINK, {"key": key}).all()
    if not rows:
        return None
    row = rows[0]
    return Link(row.enabled, row.survey_id, row.municipality_id, row.audience_id,
                row.wave_id, Shown.of(rows, row.survey_id, wave_open=row.wave_id is not None))


def _journey_key(survey_id: int, wave_id: int, audience_id: int, municipality_id: int):
    return ("journey", survey_id, wave_id, audience_id, municipality_id)


def _journey_of_link(link: Link | None):
    """What the link's rows also say about journeys it starts: the same as ``_JOURNEY``
    would read for them (so the first page after the welcome page needs no query)."""
    if link is not None and link.wave_id is not None:
        key = _journey_key(link.survey_id, link.wave_id, link.audience_id, link.municipality_id)
        yield key, link.shown


def _read_journey(ids: dict) -> Shown | None:
    """What the journey's pages show; ``None`` if its survey, wave or segment is gone."""
    rows = read_connection().execute(_JOURNEY, ids).all()
    if not rows:
        return None
    return Shown.of(rows, ids["survey_id"], wave_open=rows[0].wave_status == "open")


# Built once: the statements of the requests every respondent makes.
_INVITATION = (
    select(Invitation.id, Invitation.used, Invitation.wave_id, Invitation.municipality_id,
           Invitation.audience_id, Wave.survey_id, Wave.status.label("wave_status"),
           Survey.status.label("survey_status"))
    .join(Wave, Wave.id == Invitation.wave_id)
    .join(Survey, Survey.id == Wave.survey_id)
    .where(Invitation.token_hash == bindparam("token_hash"))
)
#: The wave respondents answer in: the survey's last open one (``Survey.current_wave``).
_OPEN_WAVE = (
    select(Wave.id)
    .where(Wave.survey_id == OpenLink.survey_id, Wave.status == "open")
    .order_by(Wave.number.desc())
    .limit(1)
    .scalar_subquery()
)
#: What a journey's pages show of the survey and the segment, and the pins (a row per pin).
_SHOWN = (
    Survey.status,
    *(getattr(Survey, name) for name in ("title", "welcome", "privacy", "controller",
                                          "dpo_contact", "notice", "min_group_size",
                                          "retain_until")),
    Audience.key.label("audience_key"),
    Audience.labels.label("audience_labels"),
    Municipality.name.label("municipality_name"),
    SurveyQuestionSet.question_set_id,
    SurveyQuestionSet.version,
)
#: The open link, its survey's open wave (if any) and what the welcome page shows.
_OPEN_LINK = (
    select(OpenLink.enabled, OpenLink.survey_id, OpenLink.municipality_id,
           OpenLink.audience_id, _OPEN_WAVE.label("wave_id"), *_SHOWN)
    .join(Survey, Survey.id == OpenLink.survey_id)
    .join(Audience, Audience.id == OpenLink.audience_id)
    .join(Municipality, Municipality.id == OpenLink.municipality_id)
    .outerjoin(SurveyQuestionSet, SurveyQuestionSet.survey_id == Survey.id)
    .where(OpenLink.key == bindparam("key"))
    .order_by(SurveyQuestionSet.position)
)
#: The journey's survey with its wave's status, the segment's names and the pins.
_JOURNEY = (
    select(Wave.status.label("wave_status"), *_SHOWN)
    .join(Wave, Wave.survey_id == Survey.id)
    .join(Audience, Audience.cooperation_id == Survey.cooperation_id)
    .join(Municipality, Municipality.cooperation_id == Survey.cooperation_id)
    .outerjoin(SurveyQuestionSet, SurveyQuestionSet.survey_id == Survey.id)
    .where(
        Survey.id == bindparam("survey_id"),
        Wave.id == bindparam("wave_id"),
        Audience.id == bindparam("audience_id"),
        Municipality.id == bindparam("municipality_id"),
    )
    .order_by(SurveyQuestionSet.position)
)
_FACE = select(*(getattr(Survey, name) for name in SurveyFace.COLUMNS)).where(
    Survey.id == bindparam("survey_id")
)


def _survey_face(survey_id: int | None) -> SurveyFace | None:
    """What a message page shows of a survey (its title), or ``None`` if it is gone."""
    if survey_id is None:
        return None
    row = read_connection().execute(_FACE, {"survey_id": survey_id}).one_or_none()
    return SurveyFace(**row._mapping) if row is not None else None


def _begin(journey: Journey) -> Journey:
    """Start the journey, or resume the one under way when the same link is opened again;
    returns the journey that goes on."""
    current = Journey.current()
    if current is None or not current.same_start(journey):
        journey.save()
        current = journey
    # The form token's secret is made now, so the session is written once here and not
    # again when the first page is shown (sessions are written only when they change).
    generate_csrf()
    return current


def _context():
    """The current journey with its survey, segment and pages — or a response to return."""
    journey = Journey.current()
    if journey is None:
        if Journey.just_submitted():
            return None, redirect(url_for(".thanks"), 303)
        return None, message("no_journey", 400)
    # One Core query for the survey, its wave's status, the segment and the pins, kept per
    # process for a moment (lookups.py). (The ORM's entities and unit of work would cost
    # more than the query itself on a path every respondent takes three times.)
    ids = {
        "survey_id": journey.survey_id,
        "wave_id": journey.wave_id,
        "audience_id": journey.audience_id,
        "municipality_id": journey.municipality_id,
    }
    shown = kept_lookup(_journey_key(**ids), lambda: _read_journey(ids))
    if shown is None:
        return None, closed(_survey_face(journey.survey_id))
    return _journey_context(journey, shown)


def _journey_context(journey: Journey, shown: Shown):
    """The context of the journey's pages, or a response to return instead."""
    if not shown.open:
        return None, closed(shown.survey)
    try:
        pages = survey_pages(shown.pins, shown.audience.key)
    except SurveyUnavailable:
        return None, message("unavailable", 503, survey=shown.survey)
    return {
        "journey": journey,
        "shown": shown,
        "survey": shown.survey,
        "audience": shown.audience,
        "municipality": shown.municipality,
        "pages": pages,
    }, None


@bp.get("/survey/")
def welcome():
    ctx, response = _context()
    if response is not None:
        return response
    return _welcome_page(ctx)


def _welcome_page(ctx):
    # The page shows the survey's texts, the segment, the number of pages and the page the
    # journey goes on with: the same for everyone at the same point (kept per process).
    # An open link's notice speaks of a link, an invitation's of an invitation link.
    journey = ctx["journey"]
    key = (ctx["shown"].key, len(ctx["pages"]), journey.reached, journey.invitation_id is None)
    return render_kept("respondent/welcome.html", key, **ctx)


@bp.route("/survey/page/<int:number>", methods=["GET", "POST"])
def page(number: int):
    ctx, response = _context()
    if response is not None:
        return response
    journey, pages = ctx["journey"], ctx["pages"]
    if not pages:
        return message("unavailable", 503, survey=ctx["survey"])
    if not 1 <= number <= len(pages):
        abort(404)
    if number > journey.reached:
        return redirect(url_for(".page", number=journey.reached), 303)
    current = pages[number - 1]
    key = str(number)

    if request.method == "GET":
        saved = journey.answers.get(key)
        untouched_key = _untouched_key(current)
        if not saved and (markup := rendered(untouched_key)) is not None:
            # Nobody's answers on it: the same page for everyone but the form token.
            key = (untouched_key, number, len(pages), current.first_of_set,
                   localize(current.section) if current.section else None)
            return render_kept("respondent/page.html", key, form_token=True,
                               **_page_context(ctx, number, None, errors=False,
                                               questions_markup=markup))
        form = page_form(current, registry(), MultiDict(saved or {}))
        return _render_page(ctx, number, form, errors=False, untouched=not saved)

    form = page_form(current, registry())
    valid = form.validate()
    # Kept between pages: the answers that pass their checks, also when going back.
    journey.answers[key] = saved_formdata(current, request.form, form)
    if request.form.get("action") == "back":
        journey.save()
        target = url_for(".page", number=number - 1) if number > 1 else url_for(".welcome")
        return redirect(target, 303)
    if not valid:
        journey.save()
        return _render_page(ctx, number, form, errors=True), 422
    if number < len(pages):
        journey.reached = max(journey.reached, number + 1)
        journey.save()
        return redirect(url_for(".page", number=number + 1), 303)
    journey.save()
    return _submit(ctx, checked={number: form})


def _render_page(ctx, number: int, form, errors: bool, untouched: bool = False):
    """The questionnaire page with its form. The questions of an untouched page are
    rendered once per process (``untouched_key``); after that such a page is a kept one
    (``page`` above). Answered or faulty pages are rendered anew."""
    return render_template(
        "respondent/page.html", **_page_context(ctx, number, form, errors, untouched)
    )


def _page_context(ctx, number: int, form, errors: bool, untouched: bool = False,
                  questions_markup=None) -> dict:
    page = ctx["pages"][number - 1]
    return dict(
        number=number,
        total=len(ctx["pages"]),
        page=page,
        form=form,
        show_errors=errors,
        untouched_key=_untouched_key(page) if untouched and not errors else None,
        questions_markup=questions_markup,
        **ctx,
    )


def _untouched_key(page) -> tuple:
    return (page.key, current_locale())


def _submit(ctx, checked):
    """Check every page once more (but those in ``checked``, just validated as posted),
    then store the response in one transaction."""
    journey, pages = ctx["journey"], ctx["pages"]
    answers: list[AnswerValues] = []
    reg = registry()
    for number, page in enumerate(pages, start=1):
        form = checked.get(number)
        if form is None:
            saved = MultiDict(journey.answers.get(str(number), {}))
            form = page_form(page, reg, saved)
            if not form.validate():
                return _render_page(ctx, number, form, errors=True), 422
        for question, field in form.questions:
            values = reg.kind_of(question).to_values(question, field.data)
            if values:
                qs = page.question_set
                answers.append(answer_values(qs, question, values, reg))
    segment = Segment(
        survey_id=journey.survey_id,
        wave_id=journey.wave_id,
        municipality_id=journey.municipality_id,
        audience_id=journey.audience_id,
    )
    try:
        store_response(
            segment,
            answers,
            invitation_id=journey.invitation_id,
            receipt_key=journey.receipt_key,
        )
    except AlreadySubmitted:
        Journey.finish(journey.survey_id, ctx["survey"].title)
        if journey.invitation_id is not None:
            return message("already_answered", 200, survey=ctx["survey"])
        return redirect(url_for(".thanks"), 303)
    except SurveyClosed:
        Journey.finish(journey.survey_id, ctx["survey"].title)
        return closed(ctx["survey"])
    Journey.finish(journey.survey_id, ctx["survey"].title)
    return redirect(url_for(".thanks"), 303)


@bp.get("/survey/thanks")
def thanks():
    # The title was kept in the session at submission: this page needs no database.
    title = Journey.submitted_title()
    survey = SimpleNamespace(title_text=LocalizedText(title)) if title else None
    return render_kept("respondent/thanks.html", (frozen(title),), survey=survey)


PAGE_TITLES = {
    "invalid_link": _l("This link is not valid"),
    "closed": _l("This survey is closed"),
    "already_answered": _l("You have already answered this survey"),
    "no_journey": _l("No survey in progress"),
    "unavailable": _l("This survey is not available at the moment"),
}


@bp.app_context_processor
def message_titles():
    return {"MESSAGE_TITLES": PAGE_TITLES}
