"""The organizer's pages through HTTP, in German and English: the cooperation, building a
survey, invitations (a CSV offered once, only hashes kept), open links, waves and
publication, the settings that can no longer weaken a survey with answers, deleting a
survey, the audit log, and ``ikzsurvey purge``."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, inspect, select, text

from ikzsurvey.db import db
from ikzsurvey.models import (
    Answer,
    ApiToken,
    AuditEntry,
    Comment,
    Cooperation,
    Invitation,
    OpenLink,
    Response,
    SubmissionReceipt,
    Survey,
    SurveyQuestionSet,
    Wave,
    survey_audiences,
    survey_municipalities,
)
from ikzsurvey.questions import Value
from ikzsurvey.submission import AnswerValues, Segment, store_response
from ikzsurvey.tokens import hash_token, new_token

from .conftest import csrf_token
from .respondent import VALID_PAGE_TWO, Respondent
from .results_fixtures import make_cooperation, make_user, sign_in

ORGANIZER = "projektbuero@example.org"
MUNICIPALITIES = ("Altdorf", "Neudorf")
GROUPS = (("employees", "Beschäftigte", "Employees"),
          ("youth-council", "Jugendrat", "Youth council"))
QUESTION_SETS = ["sample@1", "success-factors@1"]
SECRET_REMARK = "Vertraulich: der Kämmerer blockiert alles"  # a free-text answer

# --- Helpers ------------------------------------------------------------------------------


class Organizer:
    """A signed-in organizer using the pages; every address carries ``?lang=``."""

    def __init__(self, app, cooperation_id: int, lang: str = "de", email: str = ORGANIZER):
        with app.app_context():
            make_user(cooperation_id, "admin", email)
        self.app, self.lang, self.email = app, lang, email
        self.client = app.test_client()
        sign_in(self.client, email)
        self._csrf: str | None = None

    def url(self, path: str) -> str:
        return f"{path}{'&' if '?' in path else '?'}lang={self.lang}"

    def get(self, path: str, **kw):
        return self.client.get(self.url(path), **kw)

    def page(self, path: str) -> str:
        response = self.get(path)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def post(self, path: str, data: dict | None = None, follow: bool = True):
        """POST a form with the session's CSRF token; by default follow to the next page."""
        if self._csrf is None:
            self._csrf = csrf_token(self.page("/organize/"))
        form = {**(data or {}), "csrf_token": self._csrf}
        return self.client.post(self.url(path), data=form, follow_redirects=follow)


@dataclass
class Built:
    """A cooperation set up and a survey built through the pages."""

    org: Organizer
    cooperation_id: int
    survey_id: int
    wave_id: int
    municipalities: dict[str, int]  # name → id
    groups: dict[str, int]  # key → id

    @property
    def app(self):
        return self.org.app

    @property
    def base(self) -> str:
        return f"/organize/surveys/{self.survey_id}"


def text_of(response) -> str:
    """A page's text with entities decoded (ä, „…“ and the like)."""
    return html.unescape(response.get_data(as_text=True))


def new_cooperation(app, name: str = "Kooperation Talaue") -> int:
    with app.app_context():
        cooperation = Cooperation(name=name)
        db.session.add(cooperation)
        db.session.commit()
        return cooperation.id


def add_partners(org: Organizer) -> None:
    for name in MUNICIPALITIES:
        org.post("/organize/municipalities", {"name": name})
    for key, label_de, label_en in GROUPS:
        org.post("/organize/audiences", {"key": key, "label_de": label_de, "label_en": label_en})


def partners(app, cooperation_id: int) -> tuple[dict[str, int], dict[str, int]]:
    with app.app_context():
        cooperation = db.session.get(Cooperation, cooperation_id)
        return ({m.name: m.id for m in cooperation.municipalities},
                {a.key: a.id for a in cooperation.audiences})


def survey_form(app, cooperation_id: int, **changes) -> dict:
    """The new-survey form for every municipality and group of the cooperation."""
    municipalities, groups = partners(app, cooperation_id)
    form = {
        "title_de": "Befragung Talaue 2026",
        "title_en": "Talaue survey 2026",
        "welcome_de": "Willkommen zur Befragung.",
        "welcome_en": "Welcome to the survey.",
        "privacy_de": "Zweck: Evaluation der Kooperation. Speicherdauer: bis Ende 2027.",
        "privacy_en": "Purpose: evaluating the cooperation. Kept until the end of 2027.",
        "controller": "Zweckverband Talaue, Marktplatz 1, 12345 Altdorf",
        "dpo_contact": "Datenschutzbeauftragte, Marktplatz 1, 12345 Altdorf, dsb@talaue.example",
        "phase": "implementation",
        "min_group_size": "5",
        "retain_until": "2027-12-31",
        "municipalities": [str(i) for i in municipalities.values()],
        "audiences": [str(i) for i in groups.values()],
        "question_sets": list(QUESTION_SETS),
    }
    form.update(changes)
    return form


def settings_form(app, survey_id: int, **changes) -> dict:
    """The settings form as the page fills it in for the survey, with ``changes``."""
    with app.app_context():
        s = db.session.get(Survey, survey_id)
        form = {
            "title_de": s.title["de"], "title_en": s.title["en"],
            "welcome_de": s.welcome.get("de", ""), "welcome_en": s.welcome.get("en", ""),
            "privacy_de": s.privacy["de"], "privacy_en": s.privacy["en"],
            "controller": s.controller, "dpo_contact": s.dpo_contact, "phase": s.phase,
            "min_group_size": str(s.min_group_size),
            "retain_until": s.retain_until.isoformat() if s.retain_until else "",
            "municipalities": [str(m.id) for m in s.municipalities],
            "audiences": [str(a.id) for a in s.audiences],
            "question_sets": [f"{p.question_set_id}@{p.version}" for p in s.question_sets],
        }
    form.update(changes)
    return form


def create_survey(org: Organizer, cooperation_id: int, **changes) -> int:
    response = org.post("/organize/surveys/new", survey_form(org.app, cooperation_id, **changes),
                        follow=False)
    assert response.status_code == 302, text_of(response)
    return int(re.search(r"/organize/surveys/(\d+)/", response.headers["Location"]).group(1))


def build(app, lang: str = "de", open_it: bool = True) -> Built:
    """Partners added and a survey created (and opened) through the pages."""
    cooperation_id = new_cooperation(app)
    org = Organizer(app, cooperation_id, lang)
    add_partners(org)
    survey_id = create_survey(org, cooperation_id)
    if open_it:
        org.post(f"/organize/surveys/{survey_id}/status/open")
    municipalities, groups = partners(app, cooperation_id)
    with app.app_context():
        wave_id = db.session.get(Survey, survey_id).waves[0].id
    return Built(org, cooperation_id, survey_id, wave_id, municipalities, groups)


@pytest.fixture
def built(app) -> Built:
    return build(app)


