"""The demo: four partner municipalities on the energy transition, one survey, two waves.

Simulated answers go through :func:`ikzsurvey.submission.store_response`, the same code
as real submissions, each one spending a demo invitation. Their patterns differ by
municipality and audience, so results show agreement and divergence.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zlib
from dataclasses import dataclass

from sqlalchemy import select

from .db import db, write_transaction
from .forgetting import forget_order
from .kinds import DONT_KNOW
from .models import (
    BUILTIN_AUDIENCES,
    Audience,
    Comment,
    Cooperation,
    Invitation,
    Municipality,
    OpenLink,
    Survey,
    SurveyQuestionSet,
    User,
    Wave,
)
from .passwords import generate_password, hash_password
from .questions import FreeText, Likert, MultipleChoice, Number, Question, SingleChoice, Value
from .results import releases
from .submission import Segment, answer_values, store_response
from .surveys import pinned_question_sets, registry
from .tokens import hash_token, new_token

DEMO_NAME = "Energiewende-Kooperation Oberes Talgebiet (Demo)"
DEMO_ADMIN = "organizer@demo.ikzsurvey.invalid"
DEMO_VIEWER = "council@demo.ikzsurvey.invalid"
#: Municipality → attitude shift (positive: more optimistic about the cooperation).
MUNICIPALITIES = {
    "Bergheim": 0.6,
    "Tannau": 0.2,
    "Wiesenbach": -0.1,
    "Kleinmühlen": -0.7,
}
#: Audience → attitude shift and readiness to answer.
AUDIENCES = {"employees": (0.3, 0.55), "council": (0.5, 0.7), "citizens": (-0.3, 0.25)}
FREE_TEXTS = (
    "Mehr Informationen über die Ziele wären hilfreich.",
    "Die gemeinsame Planung spart Zeit und Geld.",
    "Ich befürchte, dass kleine Gemeinden weniger Gewicht haben.",
    "Mehr Austausch zwischen den Verwaltungen wäre gut.",
    "Bürgerinnen und Bürger sollten früher beteiligt werden.",
    "Frau Berger im Rathaus erklärt die Pläne sehr verständlich.",
)
#: The organizer's review in the demo: names replaced, everything else released as written.
DEMO_REDACTIONS = {"Frau Berger": "[…]"}


@dataclass
class DemoResult:
    cooperation_id: int
    survey_id: int
    created: bool
    open_links: dict[str, str]
    invitation_links: list[str]
    admin_email: str
    admin_password: str
    viewer_email: str
    viewer_password: str


def find_demo() -> Cooperation | None:
    return db.session.scalar(select(Cooperation).where(Cooperation.name == DEMO_NAME))


def run_demo(responses: int = 600, seed: int = 2026, base_url: str = "") -> DemoResult:
    """Create the demo once; on later runs keep its data and issue fresh links only."""
    rng = random.Random(seed)  # noqa: S311 - simulated answers, not secrets
    cooperation = find_demo()
    created = cooperation is None
    if created:
        cooperation = _create_structure()
        survey = cooperation.surveys[0]
        _simulate(survey, responses, rng)
        with write_transaction():
            # Both past waves are closed and published to the council viewers; the second
            # also as a public summary. Respondents answer in the third, running wave.
            for wave in survey.waves:
                wave.status = "closed"
                wave.closed_on = wave.opened_on + dt.timedelta(days=28)
                wave.published = True
            survey.waves[-1].public = True
            survey.waves.append(Wave(number=3, status="open"))
            _review_comments(survey)
        # As closing them through the pages would: the files forget the answers' order,
        # and the release of the closed waves is computed (here and now).
        forget_order(survey.id, [w.id for w in survey.waves if w.status == "closed"])
        if releases.request(survey.id):
            releases.run_queued(survey.id)
    survey = cooperation.surveys[0]
    tokens = _fresh_invitations(survey, count=3)
    passwords = {DEMO_ADMIN: generate_password(), DEMO_VIEWER: generate_password()}
    with write_transaction():
        for email, role in ((DEMO_ADMIN, "admin"), (DEMO_VIEWER, "viewer")):
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                user = User(email=email, role=role, cooperation_id=cooperation.id)
                db.session.add(user)
            user.password_hash = hash_password(passwords[email])
    links = db.session.scalars(
        select(OpenLink).where(OpenLink.survey_id == survey.id).order_by(OpenLink.id)
    )
    return DemoResult(
        cooperation_id=cooperation.id,
        survey_id=survey.id,
        created=created,
        open_links={
            f"{link.municipality.name} / {link.audience.key}": f"{base_url}/o/{link.key}"
            for link in links
        },
        invitation_links=[f"{base_url}/t/{token}" for token in tokens],
        admin_email=DEMO_ADMIN,
        admin_password=passwords[DEMO_ADMIN],
        viewer_email=DEMO_VIEWER,
        viewer_password=passwords[DEMO_VIEWER],
    )


def _create_structure() -> Cooperation:
    with write_transaction() as session:
        cooperation = Cooperation(name=DEMO_NAME, topic="Energiewende")
        cooperation.municipalities = [Municipality(name=name) for name in MUNICIPALITIES]
        cooperation.audiences = [Audience(key=key, labels={}) for key in BUILTIN_AUDIENCES]
        survey = Survey(
            title={
                "de": "Interkommunale Zusammenarbeit in der Energiewende",
                "en": "Inter-municipal cooperation on the energy transition",
            },
            phase="initiation",
            status="open",
            min_group_size=5,
            welcome={
                "de": (
                    "Bergheim, Tannau, Wiesenbach und Kleinmühlen wollen bei der Energiewende "
                    "enger zusammenarbeiten. Mit dieser Befragung möchten wir erfahren, welche "
                    "Vorteile Sie sehen, welche Sorgen Sie haben und wie Sie die "
                    "Zusammenarbeit bisher erleben.\n\nDie Beantwortung dauert etwa 15 Minuten."
                ),
                "en": (
                    "Bergheim, Tannau, Wiesenbach and Kleinmühlen want to work together more "
                    "closely on the energy transition. This survey asks which benefits you "
                    "see, which concerns you have and how you experience the cooperation so "
                    "far.\n\nAnswering takes about 15 minutes."
                ),
            },
            privacy={
                "de": "Die Daten werden zwei Jahre nach Ende der letzten Befragungswelle gelöscht.",
                "en": "The data are deleted two years after the last survey wave ends.",
            },
            controller=(
                "Gemeinde Bergheim (Demo) für die Kooperation Energiewende, Rathausplatz 1, "
                "00000 Bergheim, Telefon 00000 123-0, projektbuero@bergheim.example.org"
            ),
            dpo_contact=(
                "Behördliche Datenschutzbeauftragte der Gemeinde Bergheim (Demo), "
                "Rathausplatz 1, 00000 Bergheim, datenschutz@bergheim.example.org"
            ),
            notice={
                "authority": {
                    "de": "Landesbeauftragte für den Datenschutz (Demo), Musterstraße 5, "
                          "00000 Landeshauptstadt, poststelle@datenschutz.example.org",
                    "en": "State Commissioner for Data Protection (demo), Musterstraße 5, "
                          "00000 Landeshauptstadt, poststelle@datenschutz.example.org",
                },
            },
            municipalities=list(cooperation.municipalities),
            audiences=list(cooperation.audiences),
            waves=[
                Wave(number=1, status="open", opened_on=dt.date.today() - dt.timedelta(days=365)),
                Wave(number=2, status="open", opened_on=dt.date.today() - dt.timedelta(days=90)),
            ],
        )
        survey.question_sets = [
            SurveyQuestionSet(question_set_id=qs.id, version=qs.version, position=i)
            for i, qs in enumerate(registry().latest())
        ]
        cooperation.surveys = [survey]
        session.add(cooperation)
        session.flush()
        for municipality in cooperation.municipalities:
            for audience in cooperation.audiences:
                session.add(OpenLink(survey=survey, municipality=municipality, audience=audience))
    return cooperation


def _segments(survey: Survey):
    for wave in survey.waves:
        for municipality in survey.municipalities:
            for audience in survey.audiences:
                yield wave, municipality, audience


def _simulate(survey: Survey, responses: int, rng: random.Random) -> None:
    """Spread ``responses`` over the segments by readiness; each spends an invitation."""
    segments = list(_segments(survey))
    weights = [AUDIENCES.get(a.key, (0, 0.4))[1] for _, _, a in segments]
    counts = [0] * len(segments)
    for index in rng.choices(range(len(segments)), weights=weights, k=responses):
        counts[index] += 1
    reg = registry()
    sets_by_audience = {a.key: pinned_question_sets(survey, a.key) for a in survey.audiences}
    for (wave, municipality, audience), count in zip(segments, counts, strict=True):
        readiness = AUDIENCES.get(audience.key, (0, 0.4))[1]
        issued = max(count, math.ceil(count / readiness))
        invitation_ids = _issue(wave, municipality, audience, issued)[1]
        mood = MUNICIPALITIES.get(municipality.name, 0) + AUDIENCES.get(audience.key, (0, 0))[0]
        mood += 0.25 * (wave.number - 1)  # the cooperation wins trust over time
        segment = Segment(survey.id, wave.id, municipality.id, audience.id)
        for invitation_id in invitation_ids[:count]:
            answers = [
                answer_values(qs, q, values, reg)
                for qs in sets_by_audience[audience.key]
                for q in qs.questions
                if (values := simulated_values(q, mood, rng))
            ]
            store_response(segment, answers, invitation_id=invitation_id, on=wave.opened_on)


def _review_comments(survey: Survey) -> None:
    """Release the simulated free texts as an organizer would, replacing names."""
    for comment in db.session.scalars(select(Comment).where(Comment.survey_id == survey.id)):
        redacted = comment.text
        for name, mark in DEMO_REDACTIONS.items():
            redacted = redacted.replace(name, mark)
        if redacted != comment.text:
            comment.status, comment.redacted_text = "redacted", redacted
        else:
            comment.status = "released"


def simulated_values(question: Question, mood: float, rng: random.Random) -> list[Value]:
    """A plausible answer: ratings lean towards ``mood`` (−1 … +1), fears against it."""
    if not question.required and rng.random() < 0.15:
        return []
    if isinstance(question, Likert):
        if question.dont_know and rng.random() < 0.06:
            return [Value(text=DONT_KNOW)]
        # Fears and divergence are worded so that agreeing is the pessimistic answer.
        lean = -mood if question.dimension in ("fear", "divergence") else mood
        # Items differ a little from each other (the same way on every run), and success
        # factors matter to most people whatever they think of the cooperation today.
        lean += ((zlib.crc32(question.id.encode()) % 9) - 4) / 8
        if question.facet == "importance":
            lean = 0.8 + ((zlib.crc32(question.id.encode()) % 7) - 3) / 8
        centre = (question.scale + 1) / 2 + lean * question.scale / 5
        value = round(rng.gauss(centre, question.scale / 5))
        return [Value(number=min(question.scale, max(1, value)))]
    if isinstance(question, SingleChoice):
        return [Value(text=rng.choice(question.options)[0])]
    if isinstance(question, MultipleChoice):
        keys = [key for key, _ in question.options]
        most = min(len(keys), question.max_choices or len(keys))
        return [Value(text=k) for k in rng.sample(keys, rng.randint(1, most))]
    if isinstance(question, Number):
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else low + 50
        return [Value(number=rng.randint(low, high))]
    if isinstance(question, FreeText):
        if rng.random() < 0.6:
            return []
        return [Value(text=rng.choice(FREE_TEXTS)[: question.max_length])]
    return []  # a plugin's own kind: the demo does not know how to answer it


def _issue(wave, municipality, audience, count: int) -> tuple[list[str], list[int]]:
    """Create ``count`` invitations; returns the plain tokens (shown once) and row ids."""
    tokens = [new_token() for _ in range(count)]
    with write_transaction() as session:
        invitations = [
            Invitation(
                token_hash=hash_token(token),
                wave_id=wave.id,
                municipality_id=municipality.id,
                audience_id=audience.id,
            )
            for token in tokens
        ]
        session.add_all(invitations)
        session.flush()
        ids = [inv.id for inv in invitations]
    return tokens, ids


def _fresh_invitations(survey: Survey, count: int) -> list[str]:
    """A few unused invitation links for the open wave (new ones on every run)."""
    wave = survey.current_wave
    if wave is None:
        return []
    tokens: list[str] = []
    audiences = survey.audiences
    for i in range(count):
        municipality = survey.municipalities[i % len(survey.municipalities)]
        audience = audiences[i % len(audiences)]
        tokens += _issue(wave, municipality, audience, 1)[0]
    return tokens
