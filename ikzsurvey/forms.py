"""Forms built from question sets on each request: one field per question."""

from __future__ import annotations

from flask import current_app, g
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms.widgets import CheckboxInput, RadioInput

from .plugins import Registry
from .questions import Question
from .surveys import Page
from .texts import localize


def field_name(question: Question) -> str:
    return f"q-{question.id}"


def page_form(page: Page, registry: Registry, formdata=None):
    """A form for one page. ``formdata`` is the posted data or a saved copy of it."""
    kwargs = {}
    if formdata is not None:  # otherwise Flask-WTF takes the posted form
        kwargs["formdata"] = formdata
    form = _form_class(page, registry)(**kwargs)
    form.questions = [(q, form[field_name(q)]) for q in page.questions]
    return form


def _form_class(page: Page, registry: Registry) -> type[FlaskForm]:
    """The form class of a page, made once per process: a question set version never
    changes, so neither do the fields its questions make."""
    key = page.key
    cls = registry.form_classes.get(key)
    if cls is None:

        class PageForm(FlaskForm):
            class Meta:
                # Every POST's form token is checked before any view runs (CSRFProtect,
                # app-wide, in ikzsurvey/app.py); a token field of the form's own would
                # make and check another one on every page sent.
                csrf = False

        for question in page.questions:
            field = registry.kind_of(question).make_field(question)
            setattr(PageForm, field_name(question), field)
        cls = registry.form_classes[key] = PageForm
    return cls


def saved_formdata(page: Page, posted: MultiDict, form) -> dict[str, list[str]]:
    """This page's fields of a post, as plain lists (kept in the session): only those that
    passed their checks in the validated ``form``, so the session never keeps more than a
    question allows (a 240 KB value sent with "Zurück" is not kept)."""
    names = [field_name(q) for q in page.questions if not form[field_name(q)].errors]
    return {name: posted.getlist(name) for name in names if name in posted}


#: Option widgets whose output :func:`choice_options` reproduces without calling them.
_PLAIN_OPTION_WIDGETS = (RadioInput, CheckboxInput)


def choice_options(field, invalid: bool = False) -> Markup:
    """Every option of a choice field as ``<div class="choice"><input …><label …></div>``.

    The questionnaire shows up to a hundred options per page. Rendering each through its
    WTForms widget (a sub-field per option, then ``html_params``) was a quarter of a
    journey's CPU (docs/performance.md), so the built-in radio and checkbox widgets are
    written here directly, attribute for attribute as WTForms writes them (a test compares
    the two). A field with another option widget, or with ``render_kw``, is rendered
    through its widgets as before.
    """
    widget = getattr(field, "option_widget", None)
    extra = {"aria-invalid": "true"} if invalid else {}
    if type(widget) not in _PLAIN_OPTION_WIDGETS or getattr(field, "render_kw", None):
        return _widget_options(field, extra)
    flags = field.flags
    common = dict(extra)
    for key in dir(flags):  # as wtforms.widgets.Input does
        if key in widget.validation_attrs:
            value = getattr(flags, key)
            common[key] = value() if callable(value) else value
    common["name"] = field.name
    common["type"] = widget.input_type
    # The attributes are written sorted, as html_params does; those shared by every
    # option are written once.
    shared = {key: _attribute(key, value) for key, value in common.items()}
    order = sorted(set(shared) | {"id", "value", "checked"})
    # The same label objects recur on a page (a Likert scale's five): translate each once.
    labels: dict[int, tuple] = g.setdefault("choice_labels", {})
    parts = []
    for i, choice in enumerate(field.iter_choices()):
        value, label, selected = _choice_parts(choice)
        option_id = escape(f"{field.id}-{i}")
        own = {
            "id": f'id="{option_id}"',
            "value": f'value="{escape(str(value))}"',
            "checked": "checked" if selected else "",
        }
        attributes = " ".join(a for key in order if (a := shared.get(key) or own.get(key)))
        # WTForms shows the value when there is no label (``label or value``); a lazy
        # label is not asked for its truth, which would translate it.
        shown = value if label is None or (isinstance(label, str) and not label) else label
        known = labels.get(id(shown))
        if known is None or known[0] is not shown:
            known = labels[id(shown)] = (shown, escape(localize(shown)))
        parts.append(
            f'<div class="choice"><input {attributes}>'
            f'<label for="{option_id}">{known[1]}</label></div>'
        )
    return Markup("\n".join(parts))


def _choice_parts(choice) -> tuple:
    if hasattr(choice, "selected"):  # WTForms ≥ 3.2: a Choice
        return choice.value, choice.label, choice.selected
    return choice[0], choice[1], choice[2]


def _attribute(key: str, value) -> str:
    """One attribute as ``wtforms.widgets.html_params`` writes it: ``True`` bare, ``False``
    left out (an empty string here)."""
    if value is True:
        return key
    if value is False:
        return ""
    return f'{key}="{escape(value)}"'  # escape() leaves no '"' for html_params to replace


def _widget_options(field, extra: dict) -> Markup:
    """The general way: each option rendered by its own widget."""
    return Markup("\n").join(
        Markup('<div class="choice">{}<label for="{}">{}</label></div>').format(
            option(**extra), option.id, localize(option.label.text)
        )
        for option in field
    )


def rendered_once(key: tuple, render) -> Markup:
    """``render()`` the first time, then the same markup for the same ``key`` (per process).

    Only for markup that is a function of ``key`` alone: the questions of a page nobody has
    answered yet, by question set version, questions and language. A question kind's
    widgets must therefore render the same unanswered field the same way every time
    (docs/plugins.md).
    """
    markup = rendered(key)
    if markup is None:
        markup = current_app.extensions["ikzsurvey.registry"].markup[key] = Markup(render())
    return markup


def rendered(key: tuple) -> Markup | None:
    """What :func:`rendered_once` keeps for ``key``, if it was rendered already."""
    return current_app.extensions["ikzsurvey.registry"].markup.get(key)