def survey_state(app, survey_id: int) -> dict:
    """Everything the settings page may change, as stored."""
    with app.app_context():
        s = db.session.get(Survey, survey_id)
        return {
            "title": dict(s.title), "welcome": dict(s.welcome), "privacy": dict(s.privacy),
            "controller": s.controller, "phase": s.phase, "k": s.min_group_size,
            "retain_until": s.retain_until, "status": s.status,
            "municipalities": sorted(m.name for m in s.municipalities),
            "audiences": sorted(a.key for a in s.audiences),
            "pins": [(p.question_set_id, p.version, p.position) for p in s.question_sets],
        }


def invite(b: Built, count: int = 3, municipality: int = 0, audience: int = 0, wave_id=None):
    """Create invitations through the page; the response is the CSV."""
    return b.org.post(f"{b.base}/invitations",
                      {"wave": wave_id or b.wave_id, "municipality": municipality,
                       "audience": audience, "count": count}, follow=False)


def csv_rows(response) -> list[dict]:
    content = response.get_data(as_text=True)
    assert content.startswith("\ufeff")  # for spreadsheet programs
    return list(csv.DictReader(io.StringIO(content[1:])))


def token_of(link: str) -> str:
    path = urlsplit(link).path
    assert path.startswith("/t/")
    return path.removeprefix("/t/")


def tokens_by_segment(rows: list[dict]) -> dict[tuple[str, str], list[str]]:
    segments: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        segments.setdefault((row["municipality"], row["audience"]), []).append(
            token_of(row["link"]))
    return segments


def sample_answers(remarks: str | None = None) -> list[AnswerValues]:
    answers = [AnswerValues("sample", 1, "trust", (Value(number=4),)),
               AnswerValues("sample", 1, "owner", (Value(text="coop"),))]
    if remarks:
        answers.append(AnswerValues("sample", 1, "remarks", (Value(text=remarks),),
                                    detached=True))
    return answers


def store_answer(app, survey_id: int, wave_id: int, municipality_id: int, audience_id: int,
                 remarks: str | None = None) -> None:
    """One response of an open-link journey (so with a receipt)."""
    with app.app_context():
        store_response(Segment(survey_id, wave_id, municipality_id, audience_id),
                       sample_answers(remarks), receipt_key=secrets.token_hex(16))


def answer_invitation(app, token: str, remarks: str | None = None) -> None:
    """One response to an invitation, as the respondent pages store it."""
    with app.app_context():
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.token_hash == hash_token(token)))
        store_response(Segment(invitation.wave.survey_id, invitation.wave_id,
                               invitation.municipality_id, invitation.audience_id),
                       sample_answers(remarks), invitation_id=invitation.id)


SEGMENT_ROW = re.compile(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td>\s*<td>(.*?)</td>"
                         r"\s*<td>(\d+)</td>\s*<td>(.*?)</td>", re.S)


def invitation_table(page: str) -> dict[tuple[int, str, str], tuple[int, int | str]]:
    """The survey page's invitation counts where some were issued: (wave, municipality,
    group) → issued (live), used — a number where the wave's release shows the segment's
    responses, else the page's word for why not (a running wave: after the close)."""

    def used(cell: str) -> int | str:
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
        return int(words) if words.isdigit() else words

    return {
        (int(w), html.unescape(m), html.unescape(g)): (int(i), used(u))
        for w, m, g, _n, i, u in SEGMENT_ROW.findall(page) if int(i)
    }


def database_dump(app) -> str:
    """Every row of every table in the database, as text."""
    with app.app_context():
        lines = []
        for name in inspect(db.engine).get_table_names():
            for row in db.session.execute(text(f'SELECT * FROM "{name}"')):
                lines.append(f"{name}: " + " | ".join(str(value) for value in row))
        return "\n".join(lines)


def ids_of(app, survey_id: int) -> tuple[list[int], list[str]]:
    with app.app_context():
        waves = list(db.session.scalars(select(Wave.id).where(Wave.survey_id == survey_id)))
        responses = list(db.session.scalars(
            select(Response.id).where(Response.survey_id == survey_id)))
        return waves, responses


def rows_of(app, survey_id: int, wave_ids, response_ids) -> dict[str, int]:
    """The rows that belong to a survey, per table (ids of waves and responses taken
    before anything was deleted)."""

    def count(table, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(table).where(*where))

    with app.app_context():
        return {
            "survey": count(Survey, Survey.id == survey_id),
            "waves": count(Wave, Wave.id.in_(wave_ids)),
            "question sets": count(SurveyQuestionSet, SurveyQuestionSet.survey_id == survey_id),
            "municipalities": count(survey_municipalities,
                                    survey_municipalities.c.survey_id == survey_id),
            "audiences": count(survey_audiences, survey_audiences.c.survey_id == survey_id),
            "responses": count(Response, Response.id.in_(response_ids)),
            "answers": count(Answer, Answer.response_id.in_(response_ids)),
            "comments": count(Comment, Comment.survey_id == survey_id),
            "invitations": count(Invitation, Invitation.wave_id.in_(wave_ids)),
            "open links": count(OpenLink, OpenLink.survey_id == survey_id),
            "receipts": count(SubmissionReceipt, SubmissionReceipt.survey_id == survey_id),
        }


def fill(b: Built, survey_id: int) -> None:
    """Give a survey built through the pages every kind of data: invitations (one used),
    responses with free text and receipts, an open link."""
    base = f"/organize/surveys/{survey_id}"
    with b.app.app_context():
        wave_id = db.session.get(Survey, survey_id).current_wave.id
    response = b.org.post(f"{base}/invitations", {"wave": wave_id, "municipality": 0,
                                                  "audience": 0, "count": 2}, follow=False)
    answer_invitation(b.app, token_of(csv_rows(response)[0]["link"]), remarks="Mehr Austausch")
    for municipality_id in b.municipalities.values():
        store_answer(b.app, survey_id, wave_id, municipality_id, b.groups["employees"],
                     remarks="Gute Zusammenarbeit")
    b.org.post(f"{base}/open-links", {"municipality": b.municipalities["Altdorf"],
                                      "audience": b.groups["youth-council"], "enabled": "1"})


def audit_entries(app, cooperation_id: int) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry)
                                     .where(AuditEntry.cooperation_id == cooperation_id)
                                     .order_by(AuditEntry.id)).all()
        db.session.expunge_all()
        return list(entries)


def open_link_key(app, survey_id: int) -> str:
    with app.app_context():
        return db.session.scalar(select(OpenLink.key).where(OpenLink.survey_id == survey_id))


# --- 1. The cooperation -------------------------------------------------------------------


