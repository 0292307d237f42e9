"""The organizer's forms. Every message is translated; every limit is checked on the server."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import MIN_GROUP_SIZE_FLOOR

EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
KEY_SHAPE = re.compile(r"^[a-z][a-z0-9-]{1,40}$")
MAX_INVITATIONS = 5000  # per request
MAX_GROUP_SIZE = 50


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes, one per choice (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CooperationForm(FlaskForm):
    name = StringField(_l("Name of the cooperation"), validators=[DataRequired(), Length(max=200)])
    topic = StringField(_l("Topic"), validators=[Optional(), Length(max=200)])


class MunicipalityForm(FlaskForm):
    name = StringField(_l("Name of the municipality"),
                       validators=[DataRequired(), Length(max=200)])


class AudienceForm(FlaskForm):
    key = StringField(
        _l("Short key"),
        validators=[
            DataRequired(),
            Regexp(KEY_SHAPE, message=_l("Use 2 to 41 lower-case letters, digits and hyphens, "
                                          "starting with a letter.")),
        ],
    )
    label_de = StringField(_l("Name in German"), validators=[DataRequired(), Length(max=100)])
    label_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=100)])


class SurveyForm(FlaskForm):
    title_de = StringField(_l("Title in German"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[DataRequired(), Length(max=200)])
    welcome_de = TextAreaField(_l("Welcome text in German"),
                               validators=[Optional(), Length(max=5000)])
    welcome_en = TextAreaField(_l("Welcome text in English"),
                               validators=[Optional(), Length(max=5000)])
    privacy_de = TextAreaField(_l("Further privacy information in German"),
                               validators=[Optional(), Length(max=10000)])
    privacy_en = TextAreaField(_l("Further privacy information in English"),
                               validators=[Optional(), Length(max=10000)])
    controller = TextAreaField(_l("Controller (name and address of who is responsible)"),
                               validators=[DataRequired(), Length(max=1000)])
    dpo_contact = TextAreaField(_l("Contact of the data protection officer"),
                                validators=[Optional(), Length(max=1000)])
    purpose_de = TextAreaField(_l("Purpose in German"), validators=[Optional(), Length(max=2000)])
    purpose_en = TextAreaField(_l("Purpose in English"), validators=[Optional(), Length(max=2000)])
    legal_basis_de = TextAreaField(_l("Legal basis in German"),
                                   validators=[Optional(), Length(max=2000)])
    legal_basis_en = TextAreaField(_l("Legal basis in English"),
                                   validators=[Optional(), Length(max=2000)])
    recipients_de = TextAreaField(_l("Recipients in German"),
                                  validators=[Optional(), Length(max=2000)])
    recipients_en = TextAreaField(_l("Recipients in English"),
                                  validators=[Optional(), Length(max=2000)])
    authority_de = TextAreaField(_l("Supervisory authority in German (name and address)"),
                                 validators=[Optional(), Length(max=1000)])
    authority_en = TextAreaField(_l("Supervisory authority in English (name and address)"),
                                 validators=[Optional(), Length(max=1000)])
    phase = SelectField(_l("Phase of the cooperation"), validators=[InputRequired()])
    min_group_size = IntegerField(
        _l("Minimum group size k"),
        validators=[
            InputRequired(message=_l("Please enter a whole number.")),
            NumberRange(min=MIN_GROUP_SIZE_FLOOR, max=MAX_GROUP_SIZE,
                        message=_l("Please enter a number from %(min)s to %(max)s.")),
        ],
        default=5,
    )
    retain_until = DateField(_l("Delete the answers after"), validators=[Optional()])
    municipalities = MultiCheckboxField(_l("Municipalities"), coerce=int,
                                        validators=[DataRequired(_l("Choose at least one."))])
    audiences = MultiCheckboxField(_l("Groups asked"), coerce=int,
                                   validators=[DataRequired(_l("Choose at least one."))])
    question_sets = MultiCheckboxField(_l("Question sets"),
                                       validators=[DataRequired(_l("Choose at least one."))])


class InvitationForm(FlaskForm):
    wave = SelectField(_l("Wave"), coerce=int, validators=[InputRequired()])
    municipality = SelectField(_l("Municipality"), coerce=int, validators=[InputRequired()])
    audience = SelectField(_l("Group"), coerce=int, validators=[InputRequired()])
    count = IntegerField(
        _l("Invitations per municipality and group"),
        validators=[
            InputRequired(message=_l("Please enter a whole number.")),
            NumberRange(min=1, max=MAX_INVITATIONS,
                        message=_l("Please enter a number from %(min)s to %(max)s.")),
        ],
        default=10,
    )


class AccountForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254),
                                                         Regexp(EMAIL_SHAPE, message=_l(
                                                             "Please enter an e-mail address."))])
    role = SelectField(_l("Role"), validators=[InputRequired()])


class DeleteSurveyForm(FlaskForm):
    confirm = StringField(_l("Type the word shown above to confirm"),
                          validators=[DataRequired()])
