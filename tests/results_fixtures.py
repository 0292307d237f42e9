"""A cooperation with known answers for the results tests, and signed-in clients.

Two municipalities (Altdorf, Neudorf) × two audiences (employees, citizens) × two waves.
Wave 1 is closed; wave 2 is running. Each response answers the sample question set
(``trust`` 1–5 or don't know, ``owner``, ``goals``, optionally ``remarks`` as free text).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from ikzsurvey.db import db
from ikzsurvey.models import (
    Audience,
    Cooperation,
    Municipality,
    Survey,
    SurveyQuestionSet,
    User,
    Wave,
)
from ikzsurvey.passwords import hash_password
from ikzsurvey.questions import Value
from ikzsurvey.results import releases
from ikzsurvey.submission import AnswerValues, Segment, store_response

from .conftest import csrf_token

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    survey_id: int
    cooperation_id: int
    municipalities: dict[str, int]  # name → id
    audiences: dict[str, int]  # key → id
    waves: dict[int, int]  # number → id


def make_cooperation(name="Kooperation Talaue", municipalities=("Altdorf", "Neudorf"),
                     audiences=("employees", "citizens"), k=5, waves=2) -> Survey:
    cooperation = Cooperation(name=name)
    cooperation.municipalities = [Municipality(name=m) for m in municipalities]
    cooperation.audiences = [Audience(key=a, labels={}) for a in audiences]
    survey = Survey(
        title={"de": "Umfrage Talaue", "en": "Talaue survey"},
        status="open",
        min_group_size=k,
        controller="Zweckverband Talaue, Marktplatz 1, 12345 Altdorf",
        dpo_contact="Datenschutzbeauftragte, Marktplatz 1, 12345 Altdorf",
        municipalities=list(cooperation.municipalities),
        audiences=list(cooperation.audiences),
        waves=[Wave(number=n, status="open") for n in range(1, waves + 1)],
        question_sets=[SurveyQuestionSet(question_set_id="sample", version=1, position=0)],
    )
    cooperation.surveys = [survey]
    db.session.add(cooperation)
    db.session.commit()
    return survey


def world(survey: Survey) -> World:
    return World(
        survey.id,
        survey.cooperation_id,
        {m.name: m.id for m in survey.municipalities},
        {a.key: a.id for a in survey.audiences},
        {w.number: w.id for w in survey.waves},
    )


def answer(w: World, municipality: str, audience: str, wave: int, trust, owner="town",
           goals=(), remarks=None, invitation_id: int | None = None) -> None:
    """Store one response (trust is 1–5 or "dk" for don't know), through an open link's
    one-time key or, given ``invitation_id``, an invitation."""
    answers = [
        AnswerValues("sample", 1, "trust",
                     (Value(text="dont_know") if trust == "dk" else Value(number=trust),)),
        AnswerValues("sample", 1, "owner", (Value(text=owner),)),
    ]
    if goals:
        answers.append(AnswerValues("sample", 1, "goals", tuple(Value(text=g) for g in goals)))
    if remarks:
        answers.append(AnswerValues("sample", 1, "remarks", (Value(text=remarks),),
                                    detached=True))
    store_response(
        Segment(w.survey_id, w.waves[wave], w.municipalities[municipality], w.audiences[audience]),
        answers,
        **({"invitation_id": invitation_id} if invitation_id is not None
           else {"receipt_key": secrets.token_hex(16)}),
    )


def close_wave(w: World, number: int, published=False, public=False) -> None:
    wave = db.session.get(Wave, w.waves[number])
    wave.status, wave.published, wave.public = "closed", published, public
    db.session.commit()
    release(w)


def close_waves(w: World) -> None:
    """Close every running wave of the survey, as results are shown of closed waves only,
    and compute the releases every surface reads (as the organizer's close does)."""
    for wave in db.session.get(Survey, w.survey_id).waves:
        if wave.status == "open":
            wave.status = "closed"
    db.session.commit()
    release(w)


def release(w: World) -> None:
    """Compute the releases the survey lacks after waves were closed or published here."""
    releases.request(w.survey_id)
    releases.run_queued(w.survey_id)
    db.session.expire_all()


def make_user(cooperation_id: int, role: str, email: str | None = None) -> str:
    email = email or f"{role}-{secrets.token_hex(4)}@example.org"
    db.session.add(User(email=email, role=role, cooperation_id=cooperation_id,
                        password_hash=hash_password(PASSWORD)))
    db.session.commit()
    return email


def sign_in(client, email: str, password: str = PASSWORD):
    """Sign in through the login form, CSRF token included."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response