@pytest.mark.parametrize("lang, saved", [("de", "Gespeichert."), ("en", "Saved.")])
def test_renaming_the_cooperation_is_saved(app, lang, saved):
    org = Organizer(app, new_cooperation(app), lang)

    page = text_of(org.post("/organize/cooperation",
                            {"name": "  Kooperation Obere Talaue ", "topic": "Wärmenetz"}))

    assert saved in page and "Kooperation Obere Talaue" in page
    with app.app_context():
        cooperation = db.session.scalar(select(Cooperation))
        assert (cooperation.name, cooperation.topic) == ("Kooperation Obere Talaue", "Wärmenetz")


@pytest.mark.parametrize("lang, added, duplicate", [
    ("de", "Altdorf ist jetzt Partnerin der Kooperation.",
     "Es gibt bereits eine Gemeinde mit dem Namen altdorf."),
    ("en", "Altdorf is now a partner of the cooperation.",
     "There is already a municipality called altdorf."),
])
def test_a_municipality_is_added_once(app, lang, added, duplicate):
    cooperation_id = new_cooperation(app)
    org = Organizer(app, cooperation_id, lang)

    assert added in text_of(org.post("/organize/municipalities", {"name": "Altdorf"}))
    refused = org.post("/organize/municipalities", {"name": " altdorf "})

    assert duplicate in text_of(refused)
    municipalities, _ = partners(app, cooperation_id)
    assert list(municipalities) == ["Altdorf"]


def test_renaming_a_municipality_to_a_taken_name_is_refused(app):
    cooperation_id = new_cooperation(app)
    org = Organizer(app, cooperation_id)
    add_partners(org)
    municipalities, _ = partners(app, cooperation_id)

    refused = org.post(f"/organize/municipalities/{municipalities['Neudorf']}",
                       {"name": "ALTDORF"})
    renamed = org.post(f"/organize/municipalities/{municipalities['Neudorf']}",
                       {"name": "Neudorf am See"})

    assert "Es gibt bereits eine Gemeinde mit dem Namen ALTDORF." in text_of(refused)
    assert "Gespeichert." in text_of(renamed)
    assert set(partners(app, cooperation_id)[0]) == {"Altdorf", "Neudorf am See"}


@pytest.mark.parametrize("lang, added, duplicate, label", [
    ("de", "Die Gruppe youth-council ist hinzugefügt.",
     "Es gibt bereits eine Gruppe mit dem Kürzel youth-council.", "Jugendrat"),
    ("en", "The group youth-council is added.",
     "There is already a group with the key youth-council.", "Youth council"),
])
def test_a_group_is_added_with_its_key_and_names_once(app, lang, added, duplicate, label):
    cooperation_id = new_cooperation(app)
    org = Organizer(app, cooperation_id, lang)
    group = {"key": "youth-council", "label_de": "Jugendrat", "label_en": "Youth council"}

    assert added in text_of(org.post("/organize/audiences", group))
    refused = org.post("/organize/audiences", dict(group, label_de="Jugendbeirat"))

    assert duplicate in text_of(refused)
    assert f"{label} <span class=\"hint\">(youth-council)</span>" in org.page("/organize/")
    with app.app_context():
        cooperation = db.session.get(Cooperation, cooperation_id)
        assert [(a.key, a.labels) for a in cooperation.audiences] == [
            ("youth-council", {"de": "Jugendrat", "en": "Youth council"})]


def test_a_group_key_of_the_wrong_shape_is_refused(app):
    cooperation_id = new_cooperation(app)
    org = Organizer(app, cooperation_id, "en")

    refused = org.post("/organize/audiences",
                       {"key": "Jugend Rat", "label_de": "Jugendrat", "label_en": "Youth"},
                       follow=False)

    assert refused.status_code == 303
    page = text_of(org.get(refused.headers["Location"]))
    assert "Short key: Use 2 to 41 lower-case letters" in page
    assert partners(app, cooperation_id)[1] == {}


# --- 1. Building a survey -----------------------------------------------------------------


def test_a_new_survey_stores_its_texts_targets_and_pinned_question_sets(app):
    cooperation_id = new_cooperation(app)
    org = Organizer(app, cooperation_id)
    add_partners(org)

    survey_id = create_survey(org, cooperation_id)

    page = org.page(f"/organize/surveys/{survey_id}/")
    assert "Die Befragung ist als Entwurf angelegt." in html.unescape(page)
    assert survey_state(app, survey_id) == {
        "title": {"de": "Befragung Talaue 2026", "en": "Talaue survey 2026"},
        "welcome": {"de": "Willkommen zur Befragung.", "en": "Welcome to the survey."},
        "privacy": {"de": "Zweck: Evaluation der Kooperation. Speicherdauer: bis Ende 2027.",
                    "en": "Purpose: evaluating the cooperation. Kept until the end of 2027."},
        "controller": "Zweckverband Talaue, Marktplatz 1, 12345 Altdorf",
        "phase": "implementation",
        "k": 5,
        "retain_until": dt.date(2027, 12, 31),
        "status": "draft",
        "municipalities": ["Altdorf", "Neudorf"],
        "audiences": ["employees", "youth-council"],
        "pins": [("sample", 1, 0), ("success-factors", 1, 1)],
    }
    with app.app_context():
        waves = db.session.get(Survey, survey_id).waves
        assert [(w.number, w.status) for w in waves] == [(1, "open")]


def test_the_survey_form_offers_the_plugins_question_sets_with_a_preview_link(app):
    cooperation_id = new_cooperation(app)
    org = Organizer(app, cooperation_id, "en")
    add_partners(org)

    page = org.page("/organize/surveys/new")

    assert 'value="sample@1"' in page and 'value="success-factors@1"' in page
    assert 'href="/organize/question-sets/success-factors/1"' in page


def test_a_survey_without_a_question_set_is_refused(app):
    cooperation_id = new_cooperation(app)
    org = Organizer(app, cooperation_id, "en")
    add_partners(org)

    refused = org.post("/organize/surveys/new",
                       survey_form(app, cooperation_id, question_sets=[]))

    assert refused.status_code == 422
    assert "Question sets: Choose at least one." in text_of(refused)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


@pytest.mark.parametrize("lang, title, question", [
    ("de", "Beispielfragen", "Ich vertraue den Partnern."),
    ("en", "Sample questions", "I trust the partners."),
])
def test_a_question_set_preview_shows_every_question(app, lang, title, question):
    org = Organizer(app, new_cooperation(app), lang)

    page = html.unescape(org.page("/organize/question-sets/sample/1"))

    assert title in page and "sample@1" in page and question in page
    assert "likert" in page and "multiple_choice" in page


def test_a_builtin_question_set_can_be_previewed_and_an_unknown_one_is_404(app):
    org = Organizer(app, new_cooperation(app), "en")

    assert "success-factors@1" in org.page("/organize/question-sets/success-factors/1")
    assert org.get("/organize/question-sets/success-factors/99").status_code == 404
    assert org.get("/organize/question-sets/nothing/1").status_code == 404


