"""Cooperations for the attack over HTTP (tests/test_attack_http.py), and what each reader
fetched of them after every step of closing and publishing their waves.

:class:`Case` describes a cooperation: its segments' responses per wave, its open links,
which waves are published. :func:`play` builds it as respondents and organizers would —
each wave's responses through :func:`ikzsurvey.submission.store_response` (an invitation
spent, or an open link's one-time key, as tests/results_fixtures.py does), every comment
released (the worst case: each list counts every comment), the wave closed on the survey
page and published on the results page — and after each step :func:`read_step` fetches
everything each role may see (:mod:`.http_reading`). :func:`cases` makes cooperations
for hypothesis. The truth (responses and comments per segment) is read from the database,
to know which cells the attack must not pin.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field

from hypothesis import assume
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from ikzsurvey.db import db
from ikzsurvey.models import (
    Audience,
    Comment,
    Invitation,
    Municipality,
    OpenLink,
    Response,
    Survey,
    Wave,
)
from ikzsurvey.questions import Value
from ikzsurvey.submission import AnswerValues, Segment, store_response
from ikzsurvey.tokens import hash_token, new_token

from .conftest import csrf_token
from .disclosure import cells_of
from .http_reading import (
    Participation,
    read_api,
    read_comment_lists,
    read_exports,
    read_labels,
    read_participation,
    read_review,
)
from .results_fixtures import make_cooperation, make_user, sign_in, world

K = 5
AUDIENCE_KEYS = ("employees", "council", "citizens", "business")


@dataclass(frozen=True)
class Case:
    """``sizes``: per wave, ((municipality, audience), responses) by index."""

    municipalities: int
    audiences: int
    sizes: tuple
    open_links: frozenset = frozenset()  # (municipality, audience) indices
    spare: int = 1  # invitations issued beyond those used, per segment and wave
    published: tuple = ()  # per wave: published once closed (default: every wave)
    public: tuple = ()  # per wave: its public summary put online (default: none)
    seed: int = 0
    together: bool = False  # every wave closed at once (the survey closed), not in turn
    every_xlsx: bool = True  # read every workbook, not a sample (http_reading.read_exports)

    def waves(self) -> int:
        return len(self.sizes)


@dataclass
class Clients:
    organizer: object
    viewer: object
    public: object


@dataclass
class Seen:
    """Everything the readers fetched, and the truth to hold it against."""

    survey_id: int
    readings: dict = field(default_factory=dict)  # wave numbers → Reading
    viewer: list = field(default_factory=list)  # the wave sets viewers read
    organizer: list = field(default_factory=list)  # … organizers read
    participation: list[Participation] = field(default_factory=list)
    survey_pages: list[str] = field(default_factory=list)  # seen just before each close
    review: dict = field(default_factory=dict)  # organizer's wave numbers → Review
    segments: dict = field(default_factory=dict)  # (municipality, audience, wave) → responses
    comments: dict = field(default_factory=dict)  # text key → {segment: comments}
    names: tuple = ((), ())  # municipality names, audience keys
    open_segments: set = field(default_factory=set)  # (municipality, audience) names
    every_xlsx: bool = True  # read every workbook (http_reading.read_exports)
    every_released: bool = True  # every comment released: a list is as long as its part
    public: set = field(default_factory=set)  # (release waves, public wave) read

    def dimensions(self, waves) -> tuple:
        return (*self.names, tuple(sorted(set().union(*waves))))

    def truth(self, waves_read) -> dict:
        """(waves, cell) → responses, for every cell of every release read."""
        truth = {}
        for waves in waves_read:
            for cell in cells_of((*self.names, waves)):
                truth[(waves, cell)] = sum(
                    n for s, n in self.segments.items() if s[2] in waves
                    and all(c is None or c == v for c, v in zip(cell, s, strict=True)))
        return truth


def segments_of(m: int, a: int, sizes) -> tuple:
    """``sizes`` (municipality-major) as a :class:`Case`'s wave."""
    return tuple(((i, j), sizes[i * a + j]) for i in range(m) for j in range(a))


@st.composite
def cases(draw, together: bool = False) -> Case:
    """2–6 municipalities × 2–4 audiences × 1–4 waves; segments of 0 … k + 2 responses,
    a quarter of them larger, 10–300 in all; some open links, some spare invitations;
    most waves published, some public. A sample of the workbooks is read (each XLSX holds
    the rows of its CSV, read in full, and the API's responses): they are most of the
    time of reading a release."""
    m, a, waves = draw(st.integers(2, 6)), draw(st.integers(2, 4)), draw(st.integers(1, 4))
    small = st.integers(0, K + 2)
    size = st.one_of(small, small, small, st.integers(K + 3, 40))
    sizes = tuple(segments_of(m, a, [draw(size) for _ in range(m * a)]) for _ in range(waves))
    assume(10 <= sum(n for wave in sizes for _, n in wave) <= 300)
    segments = [(i, j) for i in range(m) for j in range(a)]
    return Case(m, a, sizes,
                open_links=frozenset(draw(st.sets(st.sampled_from(segments)))),
                spare=draw(st.integers(0, 3)),
                published=tuple(draw(st.sampled_from((True, True, False)))
                                for _ in range(waves)),
                public=tuple(draw(st.booleans()) for _ in range(waves)),
                seed=draw(st.integers(0, 2**16)), together=together, every_xlsx=False)


