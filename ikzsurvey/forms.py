"""Forms built from question sets on each request: one field per question."""

from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from .plugins import Registry
from .questions import Question
from .surveys import Page


def field_name(question: Question) -> str:
    return f"q-{question.id}"


def page_form(page: Page, registry: Registry, formdata=None, meta_csrf: bool | None = None):
    """A form for one page. ``formdata`` is the posted data or a saved copy of it."""

    class PageForm(FlaskForm):
        pass

    for question in page.questions:
        setattr(PageForm, field_name(question), registry.kind_of(question).make_field(question))
    kwargs = {}
    if formdata is not None:  # otherwise Flask-WTF takes the posted form
        kwargs["formdata"] = formdata
    if meta_csrf is not None:
        kwargs["meta"] = {"csrf": meta_csrf}
    form = PageForm(**kwargs)
    form.questions = [(q, form[field_name(q)]) for q in page.questions]
    return form


def saved_formdata(page: Page, posted: MultiDict) -> dict[str, list[str]]:
    """Only this page's fields of a post, as plain lists (kept in the session)."""
    names = [field_name(q) for q in page.questions]
    return {name: posted.getlist(name) for name in names if name in posted}