@pytest.mark.parametrize("lang, opened", [
    ("de", "Die Befragung ist für Antworten geöffnet."),
    ("en", "The survey is open for answers."),
])
def test_opening_a_draft_lets_respondents_in(app, lang, opened):
    b = build(app, lang, open_it=False)

    page = text_of(b.org.post(f"{b.base}/status/open"))

    assert opened in page
    assert survey_state(app, b.survey_id)["status"] == "open"


# --- 1. Invitations -----------------------------------------------------------------------


def test_invitations_come_as_a_csv_attachment_not_to_be_cached(built):
    response = invite(built, count=3)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="ikzsurvey-{built.survey_id}-wave-1-invitations.csv"')
    rows = csv_rows(response)
    assert len(rows) == 2 * 2 * 3  # municipalities × groups × count
    public = built.app.config["PUBLIC_URL"].rstrip("/")
    assert all(row["wave"] == "1" and row["link"].startswith(f"{public}/t/") for row in rows)
    assert {segment: len(tokens) for segment, tokens in tokens_by_segment(rows).items()} == {
        (m, g): 3 for m in MUNICIPALITIES for g, _de, _en in GROUPS}
    assert len({row["link"] for row in rows}) == 12  # every link differs
    with built.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 12


def test_links_handed_out_come_from_the_public_url_never_from_the_host_header(built):
    """A forged ``Host`` (or a proxy passing a wrong one) must not put another site's
    address into a mail merge or onto a flyer."""
    built.app.config["PUBLIC_URL"] = "https://umfrage.example.org/befragung/"
    org = built.org
    evil = {"Host": "evil.example"}
    cookie = org.client.get_cookie(built.app.config["SESSION_COOKIE_NAME"])
    org.client.set_cookie(cookie.key, cookie.value, domain="evil.example")  # the same session
    form = {"wave": built.wave_id, "municipality": 0, "audience": 0, "count": 1,
            "csrf_token": csrf_token(org.page("/organize/"))}
    org.post(f"{built.base}/open-links", {"municipality": built.municipalities["Neudorf"],
                                          "audience": built.groups["youth-council"],
                                          "enabled": "1"})

    response = org.client.post(org.url(f"{built.base}/invitations"), data=form, headers=evil)
    page = org.client.get(org.url(f"{built.base}/"), headers=evil).get_data(as_text=True)

    links = [row["link"] for row in csv_rows(response)]
    assert len(links) == 4
    assert all(link.startswith("https://umfrage.example.org/befragung/t/") for link in links)
    shown = re.findall(r"<code>([^<]*/o/[^<]*)</code>", page)
    assert len(shown) == 1 and shown[0].startswith("https://umfrage.example.org/befragung/o/")
    assert "evil.example" not in page + response.get_data(as_text=True)


def test_invitations_for_one_segment_only(built):
    response = invite(built, count=2, municipality=built.municipalities["Neudorf"],
                      audience=built.groups["youth-council"])

    assert list(tokens_by_segment(csv_rows(response))) == [("Neudorf", "youth-council")]
    assert invitation_table(built.org.page(f"{built.base}/")) == {
        (1, "Neudorf", "Jugendrat"): (2, "nach dem Abschluss")}


def test_only_the_hashes_of_the_tokens_are_stored(built):
    tokens = [token_of(row["link"]) for row in csv_rows(invite(built, count=3))]

    dump = database_dump(built.app)

    assert len(tokens) == 12
    for token in tokens:
        assert token not in dump
        assert hashlib.sha256(token.encode()).hexdigest() in dump


def test_the_invitation_csv_cannot_be_fetched_again(built):
    invite(built, count=1)

    again = built.org.get(f"{built.base}/invitations")

    assert again.status_code == 405
    assert "/t/" not in again.get_data(as_text=True)


def test_a_token_from_the_csv_opens_the_survey(built):
    token = token_of(csv_rows(invite(built, count=1))[0]["link"])
    respondent = built.app.test_client()

    opened = respondent.get(f"/t/{token}")
    welcome = respondent.get("/survey/")

    assert opened.status_code == 303 and opened.headers["Location"].endswith("/survey/")
    assert welcome.status_code == 200
    assert "Befragung Talaue 2026" in text_of(welcome)


@pytest.mark.parametrize("lang, group, later, hidden", [
    ("de", "Jugendrat", "nach dem Abschluss", "verborgen"),
    ("en", "Youth council", "after the close", "hidden"),
])
def test_the_survey_page_shows_used_invitations_only_as_the_release_shows_responses(
        app, lang, group, later, hidden):
    b = build(app, lang)
    rows = csv_rows(invite(b, count=3))
    tokens = tokens_by_segment(rows)
    used = tokens[("Altdorf", "youth-council")][1]

    done = Respondent(app.test_client()).complete(
        f"/t/{used}", page_two=dict(VALID_PAGE_TWO, **{"q-remarks": SECRET_REMARK}))

    assert done.status_code == 303 and done.headers["Location"].endswith("/survey/thanks")
    page = b.org.page(f"{b.base}/")
    # A running wave: issued, and used only after the close.
    assert invitation_table(page)[(1, "Altdorf", group)] == (3, later)
    b.org.post(f"{b.base}/waves/close")
    page = b.org.page(f"{b.base}/")
    counts = invitation_table(page)
    # A closed wave: its release hides the segment of 1 (and the empty ones), so their used
    # invitations — without an open link, the same number — are hidden too.
    assert counts[(1, "Altdorf", group)] == (3, hidden)
    assert sum(issued for issued, _u in counts.values()) == 12
    assert {u for _i, u in counts.values()} == {hidden}
    for token in (t for segment in tokens.values() for t in segment):
        assert token not in page and hash_token(token) not in page
    assert SECRET_REMARK not in html.unescape(page)


@pytest.mark.parametrize("lang, revoked", [
    ("de", "2 ungenutzte Einladungen sind widerrufen."),
    ("en", "2 unused invitations are revoked."),
])
def test_revoking_deletes_exactly_the_unused_invitations_of_one_segment(app, lang, revoked):
    b = build(app, lang)
    tokens = tokens_by_segment(csv_rows(invite(b, count=3)))
    segment = tokens[("Altdorf", "youth-council")]
    answer_invitation(app, segment[0])

    page = text_of(b.org.post(f"{b.base}/invitations/revoke", {
        "wave": b.wave_id, "municipality": b.municipalities["Altdorf"],
        "audience": b.groups["youth-council"]}))

    assert revoked in page
    with app.app_context():
        left = set(db.session.scalars(select(Invitation.token_hash)))
    assert hash_token(segment[0]) in left  # the used one stays: it tells that one answered
    assert not {hash_token(t) for t in segment[1:]} & left
    others = [t for key, ts in tokens.items() if key != ("Altdorf", "youth-council") for t in ts]
    assert {hash_token(t) for t in others} <= left and len(left) == 1 + len(others)
    respondent = app.test_client()
    assert respondent.get(f"/t/{segment[1]}").status_code == 404  # revoked: not valid
    assert respondent.get(f"/t/{segment[0]}").status_code == 200  # "already answered"


