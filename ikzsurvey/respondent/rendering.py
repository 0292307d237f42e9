"""A questionnaire page rendered with its form: the context its template reads and the key
its untouched questions are rendered once per process by."""

from __future__ import annotations

from flask import render_template

from ..texts import current_locale


def _render_page(ctx, number: int, form, errors: bool, untouched: bool = False):
    """The questionnaire page with its form. The questions of an untouched page are
    rendered once per process (``untouched_key``); after that such a page is a kept one
    (``questionnaire.page``). Answered or faulty pages are rendered anew."""
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
