"""The questionnaire pages: a page shown with its question form, its answers checked and
kept in the journey, and on to the next page, back, or the submission after the last one."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from ..forms import page_form, rendered, saved_formdata
from ..surveys import registry
from ..texts import localize
from . import bp
from .context import _context
from .kept import render_kept
from .messages import message
from .rendering import _page_context, _render_page, _untouched_key
from .submit import _submit


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