def test_revoking_a_segment_of_another_survey_is_404(built):
    cooperation_id = new_cooperation(built.app, "Kooperation Bergland")
    other = Organizer(built.app, cooperation_id, email="bergland@example.org")
    add_partners(other)
    other_survey = create_survey(other, cooperation_id)
    other_municipalities, other_groups = partners(built.app, cooperation_id)
    invite(built, count=1)

    refused = built.org.post(f"{built.base}/invitations/revoke", {
        "wave": built.wave_id, "municipality": other_municipalities["Altdorf"],
        "audience": other_groups["employees"]})

    assert refused.status_code == 404
    assert other.get(f"/organize/surveys/{built.survey_id}/").status_code == 404
    assert built.org.get(f"/organize/surveys/{other_survey}/").status_code == 404
    with built.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 4


# --- 2. Open links ------------------------------------------------------------------------


@pytest.mark.parametrize("lang, on, off, invalid", [
    ("de", "Der offene Link ist eingeschaltet.", "Der offene Link ist ausgeschaltet.",
     "Dieser Link ist nicht gültig"),
    ("en", "The open link is on.", "The open link is off.", "This link is not valid"),
])
def test_an_open_link_switched_off_is_invalid_and_works_again_when_on(app, lang, on, off,
                                                                         invalid):
    b = build(app, lang)
    segment = {"municipality": b.municipalities["Neudorf"],
               "audience": b.groups["youth-council"]}

    assert on in text_of(b.org.post(f"{b.base}/open-links", dict(segment, enabled="1")))
    key = open_link_key(app, b.survey_id)
    public = app.config["PUBLIC_URL"].rstrip("/")
    assert f"{public}/o/{key}" in b.org.page(f"{b.base}/")
    respondent = app.test_client()
    assert respondent.get(f"/o/{key}?lang={lang}").status_code == 200

    assert off in text_of(b.org.post(f"{b.base}/open-links", dict(segment, enabled="0")))
    refused = respondent.get(f"/o/{key}?lang={lang}")
    assert refused.status_code == 404 and invalid in text_of(refused)
    assert f"/o/{key}" not in b.org.page(f"{b.base}/")

    b.org.post(f"{b.base}/open-links", dict(segment, enabled="1"))
    assert open_link_key(app, b.survey_id) == key  # the same link, on again
    assert respondent.get(f"/o/{key}").status_code == 200
    with app.app_context():
        link = db.session.scalar(select(OpenLink))
        assert (link.municipality_id, link.audience_id, link.enabled) == (
            segment["municipality"], segment["audience"], True)


def test_open_links_are_switched_per_segment(built):
    for municipality in built.municipalities.values():
        built.org.post(f"{built.base}/open-links", {
            "municipality": municipality, "audience": built.groups["employees"],
            "enabled": "1"})
    built.org.post(f"{built.base}/open-links", {
        "municipality": built.municipalities["Altdorf"], "audience": built.groups["employees"],
        "enabled": "0"})

    with built.app.app_context():
        links = {(link.municipality.name, link.enabled)
                 for link in db.session.scalars(select(OpenLink))}
    assert links == {("Altdorf", False), ("Neudorf", True)}


# --- 3. Waves -----------------------------------------------------------------------------


def waves_of(app, survey_id: int) -> list[tuple[int, str, dt.date | None]]:
    with app.app_context():
        return [(w.number, w.status, w.closed_on)
                for w in db.session.get(Survey, survey_id).waves]


@pytest.mark.parametrize("lang, closed, running, refused", [
    ("de", "Welle 1 ist geschlossen.", "Welle 2 läuft.",
     "Bitte schließen Sie die laufende Welle, bevor Sie eine neue beginnen."),
    ("en", "Wave 1 is closed.", "Wave 2 is running.",
     "Close the running wave before starting a new one."),
])
def test_a_new_wave_starts_only_after_the_running_one_is_closed(app, lang, closed, running,
                                                                refused):
    b = build(app, lang)

    assert refused in text_of(b.org.post(f"{b.base}/waves/new"))
    assert waves_of(app, b.survey_id) == [(1, "open", None)]

    assert closed in text_of(b.org.post(f"{b.base}/waves/close"))
    assert waves_of(app, b.survey_id) == [(1, "closed", dt.date.today())]

    assert running in text_of(b.org.post(f"{b.base}/waves/new"))
    assert refused in text_of(b.org.post(f"{b.base}/waves/new"))
    assert waves_of(app, b.survey_id) == [(1, "closed", dt.date.today()), (2, "open", None)]


def test_closing_when_no_wave_runs_is_refused(built):
    built.org.post(f"{built.base}/waves/close")

    page = text_of(built.org.post(f"{built.base}/waves/close"))

    assert "Es läuft keine Welle." in page
    assert waves_of(built.app, built.survey_id) == [(1, "closed", dt.date.today())]


def test_invitations_of_a_closed_wave_no_longer_open_the_survey(built):
    token = token_of(csv_rows(invite(built, count=1))[0]["link"])

    built.org.post(f"{built.base}/waves/close")

    assert built.app.test_client().get(f"/t/{token}").status_code == 410


@pytest.mark.parametrize("lang, closed", [
    ("de", "Die Befragung ist geschlossen; es werden keine Antworten mehr angenommen."),
    ("en", "The survey is closed; no more answers are accepted."),
])
def test_closing_the_survey_closes_its_waves(app, lang, closed):
    b = build(app, lang)
    key_segment = {"municipality": b.municipalities["Altdorf"],
                   "audience": b.groups["employees"], "enabled": "1"}
    b.org.post(f"{b.base}/open-links", key_segment)

    assert closed in text_of(b.org.post(f"{b.base}/status/close"))

    assert survey_state(app, b.survey_id)["status"] == "closed"
    assert waves_of(app, b.survey_id) == [(1, "closed", dt.date.today())]
    assert app.test_client().get(f"/o/{open_link_key(app, b.survey_id)}").status_code == 410


@pytest.mark.parametrize("lang, refused, published", [
    ("de", "Die Ergebnisse der Welle 1 können veröffentlicht werden, sobald die Welle "
           "geschlossen ist.",
     "Welle 1 ist jetzt für die Leserinnen und Leser aus den Gremien sichtbar."),
    ("en", "Results of wave 1 can be published once the wave is closed.",
     "Wave 1 is now visible to the council viewers."),
])
def test_a_wave_is_published_on_the_results_page_once_closed(app, lang, refused, published):
    b = build(app, lang)
    publish = f"/results/{b.survey_id}/waves/1/publish"

    assert refused in text_of(b.org.post(publish))
    with app.app_context():
        assert db.session.get(Wave, b.wave_id).published is False

    b.org.post(f"{b.base}/waves/close")
    assert published in text_of(b.org.post(publish))
    with app.app_context():
        assert db.session.get(Wave, b.wave_id).published is True


