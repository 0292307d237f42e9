"""The submission: every page checked once more, then the response stored in one
transaction and the journey finished."""

from __future__ import annotations

from flask import redirect, url_for
from werkzeug.datastructures import MultiDict

from ..forms import page_form
from ..submission import (
    AlreadySubmitted,
    AnswerValues,
    Segment,
    SurveyClosed,
    answer_values,
    store_response,
)
from ..surveys import registry
from .journey import Journey
from .messages import closed, message
from .rendering import _render_page


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
