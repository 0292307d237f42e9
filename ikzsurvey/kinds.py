"""The built-in question kinds: how each is asked (WTForms), checked and stored.

Registered by the core through the same ``ikzsurvey_question_kinds`` hook that plugins use.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from . import hookimpl
from .questions import (
    ID_PATTERN,
    DefinitionError,
    FreeText,
    Likert,
    MultipleChoice,
    Number,
    Question,
    QuestionKind,
    SingleChoice,
    Value,
)
from .results.bins import check_bins
from .texts import is_text

DONT_KNOW = "dont_know"
MAX_FREE_TEXT = 10_000
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

DEFAULT_LIKERT_LABELS = {
    4: (
        _l("Strongly disagree"),
        _l("Tend to disagree"),
        _l("Tend to agree"),
        _l("Strongly agree"),
    ),
    5: (
        _l("Strongly disagree"),
        _l("Tend to disagree"),
        _l("Neither agree nor disagree"),
        _l("Tend to agree"),
        _l("Strongly agree"),
    ),
    7: (
        _l("Strongly disagree"),
        _l("Disagree"),
        _l("Somewhat disagree"),
        _l("Neither agree nor disagree"),
        _l("Somewhat agree"),
        _l("Agree"),
        _l("Strongly agree"),
    ),
}


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def clean_text(value: str | None) -> str:
    """Remove control characters (a database cannot store NUL) and outer whitespace."""
    return _CONTROL_CHARS.sub("", value or "").strip()


class Required:
    """An answer is needed; stops the chain with a clear message when there is none."""

    def __init__(self, message=None):
        self.message = message or _l("Please answer this question.")
        self.field_flags = {"required": True}

    def __call__(self, form, field):
        data = field.data
        if data is None or data == "" or data == []:
            field.errors[:] = []
            raise StopValidation(str(self.message))


class Optional:
    """No answer is fine; stops the chain when there is none."""

    field_flags = {"optional": True}

    def __call__(self, form, field):
        data = field.data
        if data is None or data == "" or data == []:
            field.errors[:] = []
            raise StopValidation()


def _presence(question: Question):
    return Required() if question.required else Optional()


class OneOf:
    def __init__(self, keys):
        self.keys = frozenset(keys)

    def __call__(self, form, field):
        if field.data not in self.keys:
            raise ValidationError(str(_l("Please choose one of the options shown.")))


class ChoicesOf:
    def __init__(self, keys, max_choices):
        self.keys = frozenset(keys)
        self.max_choices = max_choices

    def __call__(self, form, field):
        if any(value not in self.keys for value in field.data):
            raise ValidationError(str(_l("Please choose only among the options shown.")))
        if len(set(field.data)) != len(field.data):
            raise ValidationError(str(_l("Please choose each option only once.")))
        if self.max_choices is not None and len(field.data) > self.max_choices:
            raise ValidationError(
                str(_l("Please choose at most %(n)d options.", n=self.max_choices))
            )


#: The bounds of every number answer: a question's own ``min``/``max`` lie within them, and
#: they apply where a question gives none (a value the database and the statistics hold
#: exactly, far beyond any count or age a survey asks for).
NUMBER_LIMIT = 10**9
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class WholeNumber:
    def __init__(self, minimum, maximum):
        self.minimum = -NUMBER_LIMIT if minimum is None else minimum
        self.maximum = NUMBER_LIMIT if maximum is None else maximum

    def __call__(self, form, field):
        text = field.data.strip() if isinstance(field.data, str) else ""
        # ASCII digits only: int() also reads "١٢" (Arabic-Indic) or "１２" (full width).
        if not _WHOLE_NUMBER.fullmatch(text):
            raise ValidationError(str(_l("Please enter a whole number, e.g. 12.")))
        low, high = self.minimum, self.maximum
        # More digits than any bound has: out of range, without reading a huge integer.
        if len(text) > 20 or not low <= int(text) <= high:
            raise ValidationError(str(
                _l("Please enter a number from %(low)d to %(high)d.", low=low, high=high)))


class MaxLength:
    def __init__(self, maximum):
        self.maximum = maximum

    def __call__(self, form, field):
        if len(field.data or "") > self.maximum:
            raise ValidationError(
                str(
                    _l(
                        "Please shorten your answer to at most %(max)d characters "
                        "(it has %(len)d).",
                        max=self.maximum,
                        len=len(field.data),
                    )
                )
            )


class CleanTextField(TextAreaField):
    def process_formdata(self, valuelist):
        self.data = clean_text(valuelist[0]) if valuelist else ""


class CleanStringField(StringField):
    def process_formdata(self, valuelist):
        self.data = clean_text(valuelist[0]) if valuelist else ""


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# --- Likert ---------------------------------------------------------------------------


def likert_labels(question: Likert) -> tuple:
    if question.labels:
        return tuple(question.labels)
    if question.anchors is None and question.scale in DEFAULT_LIKERT_LABELS:
        return DEFAULT_LIKERT_LABELS[question.scale]
    labels = [str(i) for i in range(1, question.scale + 1)]
    if question.anchors:
        low, high = question.anchors
        labels[0] = low
        labels[-1] = high
    return tuple(labels)


def likert_field(question: Likert):
    choices = [str(i) for i in range(1, question.scale + 1)]
    labels = list(likert_labels(question))
    if question.dont_know:
        choices.append(DONT_KNOW)
        labels.append(_l("Don't know"))
    return RadioField(
        question.text,
        choices=_choices(zip(choices, labels, strict=True)),
        coerce=_optional_str,
        validate_choice=False,
        validators=[_presence(question), OneOf(choices)],
    )


def likert_values(question: Likert, data: Any) -> list[Value]:
    if data is None or data == "":
        return []
    if data == DONT_KNOW:
        return [Value(text=DONT_KNOW)]
    return [Value(number=int(data))]


def check_likert(question: Likert) -> None:
    if not isinstance(question.scale, int) or not 2 <= question.scale <= 11:
        raise DefinitionError("scale must be a whole number from 2 to 11", field="scale")
    if question.labels is not None:
        if len(question.labels) != question.scale:
            raise DefinitionError(
                f"{len(question.labels)} labels for a {question.scale}-point scale",
                field="labels",
            )
        _check_texts(question.labels, "labels")
    if question.anchors is not None:
        if len(question.anchors) != 2:
            raise DefinitionError("anchors are two texts: (lowest, highest)", field="anchors")
        _check_texts(question.anchors, "anchors")


# --- choices --------------------------------------------------------------------------


def _check_options(question) -> None:
    options = question.options
    if not options:
        raise DefinitionError("at least one option is needed", field="options")
    seen = set()
    for i, option in enumerate(options):
        if not (isinstance(option, tuple) and len(option) == 2):
            raise DefinitionError("each option is a (key, label) pair", field=f"options[{i}]")
        key, label = option
        if not isinstance(key, str) or not ID_PATTERN.match(key) or key == DONT_KNOW:
            raise DefinitionError(f"invalid option key {key!r}", field=f"options[{i}]")
        if key in seen:
            raise DefinitionError(f"duplicate option key {key!r}", field=f"options[{i}]")
        seen.add(key)
        if not (is_text(label) and label):
            raise DefinitionError("missing text", field=f"options[{i}].label")


def _check_texts(texts, name: str) -> None:
    for i, text in enumerate(texts):
        if not (is_text(text) and text):
            raise DefinitionError("missing text", field=f"{name}[{i}]")


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in pairs]


def single_choice_field(question: SingleChoice):
    return RadioField(
        question.text,
        choices=_choices(question.options),
        coerce=_optional_str,
        validate_choice=False,
        validators=[_presence(question), OneOf(key for key, _ in question.options)],
    )


def single_choice_values(question: SingleChoice, data: Any) -> list[Value]:
    return [Value(text=data)] if data else []


def multiple_choice_field(question: MultipleChoice):
    return CheckboxListField(
        question.text,
        choices=_choices(question.options),
        coerce=str,
        validate_choice=False,
        validators=[
            _presence(question),
            ChoicesOf((key for key, _ in question.options), question.max_choices),
        ],
    )


def multiple_choice_values(question: MultipleChoice, data: Any) -> list[Value]:
    return [Value(text=key) for key in data or ()]


def check_multiple_choice(question: MultipleChoice) -> None:
    _check_options(question)
    m = question.max_choices
    if m is not None and (not isinstance(m, int) or not 1 <= m <= len(question.options)):
        raise DefinitionError(
            f"max_choices must be from 1 to the number of options, not {m!r}",
            field="max_choices",
        )


# --- free text and numbers -----------------------------------------------------------


def free_text_field(question: FreeText):
    return CleanTextField(
        question.text,
        validators=[_presence(question), MaxLength(question.max_length)],
        render_kw={"maxlength": question.max_length, "rows": 5},
    )


def free_text_values(question: FreeText, data: Any) -> list[Value]:
    return [Value(text=data)] if data else []


def check_free_text(question: FreeText) -> None:
    m = question.max_length
    if not isinstance(m, int) or not 1 <= m <= MAX_FREE_TEXT:
        raise DefinitionError(f"max_length must be from 1 to {MAX_FREE_TEXT}", field="max_length")


def number_field(question: Number):
    return CleanStringField(
        question.text,
        validators=[_presence(question), WholeNumber(question.min, question.max)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "size": 8},
    )


def number_values(question: Number, data: Any) -> list[Value]:
    return [Value(number=int(data))] if data not in (None, "") else []


def check_number(question: Number) -> None:
    for name in ("min", "max"):
        value = getattr(question, name)
        if value is not None and not isinstance(value, int):
            raise DefinitionError("must be a whole number or None", field=name)
        if value is not None and not -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
            raise DefinitionError(f"must be from {-NUMBER_LIMIT} to {NUMBER_LIMIT}", field=name)
    if question.min is not None and question.max is not None and question.min > question.max:
        raise DefinitionError("min is greater than max", field="min")
    check_bins(question)


BUILTIN_KINDS = (
    QuestionKind(
        name="likert",
        question_class=Likert,
        make_field=likert_field,
        to_values=likert_values,
        check=check_likert,
        aggregation="ordinal",
    ),
    QuestionKind(
        name="single_choice",
        question_class=SingleChoice,
        make_field=single_choice_field,
        to_values=single_choice_values,
        check=_check_options,
        aggregation="nominal",
    ),
    QuestionKind(
        name="multiple_choice",
        question_class=MultipleChoice,
        make_field=multiple_choice_field,
        to_values=multiple_choice_values,
        check=check_multiple_choice,
        aggregation="multiple",
    ),
    QuestionKind(
        name="free_text",
        question_class=FreeText,
        make_field=free_text_field,
        to_values=free_text_values,
        check=check_free_text,
        aggregation="text",
    ),
    QuestionKind(
        name="number",
        question_class=Number,
        make_field=number_field,
        to_values=number_values,
        check=check_number,
        aggregation="numeric",
    ),
)


@hookimpl
def ikzsurvey_question_kinds():
    return BUILTIN_KINDS