# --- 4. Settings of a survey with answers -------------------------------------------------


def test_settings_of_a_survey_without_answers_can_change_anything(built):
    form = settings_form(built.app, built.survey_id, min_group_size="3",
                         question_sets=["shared-goals@1"],
                         municipalities=[str(built.municipalities["Neudorf"])])

    saved = built.org.post(f"{built.base}/settings", form)

    assert saved.status_code == 200 and "Gespeichert." in text_of(saved)
    state = survey_state(built.app, built.survey_id)
    assert (state["k"], state["pins"], state["municipalities"]) == (
        3, [("shared-goals", 1, 0)], ["Neudorf"])


WEAKENINGS = {
    "a smaller k": (
        lambda b: {"min_group_size": "4"},
        "min_group_size", "k kann erhöht, aber nicht gesenkt werden (derzeit 5)"),
    "a question set removed": (
        lambda b: {"question_sets": ["sample@1"]},
        "question_sets", "Ihre Fragenkataloge können nicht mehr geändert werden"),
    "a question set added": (
        lambda b: {"question_sets": [*QUESTION_SETS, "shared-goals@1"]},
        "question_sets", "Ihre Fragenkataloge können nicht mehr geändert werden"),
    "a question set swapped": (
        lambda b: {"question_sets": ["sample@1", "shared-goals@1"]},
        "question_sets", "Ihre Fragenkataloge können nicht mehr geändert werden"),
    "a municipality removed": (
        lambda b: {"municipalities": [str(b.municipalities["Altdorf"])]},
        "municipalities", "Es kann nichts entfernt werden"),
    "a group removed": (
        lambda b: {"audiences": [str(b.groups["employees"])]},
        "audiences", "Es kann nichts entfernt werden"),
}


@pytest.mark.parametrize("change", WEAKENINGS)
def test_settings_that_weaken_a_survey_with_answers_are_refused(built, change):
    changes, field, message = WEAKENINGS[change]
    store_answer(built.app, built.survey_id, built.wave_id, built.municipalities["Altdorf"],
                 built.groups["employees"])
    before = survey_state(built.app, built.survey_id)
    form = settings_form(built.app, built.survey_id, title_de="Neuer Titel",
                         **changes(built))

    refused = built.org.post(f"{built.base}/settings", form)

    assert refused.status_code == 422
    page = text_of(refused)
    assert message in page
    assert f'href="#{field}"' in page  # the error summary points at the field
    assert survey_state(built.app, built.survey_id) == before  # not even the title


def test_a_smaller_k_is_refused_in_english_too(app):
    b = build(app, "en")
    store_answer(app, b.survey_id, b.wave_id, b.municipalities["Altdorf"], b.groups["employees"])

    refused = b.org.post(f"{b.base}/settings",
                         settings_form(app, b.survey_id, min_group_size="3"))

    assert refused.status_code == 422
    assert "The survey has answers: k can be raised, not lowered (now 5)." in text_of(refused)
    assert survey_state(app, b.survey_id)["k"] == 5


def test_a_larger_k_and_more_partners_are_accepted_for_a_survey_with_answers(built):
    store_answer(built.app, built.survey_id, built.wave_id, built.municipalities["Altdorf"],
                 built.groups["employees"])
    built.org.post("/organize/municipalities", {"name": "Oberdorf"})
    municipalities, _ = partners(built.app, built.cooperation_id)
    form = settings_form(built.app, built.survey_id, min_group_size="7",
                         title_de="Befragung Talaue 2026 (erweitert)",
                         municipalities=[str(i) for i in municipalities.values()])

    saved = built.org.post(f"{built.base}/settings", form)

    assert saved.status_code == 200 and "Gespeichert." in text_of(saved)
    state = survey_state(built.app, built.survey_id)
    assert state["k"] == 7 and state["title"]["de"] == "Befragung Talaue 2026 (erweitert)"
    assert state["municipalities"] == ["Altdorf", "Neudorf", "Oberdorf"]
    assert state["pins"] == [("sample", 1, 0), ("success-factors", 1, 1)]


# --- 5. Deleting a survey -----------------------------------------------------------------


def second_survey(b: Built) -> int:
    survey_id = create_survey(b.org, b.cooperation_id, title_de="Zweite Befragung",
                              title_en="Second survey")
    b.org.post(f"/organize/surveys/{survey_id}/status/open")
    fill(b, survey_id)
    return survey_id


@pytest.mark.parametrize("lang, word", [
    ("de", "delete"),  # the German page asks for „löschen“
    ("de", "lösch"),
    ("en", "löschen"),
    ("en", "remove"),
])
def test_deleting_with_a_wrong_confirmation_word_deletes_nothing(app, lang, word):
    b = build(app, lang)
    fill(b, b.survey_id)
    ids = ids_of(app, b.survey_id)
    before = rows_of(app, b.survey_id, *ids)

    refused = b.org.post(f"{b.base}/delete", {"confirm": word})

    assert refused.status_code == 422
    expected = "löschen" if lang == "de" else "delete"
    prompt = "Bitte geben Sie löschen ein." if lang == "de" else "Please type delete."
    assert prompt in text_of(refused) and expected in text_of(refused)
    assert rows_of(app, b.survey_id, *ids) == before


@pytest.mark.parametrize("lang, prompt", [("de", "Zur Bestätigung geben Sie ein: löschen"),
                                          ("en", "To confirm, type: delete")])
def test_the_delete_page_names_the_word_to_type(app, lang, prompt):
    b = build(app, lang)
    fill(b, b.survey_id)

    page = html.unescape(b.org.page(f"{b.base}/delete"))

    assert prompt in page
    assert b.org.post(f"{b.base}/delete", {"confirm": ""}).status_code == 422
    assert survey_rows(app, b.survey_id)["survey"] == 1


@pytest.mark.parametrize("lang, word, deleted", [
    ("de", "löschen", "Die Befragung und alle ihre Daten sind gelöscht."),
    ("de", " LÖSCHEN ", "Die Befragung und alle ihre Daten sind gelöscht."),
    ("en", "delete", "The survey and all its data are deleted."),
])
def test_deleting_a_survey_removes_all_its_data_and_nothing_else(app, lang, word, deleted):
    b = build(app, lang)
    fill(b, b.survey_id)
    other = second_survey(b)
    ids, other_ids = ids_of(app, b.survey_id), ids_of(app, other)
    before = rows_of(app, b.survey_id, *ids)
    other_before = rows_of(app, other, *other_ids)
    assert all(before.values()), before  # every kind of data is there to delete

    page = text_of(b.org.post(f"{b.base}/delete", {"confirm": word}))

    assert deleted in page
    assert rows_of(app, b.survey_id, *ids) == dict.fromkeys(before, 0)
    assert rows_of(app, other, *other_ids) == other_before
    assert b.org.get(f"{b.base}/").status_code == 404
    with app.app_context():
        assert db.session.get(Cooperation, b.cooperation_id) is not None
        assert len(db.session.get(Cooperation, b.cooperation_id).municipalities) == 2