def signed_in(app, cooperation_id: int) -> Clients:
    clients = []
    for role in ("admin", "viewer"):
        with app.app_context():
            email = make_user(cooperation_id, role)
        client = app.test_client()
        sign_in(client, email)
        clients.append(client)
    return Clients(*clients, app.test_client())


def play(app, case: Case) -> tuple[Seen, Clients]:
    """Build the case's cooperation and run its waves (see the module docs): one after the
    other — answered, closed, published, read, the next one started — or, with
    ``together``, every wave answered, the survey closed (every wave at once), read, and
    then each wave published and read in turn."""
    rng = random.Random(case.seed)
    with app.app_context():
        survey = make_cooperation(
            municipalities=[f"Gemeinde {i + 1}" for i in range(case.municipalities)],
            audiences=AUDIENCE_KEYS[:case.audiences], k=K,
            waves=case.waves() if case.together else 1)
        w = world(survey)
        for m, a in sorted(case.open_links):
            db.session.add(OpenLink(survey_id=w.survey_id, municipality_id=w.municipalities[
                f"Gemeinde {m + 1}"], audience_id=w.audiences[AUDIENCE_KEYS[a]]))
        db.session.commit()
    clients = signed_in(app, w.cooperation_id)
    seen = Seen(w.survey_id, every_xlsx=case.every_xlsx)
    survey_page = f"/organize/surveys/{w.survey_id}/"
    if case.together:
        for number in range(1, case.waves() + 1):
            _answer(app, w, case, number, rng)
        seen.survey_pages.append(
            _organize(clients.organizer, f"{survey_page}status/close", survey_page))
        with app.app_context():
            release_every_comment(w.survey_id)
        read_step(app, seen, clients)
    for number in range(1, case.waves() + 1):
        if not case.together:
            _answer(app, w, case, number, rng)
            seen.survey_pages.append(
                _organize(clients.organizer, f"{survey_page}waves/close", survey_page))
            with app.app_context():
                release_every_comment(w.survey_id)
        index = number - 1
        published = case.published[index] if case.published else True
        public = case.public[index] if case.public else False
        for action, wanted in (("publish", published and not public), ("make-public", public)):
            if wanted:
                _organize(clients.organizer, f"/results/{w.survey_id}/waves/{number}/{action}",
                          f"/results/{w.survey_id}/")
        read_step(app, seen, clients)
        if number < case.waves() and not case.together:
            _organize(clients.organizer, f"{survey_page}waves/new", survey_page)
    return seen, clients


def _answer(app, w, case: Case, number: int, rng: random.Random) -> None:
    municipalities, audiences = list(w.municipalities.values()), list(w.audiences.values())
    with app.app_context():
        wave_id = db.session.scalar(select(Wave.id).where(
            Wave.survey_id == w.survey_id, Wave.number == number))
        for (m, a), n in case.sizes[number - 1]:
            _respond(Segment(w.survey_id, wave_id, municipalities[m], audiences[a]), n,
                     (m, a) in case.open_links, case.spare, rng)


