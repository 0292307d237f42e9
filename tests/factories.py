"""Small factories for test data; each commits what it makes."""

from __future__ import annotations

from sqlalchemy import func, select

from ikzsurvey.db import db
from ikzsurvey.models import (
    Answer,
    Audience,
    Comment,
    Cooperation,
    Invitation,
    Municipality,
    OpenLink,
    Response,
    SubmissionReceipt,
    Survey,
    SurveyQuestionSet,
    Wave,
)
from ikzsurvey.tokens import hash_token, new_token


def make_survey(
    *,
    status: str = "open",
    wave_status: str = "open",
    question_sets=(("sample", 1),),
    audiences=("employees", "council", "citizens"),
    k: int = 5,
) -> Survey:
    # Cooperation names are unique; a test that makes several surveys gets
    # "Testkooperation", "Testkooperation 2", ...
    taken = set(db.session.scalars(select(Cooperation.name)))
    name, n = "Testkooperation", 1
    while name in taken:
        n += 1
        name = f"Testkooperation {n}"
    cooperation = Cooperation(name=name)
    municipality = Municipality(name="Testdorf")
    cooperation.municipalities = [municipality]
    cooperation.audiences = [Audience(key=key, labels={}) for key in audiences]
    survey = Survey(
        title={"de": "Testumfrage", "en": "Test survey"},
        status=status,
        min_group_size=k,
        welcome={"de": "Willkommen", "en": "Welcome"},
        privacy={},
        controller="Gemeinde Testdorf, Am Markt 1, 12345 Testdorf",
        dpo_contact="Datenschutzbeauftragter, Am Markt 1, 12345 Testdorf",
        municipalities=[municipality],
        audiences=list(cooperation.audiences),
        waves=[Wave(number=1, status=wave_status)],
        question_sets=[
            SurveyQuestionSet(question_set_id=qs, version=v, position=i)
            for i, (qs, v) in enumerate(question_sets)
        ],
    )
    cooperation.surveys = [survey]
    db.session.add(cooperation)
    db.session.commit()
    return survey


def invite(survey: Survey, audience_key: str = "citizens") -> str:
    """A fresh invitation token for the survey's first wave and municipality."""
    token = new_token()
    audience = next(a for a in survey.audiences if a.key == audience_key)
    db.session.add(
        Invitation(
            token_hash=hash_token(token),
            wave_id=survey.waves[0].id,
            municipality_id=survey.municipalities[0].id,
            audience_id=audience.id,
        )
    )
    db.session.commit()
    return token


def open_link(survey: Survey, audience_key: str = "citizens", enabled: bool = True) -> str:
    audience = next(a for a in survey.audiences if a.key == audience_key)
    link = OpenLink(
        survey_id=survey.id,
        municipality_id=survey.municipalities[0].id,
        audience_id=audience.id,
        enabled=enabled,
    )
    db.session.add(link)
    db.session.commit()
    return link.key


def counts() -> dict[str, int]:
    """Rows that a submission may change."""
    scalar = db.session.scalar
    return {
        "responses": scalar(select(func.count()).select_from(Response)),
        "answers": scalar(select(func.count()).select_from(Answer)),
        "comments": scalar(select(func.count()).select_from(Comment)),
        "used": scalar(select(func.count()).select_from(Invitation).where(Invitation.used)),
        "receipts": scalar(select(func.count()).select_from(SubmissionReceipt)),
    }