# --- 6. The audit log ---------------------------------------------------------------------


def test_every_organizer_action_is_in_the_audit_log(app):
    b = build(app, "en")
    org = b.org
    org.post("/organize/cooperation", {"name": "Kooperation Talaue", "topic": "Wärme"})
    org.post(f"/organize/municipalities/{b.municipalities['Neudorf']}", {"name": "Neudorf"})
    org.post(f"{b.base}/settings", settings_form(app, b.survey_id, min_group_size="6"))
    tokens = tokens_by_segment(csv_rows(invite(b, count=2)))
    answer_invitation(app, tokens[("Altdorf", "employees")][0], remarks=SECRET_REMARK)
    org.post(f"{b.base}/invitations/revoke", {"wave": b.wave_id,
                                              "municipality": b.municipalities["Altdorf"],
                                              "audience": b.groups["employees"]})
    segment = {"municipality": b.municipalities["Altdorf"], "audience": b.groups["employees"]}
    org.post(f"{b.base}/open-links", dict(segment, enabled="1"))
    org.post(f"{b.base}/open-links", dict(segment, enabled="0"))
    org.post(f"{b.base}/waves/close")
    org.post(f"/results/{b.survey_id}/waves/1/publish")
    org.post(f"{b.base}/waves/new")
    assert org.get(f"/results/{b.survey_id}/export.csv").status_code == 200
    assert org.get(f"/api/v1/surveys/{b.survey_id}/results").status_code == 200
    org.post(f"{b.base}/status/close")
    doomed = create_survey(org, b.cooperation_id, title_de="Probelauf")
    org.post(f"/organize/surveys/{doomed}/delete", {"confirm": "delete"})

    entries = audit_entries(app, b.cooperation_id)

    assert {e.actor for e in entries} == {ORGANIZER}
    assert [e.action for e in entries] == [
        "municipality.add", "municipality.add", "audience.add", "audience.add",
        "survey.create", "survey.open", "cooperation.update", "municipality.rename",
        "survey.update", "invitations.create", "invitations.revoke", "open-link.enable",
        "open-link.disable", "wave.close", "wave.publish", "wave.new", "export.csv",
        "export.api", "survey.close", "survey.create", "survey.delete",
    ]
    assert entries[-1].target == "Probelauf"
    assert entries[9].target == "Befragung Talaue 2026, wave 1: 8"
    assert entries[10].target == "Befragung Talaue 2026: 1"


@pytest.mark.parametrize("lang, labels", [
    ("de", ["Befragung angelegt", "Befragung gelöscht"]),
    ("en", ["invitations created", "unused invitations revoked", "open link switched on",
            "wave closed", "wave published to viewers", "results exported (CSV)",
            "survey deleted", "survey created"]),
])
def test_the_overview_page_lists_the_audit_entries(app, lang, labels):
    b = build(app, lang)
    invite(b, count=1)
    b.org.post(f"{b.base}/invitations/revoke", {"wave": b.wave_id,
                                                "municipality": b.municipalities["Altdorf"],
                                                "audience": b.groups["employees"]})
    b.org.post(f"{b.base}/open-links", {"municipality": b.municipalities["Altdorf"],
                                        "audience": b.groups["employees"], "enabled": "1"})
    b.org.post(f"{b.base}/waves/close")
    b.org.post(f"/results/{b.survey_id}/waves/1/publish")
    b.org.get(f"/results/{b.survey_id}/export.csv")
    doomed = create_survey(b.org, b.cooperation_id, title_de="Probelauf")
    b.org.post(f"/organize/surveys/{doomed}/delete",
               {"confirm": "löschen" if lang == "de" else "delete"})

    page = html.unescape(b.org.page("/organize/"))

    audit = page[page.index('id="audit-heading"'):]
    assert audit.count(ORGANIZER) == len(audit_entries(app, b.cooperation_id))
    for label in labels:
        assert label in audit
    assert "Probelauf" in audit and "Befragung Talaue 2026, wave 1: 4" in audit


def test_the_audit_log_shows_only_the_own_cooperations_entries(built):
    cooperation_id = new_cooperation(built.app, "Kooperation Bergland")
    other = Organizer(built.app, cooperation_id, email="bergland@example.org")
    other.post("/organize/municipalities", {"name": "Bergheim"})

    page = built.org.page("/organize/")

    assert "bergland@example.org" not in page and "Bergheim" not in page
    assert ORGANIZER not in other.page("/organize/")


def test_audit_entries_never_hold_a_token_an_answer_or_a_comment(app):
    b = build(app, "en")
    rows = csv_rows(invite(b, count=2))
    tokens = tokens_by_segment(rows)
    Respondent(app.test_client()).complete(
        f"/t/{tokens[('Neudorf', 'youth-council')][0]}",
        page_two=dict(VALID_PAGE_TWO, **{"q-remarks": SECRET_REMARK}))
    answer_invitation(app, tokens[("Altdorf", "employees")][0], remarks="Zweiter Freitext 42")
    b.org.post(f"{b.base}/invitations/revoke", {"wave": b.wave_id,
                                                "municipality": b.municipalities["Altdorf"],
                                                "audience": b.groups["employees"]})
    b.org.post(f"{b.base}/status/close")  # results are shown of closed waves only
    b.org.get(f"/results/{b.survey_id}/export.csv?by=municipality")
    b.org.get(f"/api/v1/surveys/{b.survey_id}/results")
    with app.app_context():
        answers = {a for a in db.session.scalars(select(Answer.value_text)) if a}
        comments = set(db.session.scalars(select(Comment.text)))
    assert comments == {SECRET_REMARK, "Zweiter Freitext 42"} and answers

    secrets_ = ([t for ts in tokens.values() for t in ts]
                + [hash_token(t) for ts in tokens.values() for t in ts]
                + [row["link"] for row in rows] + list(comments))
    answer_words = re.compile(r"\b(" + "|".join(map(re.escape, answers)) + r")\b")
    entries = audit_entries(app, b.cooperation_id)
    assert len(entries) >= 10
    for entry in entries:
        written = f"{entry.actor}|{entry.action}|{entry.target}"
        assert not [s for s in secrets_ if s in written], written
        assert not answer_words.search(written), written
    log = html.unescape(b.org.page("/organize/"))
    log = log[log.index('id="audit-heading"'):]
    assert not [s for s in secrets_ if s in log]
    assert not answer_words.search(log)