def _organize(client, action: str, page: str) -> str:
    """Post ``action`` from ``page`` (in English), as an organizer would; the page as seen."""
    html = client.get(page, query_string={"lang": "en"}).get_data(as_text=True)
    response = client.post(action, data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302, (action, response.get_data(as_text=True))
    return html


def _respond(segment: Segment, n: int, open_link: bool, spare: int, rng: random.Random):
    """``n`` responses of one segment: through invitations, or where the segment has an
    open link, half of them through it; ``spare`` invitations stay unused."""
    through_link = sum(rng.random() < 0.5 for _ in range(n)) if open_link else 0
    invitations = [Invitation(token_hash=hash_token(new_token()), wave_id=segment.wave_id,
                              municipality_id=segment.municipality_id,
                              audience_id=segment.audience_id)
                   for _ in range(n - through_link + spare)]
    db.session.add_all(invitations)
    db.session.commit()
    for i in range(n):
        answers = sample_answers(rng)
        if i < through_link:
            store_response(segment, answers, receipt_key=secrets.token_hex(16))
        else:
            store_response(segment, answers, invitation_id=invitations[i - through_link].id)


def sample_answers(rng: random.Random) -> list[AnswerValues]:
    """Answers to tests/sample_plugin.py's question set: a Likert item (or don't know), a
    single and a multiple choice, a number, a free text (unique) — the optional ones not
    always."""
    trust = Value(text="dont_know") if rng.random() < 0.1 else Value(number=rng.randint(1, 5))
    answers = [AnswerValues("sample", 1, "trust", (trust,)),
               AnswerValues("sample", 1, "owner", (Value(text=rng.choice(("town", "coop"))),))]
    goals = [g for g in ("heat", "sun", "wind") if rng.random() < 0.4][:2]
    if goals:
        answers.append(AnswerValues("sample", 1, "goals", tuple(Value(text=g) for g in goals)))
    if rng.random() < 0.8:
        years = rng.choice((rng.randint(0, 120), rng.randint(20, 30), rng.randint(0, 4)))
        answers.append(AnswerValues("sample", 1, "years", (Value(number=years),)))
    if rng.random() < 0.6:
        text = f"Anmerkung {secrets.token_hex(4)}: mehr Austausch wäre gut."
        answers.append(AnswerValues("sample", 1, "remarks", (Value(text=text),), detached=True))
    return answers


def release_every_comment(survey_id: int) -> None:
    db.session.execute(update(Comment).where(Comment.survey_id == survey_id,
                                             Comment.status == "pending")
                       .values(status="released"))
    db.session.commit()


def read_step(app, seen: Seen, clients: Clients) -> None:
    """What each role sees now: the release it reads (once per release: a release never
    changes), the public summaries of the viewers' release, the released comment lists, the
    organizer's survey page (with those it saw just before closing waves) and free-text
    review. Updates the truth from the database."""
    survey_id = seen.survey_id
    with app.app_context():
        _truth(seen)
    labels = read_labels(clients.organizer, survey_id)
    for role, client, read in (("viewer", clients.viewer, seen.viewer),
                               ("organizer", clients.organizer, seen.organizer)):
        response = client.get(f"/api/v1/surveys/{survey_id}/results")
        if response.status_code == 404:
            continue  # nothing released to this role yet
        waves = tuple(w["number"] for w in response.get_json()["waves"])
        if waves not in seen.readings:
            reading = seen.readings[waves] = read_api(client, survey_id)
            read_exports(client, reading, f"/results/{survey_id}", every_xlsx=seen.every_xlsx)
            if seen.every_released:
                read_comment_lists(client, survey_id, reading, labels)
        for w in response.get_json()["waves"] if role == "viewer" else ():
            if w["public"] and (waves, w["number"]) not in seen.public:
                seen.public.add((waves, w["number"]))
                read_exports(clients.public, seen.readings[waves],
                             f"/public/{survey_id}/waves/{w['number']}", waves=(),
                             every_xlsx=seen.every_xlsx)
        if waves not in read:
            read.append(waves)
        if role == "organizer":
            if waves not in seen.review:
                seen.review[waves] = read_review(client, survey_id, seen.readings[waves],
                                                 labels)
            while seen.survey_pages:
                seen.participation.append(
                    read_participation(client, survey_id, labels, seen.survey_pages.pop(0)))
            seen.participation.append(read_participation(client, survey_id, labels))


def _truth(seen: Seen) -> None:
    survey = db.session.get(Survey, seen.survey_id)
    seen.names = (tuple(m.name for m in survey.municipalities),
                  tuple(a.key for a in survey.audiences))
    segment = (Municipality.name, Audience.key, Wave.number)

    def per_segment(model, *columns):
        return db.session.execute(
            select(*segment, *columns, func.count()).select_from(model)
            .join(Municipality, Municipality.id == model.municipality_id)
            .join(Audience, Audience.id == model.audience_id)
            .join(Wave, Wave.id == model.wave_id)
            .where(model.survey_id == seen.survey_id)
            .group_by(*segment, *columns)).all()

    seen.segments = {(m, a, w): n for m, a, w, n in per_segment(Response)}
    seen.comments = {}
    for m, a, w, set_id, question_id, n in per_segment(
            Comment, Comment.question_set_id, Comment.question_id):
        seen.comments.setdefault((set_id, question_id), {})[(m, a, w)] = n
    seen.open_segments = {(m, a) for m, a in db.session.execute(
        select(Municipality.name, Audience.key).select_from(OpenLink)
        .join(Municipality, Municipality.id == OpenLink.municipality_id)
        .join(Audience, Audience.id == OpenLink.audience_id)
        .where(OpenLink.survey_id == seen.survey_id))}


def demo(app, responses: int) -> tuple[Seen, Clients]:
    """The demo (:func:`ikzsurvey.demo.run_demo`): two closed, published waves, the second
    also public, read by its organizer and council viewer. Its comment lists are not read:
    its comments are drawn from a few sentences, so their words identify none, and its
    review withheld some, so a list's length is no part's size (the review, which names
    every comment's part, is read)."""
    from ikzsurvey.demo import run_demo

    with app.app_context():
        result = run_demo(responses=responses)
    clients = Clients(app.test_client(), app.test_client(), app.test_client())
    for client, email, password in ((clients.organizer, result.admin_email,
                                     result.admin_password),
                                    (clients.viewer, result.viewer_email,
                                     result.viewer_password)):
        sign_in(client, email, password)
    seen = Seen(result.survey_id, every_xlsx=False, every_released=False)
    read_step(app, seen, clients)
    return seen, clients