def test_exports_and_api_reads_are_recorded_with_who_read_them(app, runner):
    b = build(app, "en")
    store_answer(app, b.survey_id, b.wave_id, b.municipalities["Altdorf"], b.groups["employees"])
    created = runner.invoke(args=["create-token", "--role", "admin", "--label", "Dashboard"])
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    b.org.post(f"{b.base}/waves/close")  # results are shown of closed waves only

    assert b.org.get(f"/results/{b.survey_id}/export.csv?by=municipality").status_code == 200
    assert b.org.get(f"/api/v1/surveys/{b.survey_id}/results").status_code == 200
    api = app.test_client().get(f"/api/v1/surveys/{b.survey_id}/results",
                                headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200

    entries = [e for e in audit_entries(app, b.cooperation_id)
               if e.action.startswith(("export", "token"))]
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    assert [(e.actor, e.action) for e in entries] == [
        ("command line", "token.create"),
        (ORGANIZER, "export.csv"),
        (ORGANIZER, "export.api"),
        (f"API token {token_id}", "export.api"),
    ]
    assert entries[1].target == "Befragung Talaue 2026 (by=municipality)"
    assert token not in " ".join(e.target for e in entries)


# --- Who may organize ---------------------------------------------------------------------


def test_a_viewer_may_not_organize(built):
    with built.app.app_context():
        email = make_user(built.cooperation_id, "viewer")
    viewer = built.app.test_client()
    sign_in(viewer, email)

    assert viewer.get("/organize/").status_code == 403
    assert viewer.get(f"{built.base}/").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(built):
    response = built.app.test_client().get(f"{built.base}/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


# --- 7. Purge after the retention date ----------------------------------------------------


def retained_survey(app, name: str, retain_until: dt.date | None) -> int:
    """A survey (of its own cooperation) with every kind of data that purge deletes: two
    invitations (one used), responses with free text and receipts, and an open link."""
    with app.app_context():
        survey = make_cooperation(name=name, waves=2)
        survey.retain_until = retain_until
        survey.waves[0].status = "closed"
        wave, municipality, audience = (survey.waves[1], survey.municipalities[0],
                                        survey.audiences[0])
        tokens = [new_token(), new_token()]
        invitations = [Invitation(token_hash=hash_token(t), wave_id=wave.id,
                                  municipality_id=municipality.id, audience_id=audience.id)
                       for t in tokens]
        db.session.add_all([*invitations, OpenLink(survey_id=survey.id,
                                                   municipality_id=municipality.id,
                                                   audience_id=audience.id)])
        db.session.commit()
        segment = Segment(survey.id, wave.id, municipality.id, audience.id)
        store_response(segment, sample_answers("Bitte mehr Infos"),
                       invitation_id=invitations[0].id)
        for _ in range(3):
            store_response(segment, sample_answers("Anmerkung"),
                           receipt_key=secrets.token_hex(16))
        return survey.id


def survey_rows(app, survey_id: int) -> dict[str, int]:
    return rows_of(app, survey_id, *ids_of(app, survey_id))


def status_of(app, survey_id: int) -> tuple[str, list[str]]:
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        return survey.status, [w.status for w in survey.waves]


@pytest.fixture
def retention(app) -> dict[str, int]:
    today = dt.date.today()
    return {
        "expired": retained_survey(app, "Kooperation Abgelaufen", today - dt.timedelta(days=1)),
        "tomorrow": retained_survey(app, "Kooperation Morgen", today + dt.timedelta(days=1)),
        "forever": retained_survey(app, "Kooperation Ohne Frist", None),
    }


def test_purge_deletes_the_answers_and_invitations_of_an_expired_survey(app, runner,
                                                                         retention):
    expired = retention["expired"]
    before = survey_rows(app, expired)
    assert before["responses"] == 4 and before["comments"] == 4 and before["receipts"] == 3

    result = runner.invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    assert f"Purged survey {expired}" in result.output
    after = survey_rows(app, expired)
    for table in ("responses", "answers", "comments", "receipts", "invitations"):
        assert after[table] == 0, table
    assert after["survey"] == 1 and after["waves"] == 2  # the survey and settings remain
    assert status_of(app, expired) == ("closed", ["closed", "closed"])
    with app.app_context():
        closed_on = db.session.get(Survey, expired).waves[1].closed_on
    assert closed_on == dt.date.today()


def test_purge_leaves_an_audit_entry(app, runner, retention):
    runner.invoke(args=["purge"])

    with app.app_context():
        cooperation_id = db.session.get(Survey, retention["expired"]).cooperation_id
    entries = audit_entries(app, cooperation_id)
    assert [(e.actor, e.action) for e in entries] == [("command line", "survey.purge")]
    # The responses as the survey page shows them, never counted for the log: wave 1 closed
    # without a release, so the page names no total, and neither does the entry.
    assert entries[0].target == "Umfrage Talaue: all responses, 2 invitations"
    assert "Bitte mehr Infos" not in entries[0].target


def test_purge_leaves_surveys_kept_longer_untouched(app, runner, retention):
    kept = {name: survey_rows(app, retention[name]) for name in ("tomorrow", "forever")}

    runner.invoke(args=["purge"])

    for name in ("tomorrow", "forever"):
        assert survey_rows(app, retention[name]) == kept[name]
        assert status_of(app, retention[name]) == ("open", ["closed", "open"])


def test_a_second_purge_has_nothing_to_purge(app, runner, retention):
    runner.invoke(args=["purge"])
    with app.app_context():
        cooperation_id = db.session.get(Survey, retention["expired"]).cooperation_id

    again = runner.invoke(args=["purge"])

    assert again.exit_code == 0, again.output
    assert again.output.strip() == "Nothing to purge."
    assert len(audit_entries(app, cooperation_id)) == 1  # no entry for purging nothing


def test_purge_dry_run_deletes_nothing(app, runner, retention):
    before = {name: survey_rows(app, survey_id) for name, survey_id in retention.items()}

    result = runner.invoke(args=["purge", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [
        f"Would purge survey {retention['expired']} (Umfrage Talaue), kept until "
        f"{(dt.date.today() - dt.timedelta(days=1)).isoformat()}.",
        # Their first waves were closed without the rewrite (as by an earlier version).
        f"Would rewrite 1 closed wave of survey {retention['tomorrow']} in random order.",
        f"Would rewrite 1 closed wave of survey {retention['forever']} in random order."]
    assert {name: survey_rows(app, i) for name, i in retention.items()} == before
    assert status_of(app, retention["expired"]) == ("open", ["closed", "open"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_purge_without_expired_surveys_says_so(app, runner):
    survey_id = retained_survey(app, "Kooperation Morgen",
                                dt.date.today() + dt.timedelta(days=1))

    result = runner.invoke(args=["purge"])

    assert result.exit_code == 0
    assert result.output.strip().splitlines() == [
        "Nothing to purge.",
        f"Rewrote 1 closed wave of survey {survey_id} in random order and compacted the "
        "tables."]
