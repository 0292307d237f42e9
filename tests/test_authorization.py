"""Authorization, CSRF, security headers and bad input across every route of the app.

One world of two cooperations (A and B), each with a survey that has a closed, published
and public wave of ten responses, each with a free-text comment (a part of the release,
which the review lists), a running wave, invitations, an open link, accounts and API
tokens. Every rule of ``app.url_map`` is listed in ROUTES with the values that fill its URL
(ids of cooperation A) and who may use it; a route missing from the table fails
:func:`test_every_route_is_in_the_table`, so new routes must be added there.

Sections:

1. the authorization walk: every GET and every POST route as every principal (anonymous, a
   respondent, viewers and organizers of A and B, API tokens of A and B);
2. CSRF: no POST without a token, and no GET that changes a row;
3. security headers and redirects after signing in;
4. generated bad input (hypothesis) for every organizer form and the results queries, and
   NUL bytes (which PostgreSQL cannot store) in every kind of text the staff send.

A refused request must leave every table as it was (the rows of all tables are compared
before and after each request).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from ikzsurvey.db import db
from ikzsurvey.models import (
    ApiToken,
    Comment,
    Invitation,
    OpenLink,
    SurveyQuestionSet,
    User,
)
from ikzsurvey.passwords import hash_password
from ikzsurvey.questions import Value
from ikzsurvey.submission import AnswerValues, Segment, store_response
from ikzsurvey.tokens import hash_token, new_token

from .conftest import csrf_token, sign_in_token
from .results_fixtures import PASSWORD, close_wave, make_cooperation, sign_in, world

# --- The world: two cooperations ------------------------------------------------------

#: Per survey in the closed, published, public wave 1 (k = 5), each with a comment: a part
#: of max(k, 10) comments, which the review lists (it lists only what a part shows).
RESPONSES = 10
IPA_SET = "success-factors"  # a question set with importance–performance pairs
IPA_ITEM = "support-mayors"
NEW_PASSWORD = "a brand-new password, long enough"


@functools.cache
def password_hash() -> str:
    """One Argon2 hash for every test account (hashing is slow on purpose)."""
    return hash_password(PASSWORD)


@dataclass
class Side:
    """One cooperation's ids and secrets."""

    label: str
    cooperation_id: int
    survey_id: int
    municipalities: dict[str, int]  # name → id
    audiences: dict[str, int]  # key → id
    waves: dict[int, int]  # number → id
    comment_id: str
    token: str  # an invitation of the running wave
    open_key: str
    emails: dict[str, str]  # "admin", "viewer", "spare" (a second viewer), "login" → e-mail
    user_ids: dict[str, int]
    api_tokens: dict[str, str]  # role → bearer token
    spare_token_id: int  # a third API token (viewer), the one revoked


@dataclass
class World:
    a: Side
    b: Side

    def side(self, label: str) -> Side:
        return self.a if label == "a" else self.b


def respond(w, wave: int, rating: int, remarks: str | None = None) -> None:
    """One response to both pinned sets (Altdorf, employees)."""
    values = [
        AnswerValues("sample", 1, "trust", (Value(number=rating),)),
        AnswerValues("sample", 1, "owner", (Value(text="town"),)),
        AnswerValues(IPA_SET, 1, f"{IPA_ITEM}-importance", (Value(number=rating),)),
        AnswerValues(IPA_SET, 1, f"{IPA_ITEM}-performance", (Value(number=6 - rating),)),
    ]
    if remarks:
        values.append(AnswerValues("sample", 1, "remarks", (Value(text=remarks),),
                                   detached=True))
    segment = Segment(w.survey_id, w.waves[wave], w.municipalities["Altdorf"],
                      w.audiences["employees"])
    store_response(segment, values, receipt_key=secrets.token_hex(16))


def build_side(label: str) -> Side:
    """A cooperation with one survey: wave 1 closed, published and public (ten
    responses, each with a free-text comment), wave 2 running (two responses), three unused
    invitations and an open link for Altdorf × citizens, three accounts, three API tokens."""
    survey = make_cooperation(name=f"Kooperation {label.upper()}")
    survey.question_sets.append(
        SurveyQuestionSet(question_set_id=IPA_SET, version=1, position=1))
    db.session.commit()
    w = world(survey)
    for i in range(RESPONSES):
        respond(w, 1, 4, remarks=f"Anmerkung {label} {i}")
    close_wave(w, 1, published=True, public=True)
    for _ in range(2):
        respond(w, 2, 3)

    tokens = [new_token() for _ in range(3)]
    db.session.add_all(
        Invitation(token_hash=hash_token(t), wave_id=w.waves[2],
                   municipality_id=w.municipalities["Altdorf"],
                   audience_id=w.audiences["citizens"])
        for t in tokens
    )
    link = OpenLink(survey_id=w.survey_id, municipality_id=w.municipalities["Altdorf"],
                    audience_id=w.audiences["citizens"], enabled=True)
    db.session.add(link)
    emails = {kind: f"{kind}-{label}@example.org" for kind in ("admin", "viewer", "spare", "login")}
    users = {kind: User(email=email, role="admin" if kind == "admin" else "viewer",
                        cooperation_id=w.cooperation_id, password_hash=password_hash())
             for kind, email in emails.items()}
    db.session.add_all(users.values())
    api_tokens = {role: new_token() for role in ("admin", "viewer")}
    db.session.add_all(ApiToken(token_hash=hash_token(t), role=role,
                                cooperation_id=w.cooperation_id, label=f"test {role}")
                       for role, t in api_tokens.items())
    spare_token = ApiToken(token_hash=hash_token(new_token()), role="viewer",
                           cooperation_id=w.cooperation_id, label="test spare")
    db.session.add(spare_token)
    db.session.commit()
    comment_id = db.session.scalar(select(Comment.id).where(Comment.survey_id == w.survey_id))
    return Side(label, w.cooperation_id, w.survey_id, w.municipalities, w.audiences, w.waves,
                comment_id, tokens[0], link.key, emails,
                {kind: user.id for kind, user in users.items()}, api_tokens, spare_token.id)


def build_world(app) -> World:
    with app.app_context():
        return World(build_side("a"), build_side("b"))


# --- Who asks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    name: str
    kind: str  # "anonymous", "respondent", "account" or "token"
    cooperation: str | None = None  # "a" or "b"
    role: str | None = None  # "admin" or "viewer"

    @property
    def signed_in(self) -> bool:
        return self.kind in ("account", "token")


ANONYMOUS = Principal("anonymous", "anonymous")
RESPONDENT = Principal("respondent", "respondent")  # opened an invitation link of A
VIEWER_A = Principal("viewer-a", "account", "a", "viewer")
ADMIN_A = Principal("admin-a", "account", "a", "admin")
VIEWER_B = Principal("viewer-b", "account", "b", "viewer")
ADMIN_B = Principal("admin-b", "account", "b", "admin")
TOKEN_VIEWER_A = Principal("token-viewer-a", "token", "a", "viewer")
TOKEN_ADMIN_A = Principal("token-admin-a", "token", "a", "admin")
TOKEN_VIEWER_B = Principal("token-viewer-b", "token", "b", "viewer")
PRINCIPALS = (ANONYMOUS, RESPONDENT, VIEWER_A, ADMIN_A, VIEWER_B, ADMIN_B,
              TOKEN_VIEWER_A, TOKEN_ADMIN_A, TOKEN_VIEWER_B)

# Sign-in is limited per client address: every client gets an address of its own.
_ADDRESSES = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))


def new_client(app):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=next(_ADDRESSES), HTTP_ACCEPT_LANGUAGE="en")
    return client


def client_for(app, w: World, principal: Principal):
    """A fresh client acting as ``principal``."""
    client = new_client(app)
    if principal.kind == "respondent":
        response = client.get(f"/t/{w.a.token}")
        assert response.status_code == 303, response.status_code
    elif principal.kind == "account":
        sign_in(client, w.side(principal.cooperation).emails[principal.role])
    elif principal.kind == "token":
        token = w.side(principal.cooperation).api_tokens[principal.role]
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def csrf_of(client, url: str = "") -> str:
    """The token a page would give this client for a form to ``url``: for the sign-in form
    the one of its page (a signed double-submit cookie, no session); for every other form
    the session's (one per session, valid in every form), made as Flask-WTF makes it — an
    anonymous visitor has no session and no such form otherwise."""
    if urlsplit(url).path == "/login":
        return sign_in_token(client.get("/login").get_data(as_text=True))
    with client.session_transaction() as kept:
        raw = kept.setdefault("csrf_token", hashlib.sha1(os.urandom(64)).hexdigest())  # nosec
    return URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token").dumps(raw)


# --- The route table ----------------------------------------------------------------------

# Who may use a route (see expectation()):
PUBLIC = "public"  # everyone
PUBLIC_404 = "public-404"  # nobody: trend views of a public summary answer 404
LINK = "link"  # invitation and open links: anyone holding one starts a journey (303)
JOURNEY = "journey"  # the respondent in a journey; others get 400 "no survey in progress"
ACCOUNT = "account"  # every signed-in account, of any cooperation; no API token
STAFF = "staff"  # every account and API token, of any cooperation (own things listed)
RESULTS = "results"  # accounts and API tokens of A (the results of A's survey)
ORGANIZER = "organizer"  # the organizer (admin account) of A only
ORGANIZER_ANY = "organizer-any"  # organizer accounts of any cooperation (their own data)


def login_form(w: World, p: Principal) -> dict:
    return {"email": w.a.emails["login"], "password": PASSWORD}


def survey_form(w: World, p: Principal) -> dict:
    """Settings that keep everything the survey with answers has (nothing weakened)."""
    return {
        "title_de": "Umfrage", "title_en": "Survey", "welcome_de": "", "welcome_en": "",
        "privacy_de": "Datenschutz", "privacy_en": "Privacy", "controller": "Amt, Platz 1",
        "dpo_contact": "DSB, Platz 1",
        "phase": "initiation", "min_group_size": "5", "retain_until": "",
        "municipalities": [str(i) for i in w.a.municipalities.values()],
        "audiences": [str(i) for i in w.a.audiences.values()],
        "question_sets": ["sample@1", f"{IPA_SET}@1"],
    }


def own_survey_form(w: World, p: Principal) -> dict:
    """A new survey of the principal's own cooperation."""
    side = w.side(p.cooperation or "a")
    return {**survey_form(w, p),
            "municipalities": [str(i) for i in side.municipalities.values()],
            "audiences": [str(i) for i in side.audiences.values()]}


def segment_form(w: World, p: Principal) -> dict:
    return {"wave": str(w.a.waves[2]), "municipality": str(w.a.municipalities["Altdorf"]),
            "audience": str(w.a.audiences["citizens"])}


@dataclass(frozen=True)
class Route:
    access: str
    values: dict = field(default_factory=dict)  # URL values besides the world's ids
    form: Callable[[World, Principal], dict] | None = None  # a valid POST body (no token)
    changes: bool = True  # whether an accepted POST changes rows
    audited: bool = False  # an accepted GET adds one audit entry (exports, API reads)
    ends_session: bool = False  # send the POST from a client of its own; may land on /login
    get_status: int = 200  # what an accepted GET answers
    # An accepted GET may count a running wave's participation (ikzsurvey.participation):
    # the one table it may change is participation_snapshot.
    counts_participation: bool = False


SAMPLE_QUESTION = {"set_id": "sample", "question_id": "trust"}

# Ordered so the walk's accepted POSTs do not undo each other: the survey is deleted and
# the password changed last.
ROUTES: dict[str, Route] = {
    # Everyone
    "/": Route(PUBLIC),
    "/accessibility": Route(PUBLIC),
    "/easy": Route(PUBLIC),
    "/healthz": Route(PUBLIC),
    "/login": Route(PUBLIC, form=login_form, changes=False, ends_session=True),
    "/logout": Route(PUBLIC, form=lambda w, p: {}, changes=False, ends_session=True),
    # Respondents (the links last: opening one starts a journey in the walker's session)
    "/survey/": Route(JOURNEY),
    "/survey/page/<int:number>": Route(
        JOURNEY, {"number": 1},
        form=lambda w, p: {"q-trust": "4", "q-owner": "town", "action": "next"},
        changes=False),
    "/survey/thanks": Route(PUBLIC),
    "/t/<token>": Route(LINK, get_status=303),
    "/o/<key>": Route(LINK),  # the welcome page at once: the key is not personal
    # The public summary of wave 1 of A (no trends there)
    "/public/<int:survey_id>/waves/<int:public_wave>/": Route(PUBLIC),
    "/public/<int:survey_id>/waves/<int:public_wave>/questions/<set_id>/<question_id>":
        Route(PUBLIC, SAMPLE_QUESTION),
    "/public/<int:survey_id>/waves/<int:public_wave>/charts/ipa/<set_id>-<level>.svg":
        Route(PUBLIC, {"set_id": IPA_SET, "level": "factors"}),
    "/public/<int:survey_id>/waves/<int:public_wave>/charts/questions/<set_id>/<question_id>.svg":
        Route(PUBLIC, SAMPLE_QUESTION),
    "/public/<int:survey_id>/waves/<int:public_wave>/charts/scores/<set_id>.svg":
        Route(PUBLIC_404, {"set_id": IPA_SET}),
    "/public/<int:survey_id>/waves/<int:public_wave>/charts/trends/<set_id>/<question_id>.svg":
        Route(PUBLIC_404, SAMPLE_QUESTION),
    "/public/<int:survey_id>/waves/<int:public_wave>/export.csv": Route(PUBLIC),
    "/public/<int:survey_id>/waves/<int:public_wave>/export.xlsx": Route(PUBLIC),
    # Results of A
    "/results/": Route(STAFF),
    "/results/<int:survey_id>/": Route(RESULTS),
    "/results/<int:survey_id>/questions/<set_id>/<question_id>": Route(RESULTS, SAMPLE_QUESTION),
    "/results/<int:survey_id>/charts/ipa/<set_id>-<level>.svg":
        Route(RESULTS, {"set_id": IPA_SET, "level": "factors"}),
    "/results/<int:survey_id>/charts/questions/<set_id>/<question_id>.svg":
        Route(RESULTS, SAMPLE_QUESTION),
    "/results/<int:survey_id>/charts/scores/<set_id>.svg": Route(RESULTS, {"set_id": IPA_SET}),
    "/results/<int:survey_id>/charts/trends/<set_id>/<question_id>.svg":
        Route(RESULTS, SAMPLE_QUESTION),
    "/results/<int:survey_id>/export.csv": Route(RESULTS, audited=True),
    "/results/<int:survey_id>/export.xlsx": Route(RESULTS, audited=True),
    "/api/v1/surveys": Route(STAFF),
    "/api/v1/surveys/<int:survey_id>/results": Route(RESULTS, audited=True),
    # Organizer of A: publication and free-text review
    "/results/<int:survey_id>/comments": Route(ORGANIZER),
    "/results/<int:survey_id>/waves/<int:number>/<action>": Route(
        ORGANIZER, {"number": 1, "action": "publish"}, form=lambda w, p: {}),
    "/results/<int:survey_id>/comments/<comment_id>": Route(
        ORGANIZER, form=lambda w, p: {"action": "release", "status": "pending"}),
    # Organizer of A: releases (preparing again, how free text is released)
    "/results/<int:survey_id>/releases": Route(ORGANIZER, form=lambda w, p: {}),
    "/results/<int:survey_id>/interim": Route(ORGANIZER, form=lambda w, p: {}),
    "/results/<int:survey_id>/comment-partition": Route(
        ORGANIZER, form=lambda w, p: {"partition": "audience"}),
    # Organizer pages
    "/organize/": Route(ORGANIZER_ANY),
    "/organize/cooperation": Route(
        ORGANIZER_ANY, form=lambda w, p: {"name": "Neuer Name", "topic": "Wärme"}),
    "/organize/municipalities": Route(ORGANIZER_ANY, form=lambda w, p: {"name": "Hochdorf"}),
    "/organize/municipalities/<int:municipality_id>": Route(
        ORGANIZER, form=lambda w, p: {"name": "Altdorf am See"}),
    "/organize/audiences": Route(
        ORGANIZER_ANY, form=lambda w, p: {"key": "council-staff", "label_de": "Ratsbüro",
                                          "label_en": "Council office"}),
    "/organize/accounts": Route(
        ORGANIZER_ANY, form=lambda w, p: {"email": f"new-{p.name}@example.org",
                                          "role": "viewer"}),
    "/organize/accounts/<int:user_id>/delete": Route(ORGANIZER, form=lambda w, p: {}),
    "/organize/audit": Route(ORGANIZER_ANY),
    "/organize/tokens": Route(ORGANIZER_ANY),
    "/organize/tokens/<int:token_id>/revoke": Route(ORGANIZER, form=lambda w, p: {}),
    "/organize/question-sets/<set_id>/<int:version>": Route(
        ORGANIZER_ANY, {"set_id": "sample", "version": 1}),
    "/organize/surveys/new": Route(ORGANIZER_ANY, form=own_survey_form),
    "/organize/surveys/<int:survey_id>/": Route(ORGANIZER, counts_participation=True),
    "/organize/surveys/<int:survey_id>/settings": Route(ORGANIZER, form=survey_form),
    "/organize/surveys/<int:survey_id>/invitations": Route(
        ORGANIZER, form=lambda w, p: {"wave": str(w.a.waves[2]), "municipality": "0",
                                      "audience": "0", "count": "2"}),
    "/organize/surveys/<int:survey_id>/invitations/revoke": Route(ORGANIZER, form=segment_form),
    "/organize/surveys/<int:survey_id>/open-links": Route(
        ORGANIZER, form=lambda w, p: {**segment_form(w, p), "enabled": "1"}),
    "/organize/surveys/<int:survey_id>/status/<action>": Route(
        ORGANIZER, {"action": "open"}, form=lambda w, p: {}),
    "/organize/surveys/<int:survey_id>/waves/<action>": Route(
        ORGANIZER, {"action": "close"}, form=lambda w, p: {}),
    "/organize/surveys/<int:survey_id>/delete": Route(
        ORGANIZER, form=lambda w, p: {"confirm": "delete"}, counts_participation=True),
    # Every account
    "/account/session": Route(ACCOUNT, form=lambda w, p: {}, changes=False),
    "/account/password": Route(
        ACCOUNT, form=lambda w, p: {"current": PASSWORD, "new": NEW_PASSWORD,
                                    "repeat": NEW_PASSWORD}),
}

_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def world_values(w: World) -> dict:
    """The URL values of cooperation A's objects."""
    return {
        "survey_id": w.a.survey_id,
        "public_wave": 1,
        "comment_id": w.a.comment_id,
        "municipality_id": w.a.municipalities["Altdorf"],
        "user_id": w.a.user_ids["spare"],
        "token_id": w.a.spare_token_id,
        "token": w.a.token,
        "key": w.a.open_key,
    }


def url_of(rule: str, w: World, **override) -> str:
    values = {**world_values(w), **ROUTES[rule].values, **override}

    def fill(match):
        name = match.group(1)
        assert name in values, f"no value for <{name}> of {rule}: add it to ROUTES"
        return quote(str(values[name]), safe="")

    return _VARIABLE.sub(fill, rule)


def rules_with(app, method: str) -> list[str]:
    """Rules that accept ``method``, in the order of ROUTES."""
    accepting = {r.rule for r in app.url_map.iter_rules()
                 if r.endpoint != "static" and method in r.methods}
    return [rule for rule in ROUTES if rule in accepting]


# --- Expectations ---------------------------------------------------------------------

ALLOW = "allowed"
LOGIN = "sent to sign in (401 on the API)"
FORBIDDEN = "403"
NOT_FOUND = "404"
OTHER = "403 or 404 (another cooperation)"
NO_JOURNEY = "400 (no survey in progress)"


def expectation(access: str, p: Principal) -> str:
    if access in (PUBLIC, LINK):
        return ALLOW
    if access == PUBLIC_404:
        return NOT_FOUND
    if access == JOURNEY:
        return ALLOW if p.kind == "respondent" else NO_JOURNEY
    if not p.signed_in:
        return LOGIN
    if access == STAFF:
        return ALLOW
    if access == ACCOUNT:  # an API token has no password, and organizes nothing
        return FORBIDDEN if p.kind == "token" else ALLOW
    if access == RESULTS:
        return ALLOW if p.cooperation == "a" else OTHER
    organizer = p.kind == "account" and p.role == "admin"
    if access == ORGANIZER_ANY:
        return ALLOW if organizer else FORBIDDEN
    if access == ORGANIZER:
        if not organizer:
            return FORBIDDEN
        return ALLOW if p.cooperation == "a" else OTHER
    raise AssertionError(f"unknown access {access!r}")


def to_login(response) -> bool:
    return response.status_code in (302, 303) and urlsplit(response.location).path == "/login"


def meets(expect: str, response, path: str, method: str, route: Route) -> bool:
    code = response.status_code
    if expect == ALLOW:
        if method == "GET":
            return code == route.get_status
        return 200 <= code < 300 or (
            300 <= code < 400 and (route.ends_session or not to_login(response)))
    if expect == LOGIN:
        if path.startswith("/api/"):
            return code == 401 and response.headers.get("WWW-Authenticate") == "Bearer"
        return to_login(response)
    return code == {FORBIDDEN: 403, NOT_FOUND: 404, NO_JOURNEY: 400}.get(expect) or (
        expect == OTHER and code in (403, 404))


# --- The database before and after ------------------------------------------------------


def snapshot(app) -> dict[str, list[str]]:
    """Every row of every table, sorted (the order of storage is random on purpose)."""
    with app.app_context():
        return {table.name: sorted(repr(tuple(row))
                                   for row in db.session.execute(select(table)).all())
                for table in db.metadata.sorted_tables}


def differences(before: dict, after: dict) -> dict[str, str]:
    """What changed, per table: row counts and rows added or removed."""
    changed = {}
    for name in before:
        if before[name] != after[name]:
            added = set(after[name]) - set(before[name])
            removed = set(before[name]) - set(after[name])
            changed[name] = (f"{len(before[name])} → {len(after[name])} rows, "
                             f"{len(added)} new or changed, {len(removed)} gone or changed")
    return changed


def counts(rows: dict[str, list[str]]) -> dict[str, int]:
    return {name: len(found) for name, found in rows.items()}


def one_audit_entry_added(before: dict, after: dict) -> bool:
    """Only the audit log changed: by one new entry (an export or API read), or by one entry
    changed in place (the same read again today, counted in its entry: tests/test_audit_log.py)."""
    added = set(after["audit_entry"]) - set(before["audit_entry"])
    removed = set(before["audit_entry"]) - set(after["audit_entry"])
    return (differences(before, after).keys() <= {"audit_entry"} and len(added) == 1
            and len(removed) == (len(before["audit_entry"]) + 1 - len(after["audit_entry"])))


# --- What a page says -------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def _texts(pattern: str, html: str) -> list[str]:
    return [t for t in (unescape(_TAG.sub("", m)).strip()
                        for m in re.findall(pattern, html, re.S)) if t]


def flash_errors(html: str) -> list[str]:
    return _texts(r'<p class="flash error">(.*?)</p>', html)


def visible_error(response) -> str:
    """The message a rejected request shows: an error summary, a field's error, a flash
    message or the heading of an error page ('' if none)."""
    if response.is_json:
        return str((response.get_json(silent=True) or {}).get("error") or "")
    html = response.get_data(as_text=True)
    found = (_texts(r'<div class="error-summary".*?<h2[^>]*>(.*?)</h2>', html)
             + _texts(r'<p class="error-message"[^>]*>(.*?)</p>', html)
             + flash_errors(html))
    if response.status_code != 422:
        found += _texts(r"<main[^>]*>.*?<h1>(.*?)</h1>", html)
    return " / ".join(found)


# --- 1. The route table ---------------------------------------------------------------


def test_every_route_is_in_the_table(app):
    """A new route fails here until ROUTES says who may use it and how to fill its URL;
    a route that accepts POST needs a valid form in the table."""
    rules = {r.rule: r for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert sorted(set(rules) - set(ROUTES)) == [], "routes missing from ROUTES"
    assert sorted(set(ROUTES) - set(rules)) == [], "ROUTES lists routes that are gone"
    without_form = [rule for rule, r in rules.items()
                    if "POST" in r.methods and ROUTES[rule].form is None]
    assert without_form == [], "POST routes without a form in ROUTES"
    with_form = [rule for rule, r in rules.items()
                 if "POST" not in r.methods and ROUTES[rule].form is not None]
    assert with_form == [], "ROUTES gives forms to routes that take no POST"


def test_the_table_fills_every_url_variable(app):
    w = build_world(app)
    for rule in ROUTES:
        assert "<" not in url_of(rule, w), rule


@pytest.mark.parametrize("huge", [2**31 - 1, 2**31, 2**63, 10**23])
def test_an_id_no_row_holds_is_a_clear_4xx_never_a_500(app, huge):
    """Every route with a number in its path, as the organizer of A (who may use them all)
    and anonymously: an id no row has — the largest INTEGER, or past it (then the route
    itself answers 404), up to past SQLite's 64 bits — is a 4xx, never a 500."""
    w = build_world(app)
    numbered = [r for r in app.url_map.iter_rules()
                if any(isinstance(c, IntegerConverter) for c in r._converters.values())]
    assert len(numbered) > 20
    organizer, anonymous = client_for(app, w, ADMIN_A), new_client(app)
    token = csrf_of(organizer)
    allowed = (404,) if huge >= 2**31 else (302, 400, 401, 403, 404)
    for rule in numbered:
        ints = [name for name, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        url = url_of(rule.rule, w, **{name: huge for name in ints})
        for client in (organizer, anonymous):
            answers = []
            if "GET" in rule.methods:
                answers.append(client.get(url).status_code)
            if "POST" in rule.methods:
                answers.append(client.post(url, data={"csrf_token": token}).status_code)
            assert all(status in allowed for status in answers), (url, answers)


# --- 1. The walk: every GET route as every principal ------------------------------------

# Pages anyone may keep in a cache: they show nothing of a person or of unpublished results.
CACHEABLE = ("/", "/accessibility", "/easy", "/healthz")


def kept_from_caches(rule: str) -> bool:
    """Staff pages, charts, exports and API answers, and every respondent page, are never
    stored by a browser or proxy — whoever asks and whatever the answer (also a 403)."""
    return rule not in CACHEABLE and not rule.startswith("/public/")


def walk_get(app, w: World, principal: Principal) -> list[str]:
    client = client_for(app, w, principal)
    problems = []
    for rule in rules_with(app, "GET"):
        route, url = ROUTES[rule], url_of(rule, w)
        expect = expectation(route.access, principal)
        before = snapshot(app)
        response = client.get(url)
        after = snapshot(app)
        if not meets(expect, response, url, "GET", route):
            problems.append(f"GET {url}: expected {expect}, got {response.status_code}"
                            f"{' → ' + response.location if response.location else ''}")
        if kept_from_caches(rule) and response.headers.get("Cache-Control") != "no-store":
            problems.append(f"GET {url} ({response.status_code}): Cache-Control is "
                            f"{response.headers.get('Cache-Control')!r}, not 'no-store'")
        if expect == ALLOW and route.audited:
            if not one_audit_entry_added(before, after):
                problems.append(f"GET {url}: expected one audit entry, "
                                f"got {differences(before, after)}")
        elif before != after and not (
                expect == ALLOW and route.counts_participation
                and differences(before, after).keys() <= {"participation_snapshot"}):
            problems.append(f"GET {url} changed rows: {differences(before, after)}")
    return problems


@pytest.mark.parametrize("principal", PRINCIPALS, ids=lambda p: p.name)
def test_get_routes_answer_only_whom_they_are_for(app, principal):
    """Organizer pages: the organizer of A only; results, charts, exports and the API:
    accounts and tokens of A; the public summary and the respondent's pages: everyone.
    Another cooperation never gets a 2xx, and no GET changes a row (an export or API read
    adds its audit entry, nothing else)."""
    w = build_world(app)
    problems = walk_get(app, w, principal)
    assert problems == [], f"{principal.name}:\n" + "\n".join(problems)


# --- 1. The walk: every POST route as every principal, with a valid CSRF token ---------


def walk_post(app, w: World, principal: Principal) -> list[str]:
    client = client_for(app, w, principal)
    problems = []
    for rule in rules_with(app, "POST"):
        route, url = ROUTES[rule], url_of(rule, w)
        expect = expectation(route.access, principal)
        sender = client_for(app, w, principal) if route.ends_session else client
        data = {**route.form(w, principal), "csrf_token": csrf_of(sender, url)}
        before = snapshot(app)
        response = sender.post(url, data=data)
        after = snapshot(app)
        said = f"{response.status_code}{' → ' + response.location if response.location else ''}"
        if not meets(expect, response, url, "POST", route):
            problems.append(f"POST {url}: expected {expect}, got {said}")
        if expect != ALLOW and before != after:
            problems.append(f"POST {url} was refused ({said}) but changed rows: "
                            f"{differences(before, after)}")
        if expect == ALLOW and route.changes and before == after:
            page = sender.get(response.location) if response.location else response
            problems.append(f"POST {url} was accepted ({said}) but changed nothing: "
                            f"{flash_errors(page.get_data(as_text=True))}")
        if expect == ALLOW and not route.changes and before != after:
            problems.append(f"POST {url} changed rows: {differences(before, after)}")
    return problems


@pytest.mark.parametrize("principal", PRINCIPALS, ids=lambda p: p.name)
def test_post_routes_accept_only_whom_they_are_for(app, principal):
    """The same rules for every state change, each sent with a valid CSRF token: the
    allowed principal's request takes effect, every refused one changes no row."""
    w = build_world(app)
    problems = walk_post(app, w, principal)
    assert problems == [], f"{principal.name}:\n" + "\n".join(problems)


# --- 2. CSRF ----------------------------------------------------------------------------


def test_every_post_route_refuses_a_request_without_csrf_token(app):
    """The organizer of A sends every state change with a valid form but no token: 400,
    a page that says why, and no row changed."""
    w = build_world(app)
    client = client_for(app, w, ADMIN_A)
    problems = []
    for rule in rules_with(app, "POST"):
        url = url_of(rule, w)
        before = snapshot(app)
        response = client.post(url, data=ROUTES[rule].form(w, ADMIN_A))
        after = snapshot(app)
        if response.status_code != 400:
            problems.append(f"POST {url}: {response.status_code}")
        elif "The form has expired" not in visible_error(response):
            problems.append(f"POST {url}: no message ({visible_error(response)!r})")
        if before != after:
            problems.append(f"POST {url} changed rows: {differences(before, after)}")
    assert problems == [], "\n".join(problems)


def test_a_token_from_another_session_is_refused(app):
    """A CSRF token is bound to its session: one from an anonymous visitor does not let
    a request through in the organizer's session."""
    w = build_world(app)
    admin = client_for(app, w, ADMIN_A)
    foreign = csrf_of(new_client(app))
    before = snapshot(app)
    response = admin.post("/organize/municipalities", data={"name": "Fremddorf",
                                                           "csrf_token": foreign})
    assert response.status_code == 400
    assert snapshot(app) == before


def test_opening_links_touches_only_the_session(app):
    """/t/<token> and /o/<key> start a journey in the session; no row changes, and the
    invitation is not marked as used."""
    w = build_world(app)
    before = snapshot(app)
    for url in (f"/t/{w.a.token}", f"/o/{w.a.open_key}"):
        client = new_client(app)
        response = client.get(url)
        if url.startswith("/t/"):  # the personal token leaves the address bar
            assert response.status_code == 303
            assert urlsplit(response.location).path == "/survey/"
        else:  # an open link shows the welcome page at once
            assert response.status_code == 200
            assert 'id="privacy-heading"' in response.get_data(as_text=True)
        assert client.get("/survey/").status_code == 200
    assert counts(snapshot(app)) == counts(before)
    assert snapshot(app) == before


# --- 3. Security headers and redirects --------------------------------------------------


def directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def sample_responses(app) -> dict[str, object]:
    """An HTML page, a JSON answer, a CSV export and error pages."""
    w = build_world(app)
    admin = client_for(app, w, ADMIN_A)
    token = client_for(app, w, TOKEN_VIEWER_A)
    responses = {
        "login page": new_client(app).get("/login"),
        "dashboard": admin.get(f"/results/{w.a.survey_id}/"),
        "organizer page": admin.get("/organize/"),
        "respondent page": client_for(app, w, RESPONDENT).get("/survey/page/1"),
        "JSON API": token.get("/api/v1/surveys"),
        "JSON API error": token.get(f"/api/v1/surveys/{w.b.survey_id}/results"),
        "CSV export": admin.get(f"/results/{w.a.survey_id}/export.csv"),
        "error page": admin.get(f"/results/{w.b.survey_id}/"),
        "unknown page": new_client(app).get("/no/such/page"),
    }
    expected = {"JSON API error": 404, "error page": 404, "unknown page": 404}
    for name, response in responses.items():
        assert response.status_code == expected.get(name, 200), name
    return responses


def test_responses_carry_the_security_headers(app):
    for name, response in sample_responses(app).items():
        headers = response.headers
        assert headers.get("X-Content-Type-Options") == "nosniff", name
        assert headers.get("Referrer-Policy") == "same-origin", name
        policy = directives(headers.get("Content-Security-Policy", ""))
        assert policy.get("frame-ancestors") == ["'none'"], name


def test_html_pages_allow_no_inline_script_or_style(app):
    pages = {n: r for n, r in sample_responses(app).items() if r.mimetype == "text/html"}
    assert len(pages) >= 5
    for name, response in pages.items():
        policy = directives(response.headers["Content-Security-Policy"])
        for directive in ("script-src", "style-src"):
            sources = policy.get(directive) or policy.get("default-src")
            assert sources, (name, directive)
            assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, name
            assert "*" not in sources, name
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), name
        assert not re.search(r"<style\b|\sstyle=", html), name


FOREIGN_TARGETS = (
    "//evil.example", "//evil.example/results/", "///evil.example", "/\\evil.example",
    "\\\\evil.example", "https://evil.example/", "http:evil.example", "/\t/evil.example",
    "javascript:alert(1)", " //evil.example",
)


def test_signing_in_never_redirects_to_another_site(app):
    """/login?next=//evil.example and its variants land on this site's results page."""
    w = build_world(app)
    problems = []
    for target in FOREIGN_TARGETS:
        client = new_client(app)  # an address of its own: sign-ins are rate-limited
        response = client.post(f"/login?next={quote(target, safe='')}",
                               data={"email": w.a.emails["viewer"], "password": PASSWORD,
                                     "csrf_token": csrf_of(client, "/login")})
        location = response.location or ""
        parts = urlsplit(location)
        if (response.status_code != 302 or parts.netloc not in ("", "localhost")
                or not parts.path.startswith("/") or location.startswith("//")
                or "evil" in location):
            problems.append(f"next={target!r}: {response.status_code} → {location!r}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("target", [
    "/\r\nSet-Cookie: x=1", "/results/\nLocation: //evil.example", "/results/\x7f",
])
def test_control_characters_in_next_fall_back_to_the_results_page(app, target):
    """POST /login?next=/%0d%0aSet-Cookie:%20x=1 — no 500, no header of the attacker's."""
    w = build_world(app)
    client = new_client(app)
    response = client.post(f"/login?next={quote(target, safe='')}",
                           data={"email": w.a.emails["viewer"], "password": PASSWORD,
                                 "csrf_token": csrf_of(client, "/login")})
    assert response.status_code == 302, response.status_code
    assert urlsplit(response.location).path == "/results/"
    assert not any("x=1" in value for value in response.headers.getlist("Set-Cookie"))


def test_signing_in_follows_a_path_on_this_site(app):
    w = build_world(app)
    client = new_client(app)
    page = f"/results/{w.a.survey_id}/?wave=1"
    response = client.post(f"/login?next={quote(page, safe='')}",
                           data={"email": w.a.emails["viewer"], "password": PASSWORD,
                                 "csrf_token": csrf_of(client, "/login")})
    assert response.status_code == 302 and response.location == page


# --- 4. Bad input (hypothesis) ----------------------------------------------------------

# Derandomized: the same examples on every run, so a run fails or passes for a reason.
BAD_INPUT = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MISSING = object()  # leave the field out

junk_text = st.one_of(
    st.text(max_size=30),
    st.text(min_size=201, max_size=400),
    st.text(alphabet=st.characters(max_codepoint=0x1F, codec="utf-8"), min_size=1, max_size=8),
    st.text(alphabet=st.characters(min_codepoint=0x2000, max_codepoint=0x2FFFF, codec="utf-8"),
            max_size=20),
    st.integers().map(str),
    st.sampled_from([
        "", " ", "\x00", "0", "-1", str(10**9), "1e9", "NaN", "inf", "1.5", "abc", "١٢",
        "１", "null", "[]", "{}", "<script>alert(1)</script>", "'; DROP TABLE survey; --",
        "x" * 5001, "x" * 10_001, "x" * 300_000, "\u202e\u0000\ufeff", "🙂" * 300,
        "999999", "1.0", " 1", "0x1", "+1", "1_0",
    ]),
)
junk_value = st.one_of(junk_text, st.lists(junk_text, min_size=2, max_size=3))
some_text = st.text(min_size=1, max_size=30).filter(str.strip)  # what DataRequired takes


def spec(valid, odd=()) -> tuple:
    """A form field: its ``valid`` values (a strategy) and ``odd`` ones that look right
    but are not (another cooperation's id, a weakening change, a value out of range)."""
    return valid, list(odd)


@st.composite
def form_data(draw, **fields) -> dict:
    """Some fields (often none) broken — left out, junk or odd —, the others valid; and
    sometimes unknown fields besides."""
    broken = draw(st.sets(st.sampled_from(sorted(fields)), max_size=len(fields)))
    data = dict(draw(st.dictionaries(st.text(min_size=1, max_size=10), junk_value,
                                     max_size=2)))
    for name, (valid, odd) in fields.items():
        bad = [st.just(MISSING), junk_value] + ([st.sampled_from(odd)] if odd else [])
        value = draw(st.one_of(*bad) if name in broken else valid)
        if value is MISSING:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@dataclass(frozen=True)
class Ref:
    """An id of the world (``side``, its dict ``kind``, key ``name``), filled in when the
    request is sent: the strategies are built before the world."""

    side: str
    kind: str
    name: object


def resolve(value, w: World):
    if isinstance(value, Ref):
        return str(getattr(w.side(value.side), value.kind)[value.name])
    if isinstance(value, list):
        return [resolve(v, w) for v in value]
    return value


A_MUNICIPALITIES = [Ref("a", "municipalities", "Altdorf"), Ref("a", "municipalities", "Neudorf")]
A_AUDIENCES = [Ref("a", "audiences", "employees"), Ref("a", "audiences", "citizens")]
B_MUNICIPALITY = Ref("b", "municipalities", "Altdorf")
B_AUDIENCE = Ref("b", "audiences", "employees")
A_OPEN_WAVE, A_CLOSED_WAVE = Ref("a", "waves", 2), Ref("a", "waves", 1)
B_OPEN_WAVE = Ref("b", "waves", 2)


@dataclass
class Organizer:
    """Cooperation A's organizer, signed in once per test."""

    app: object
    world: World
    client: object
    csrf: str


def organizer(app) -> Organizer:
    if not hasattr(app, "_authorization_organizer"):
        w = build_world(app)
        client = client_for(app, w, ADMIN_A)
        app._authorization_organizer = Organizer(app, w, client, csrf_of(client))
    return app._authorization_organizer


def note(text: str) -> None:
    """Count outcomes in hypothesis' statistics (--hypothesis-show-statistics)."""
    if currently_in_test_context():
        event(text)


def judge_post(app, client, csrf: str, url: str, data: dict) -> tuple[object, list[str]]:
    """POST ``data`` with a valid token. Problems: a 5xx; a rejected request (4xx, or a
    redirect to a page with an error message) that changed rows or says nothing."""
    before = snapshot(app)
    response = client.post(url, data={**data, "csrf_token": csrf})
    after = snapshot(app)
    said = f"POST {url} {data!r:.300}: {response.status_code}"
    if response.status_code >= 500:
        return response, [f"{said}, a server error"]
    shown = response
    if response.status_code in (302, 303):
        shown = client.get(response.location)
        if shown.status_code >= 500:
            return response, [f"{said} → {response.location}: {shown.status_code}"]
        rejected = bool(flash_errors(shown.get_data(as_text=True)))
    else:
        rejected = response.status_code >= 400
    note(f"{response.status_code} {'rejected' if rejected else 'accepted'}")
    problems = []
    if rejected and before != after:
        problems.append(f"{said} was refused but changed rows: {differences(before, after)}")
    if rejected and not visible_error(shown):
        problems.append(f"{said} was refused without a message: "
                        f"{shown.get_data(as_text=True)[:1000]}")
    return response, problems


def judge_get(app, client, url: str, query: dict, audited: bool) -> tuple[object, list[str]]:
    """GET with ``query``. Problems: a 5xx; a refusal that changed rows or says nothing;
    an accepted read that changed more than its audit entry (exports, API)."""
    before = snapshot(app)
    response = client.get(url, query_string=query)
    after = snapshot(app)
    said = f"GET {url} {query!r:.300}: {response.status_code}"
    if response.status_code >= 500:
        return response, [f"{said}, a server error"]
    note(str(response.status_code))
    problems = []
    if response.status_code >= 400:
        if before != after:
            problems.append(f"{said} changed rows: {differences(before, after)}")
        if not visible_error(response):
            problems.append(f"{said} without a message: {response.get_data(as_text=True)[:1000]}")
    elif audited and response.status_code == 200:
        if not one_audit_entry_added(before, after):
            problems.append(f"{said}: expected one audit entry, got {differences(before, after)}")
    elif before != after:
        problems.append(f"{said} changed rows: {differences(before, after)}")
    return response, problems


def send_bad_form(o: Organizer, url: str, data: dict):
    data = {name: resolve(value, o.world) for name, value in data.items()}
    response, problems = judge_post(o.app, o.client, o.csrf, url, data)
    assert problems == [], "\n".join(problems)
    return response


def read_with_bad_query(o: Organizer, url: str, query: dict, audited: bool):
    query = {name: resolve(value, o.world) for name, value in query.items()}
    response, problems = judge_get(o.app, o.client, url, query, audited)
    assert problems == [], "\n".join(problems)
    return response


NUL = "Neu\x00dorf"


def nul_requests(w: World) -> list[tuple[str, str, dict]]:
    """(method, URL, form or query) with a NUL byte in one text, for A's organizer."""
    a = w.a
    survey = survey_form(w, ADMIN_A)
    return [
        ("POST", "/organize/cooperation", {"name": NUL}),
        ("POST", "/organize/cooperation", {"name": "Kooperation", "topic": NUL}),
        ("POST", "/organize/municipalities", {"name": NUL}),
        ("POST", f"/organize/municipalities/{a.municipalities['Neudorf']}", {"name": NUL}),
        ("POST", "/organize/audiences", {"key": "press", "label_de": NUL, "label_en": "Press"}),
        ("POST", "/organize/accounts", {"email": "neu\x00@example.org", "role": "viewer"}),
        ("POST", "/organize/surveys/new", {**survey, "controller": NUL}),
        ("POST", "/organize/surveys/new", {**survey, "title_de": NUL}),
        ("POST", f"/organize/surveys/{a.survey_id}/settings", {**survey, "controller": NUL}),
        ("POST", f"/results/{a.survey_id}/comments/{a.comment_id}",
         {"action": "redact", "redacted_text": NUL}),
        ("POST", f"/results/{a.survey_id}/comments/%00", {"action": "release"}),
        ("POST", f"/organize/surveys/{a.survey_id}/delete", {"confirm": NUL}),
        ("GET", f"/results/{a.survey_id}/", {"audience": "\x00", "municipality": "\x00"}),
        ("GET", f"/results/{a.survey_id}/comments", {"status": "\x00"}),
        ("GET", f"/api/v1/surveys/{a.survey_id}/results", {"by": "\x00", "wave": "\x00"}),
        ("GET", f"/results/{a.survey_id}/questions/sample/%00", {}),
        # An accepted export or API read writes its query into the audit log.
        ("GET", f"/api/v1/surveys/{a.survey_id}/results", {"note": "\x00"}),
        ("GET", f"/results/{a.survey_id}/export.csv", {"note": "\x00"}),
    ]


def test_nul_bytes_are_refused_or_stored_never_a_server_error(app_factory):
    """PostgreSQL cannot store or compare text with NUL (0x00); the respondent's answers are
    cleaned of control characters, the organizer's forms, paths and sign-in must not fail
    on them either. Server errors are answered as pages here, so every case is listed."""
    app = app_factory(PROPAGATE_EXCEPTIONS=False)
    w = build_world(app)
    admin = client_for(app, w, ADMIN_A)
    csrf = csrf_of(admin)
    problems = []
    for method, url, data in nul_requests(w):
        if method == "POST":
            problems += judge_post(app, admin, csrf, url, data)[1]
        else:
            audited = url.startswith("/api/") or url.endswith("/export.csv")
            problems += judge_get(app, admin, url, data, audited=audited)[1]
    visitor = new_client(app)
    problems += judge_post(app, visitor, csrf_of(visitor, "/login"), "/login",
                           {"email": "nie\x00mand@example.org", "password": "x"})[1]
    assert problems == [], "\n".join(problems)


@BAD_INPUT
@given(data=form_data(name=spec(some_text), topic=spec(st.text(max_size=30))))
def test_bad_cooperation_form(app, data):
    send_bad_form(organizer(app), "/organize/cooperation", data)


MUNICIPALITY_NAME = spec(st.one_of(some_text, st.sampled_from(["Mitteldorf", "Oberdorf"])),
                          ["Altdorf", "ALTDORF", " neudorf "])  # clash with a partner


@BAD_INPUT
@given(data=form_data(name=MUNICIPALITY_NAME))
def test_bad_municipality_form(app, data):
    send_bad_form(organizer(app), "/organize/municipalities", data)


@BAD_INPUT
@given(data=form_data(name=MUNICIPALITY_NAME),
       target=st.sampled_from([*A_MUNICIPALITIES, B_MUNICIPALITY, "0", "999999"]))
def test_bad_municipality_rename(app, data, target):
    o = organizer(app)
    send_bad_form(o, f"/organize/municipalities/{resolve(target, o.world)}", data)


@BAD_INPUT
@given(data=form_data(
    key=spec(st.from_regex(r"\A[a-z][a-z0-9-]{1,12}\Z"),
              ["employees", "citizens", "a", "Press", "-x", "x" * 42, "ab\n"]),
    label_de=spec(some_text), label_en=spec(some_text)))
def test_bad_audience_form(app, data):
    send_bad_form(organizer(app), "/organize/audiences", data)


@BAD_INPUT
@given(data=form_data(
    email=spec(st.from_regex(r"\A[a-z]{1,10}@example\.org\Z"),
                ["admin-b@example.org", "no-at-sign", "a@b", "x@@example.org"]),
    role=spec(st.sampled_from(["viewer", "admin"]), ["root", "Admin"])))
def test_bad_account_form(app, data):
    send_bad_form(organizer(app), "/organize/accounts", data)


SURVEY_FIELDS = dict(
    title_de=spec(some_text), title_en=spec(some_text),
    welcome_de=spec(st.text(max_size=30)), welcome_en=spec(st.text(max_size=30)),
    privacy_de=spec(some_text), privacy_en=spec(some_text), controller=spec(some_text),
    phase=spec(st.sampled_from(["initiation", "implementation", "consolidation"]), ["other"]),
    min_group_size=spec(st.sampled_from(["5", "6", "50"]), ["2", "3", "4", "51", "5.0"]),
    retain_until=spec(st.sampled_from(["", "2030-12-31"]),
                       ["2030-02-30", "31.12.2030", "99999-01-01", "1999-01-01"]),
    municipalities=spec(st.just(A_MUNICIPALITIES),
                         [A_MUNICIPALITIES[:1], [*A_MUNICIPALITIES, B_MUNICIPALITY], []]),
    audiences=spec(st.just(A_AUDIENCES), [A_AUDIENCES[1:], [*A_AUDIENCES, B_AUDIENCE], []]),
    question_sets=spec(st.just(["sample@1", f"{IPA_SET}@1"]),
                        [["sample@1"], ["sample@2"], ["sample"], ["@1"], ["nope@1"], []]),
)


@BAD_INPUT
@given(data=form_data(**SURVEY_FIELDS))
def test_bad_new_survey_form(app, data):
    send_bad_form(organizer(app), "/organize/surveys/new", data)


@BAD_INPUT
@given(data=form_data(**SURVEY_FIELDS))
def test_bad_survey_settings_form(app, data):
    """A's survey has answers: fewer municipalities, groups or sets, or a lower k, are
    refused as well."""
    o = organizer(app)
    send_bad_form(o, f"/organize/surveys/{o.world.a.survey_id}/settings", data)


MUNICIPALITY = spec(st.sampled_from(A_MUNICIPALITIES), [B_MUNICIPALITY, "0"])
AUDIENCE = spec(st.sampled_from(A_AUDIENCES), [B_AUDIENCE, "0"])


@BAD_INPUT
@given(data=form_data(
    wave=spec(st.just(A_OPEN_WAVE), [A_CLOSED_WAVE, B_OPEN_WAVE]),
    municipality=spec(st.sampled_from([*A_MUNICIPALITIES, "0"]), [B_MUNICIPALITY]),
    audience=spec(st.sampled_from([*A_AUDIENCES, "0"]), [B_AUDIENCE]),
    count=spec(st.sampled_from(["1", "2", " 2 "]),
                ["0", "-1", str(10**9), "abc", "5001", "1e3", "2.5", ""])))
def test_bad_invitation_form(app, data):
    o = organizer(app)
    send_bad_form(o, f"/organize/surveys/{o.world.a.survey_id}/invitations", data)


@BAD_INPUT
@given(data=form_data(wave=spec(st.sampled_from([A_OPEN_WAVE, A_CLOSED_WAVE]), [B_OPEN_WAVE]),
                      municipality=MUNICIPALITY, audience=AUDIENCE))
def test_bad_revoke_form(app, data):
    o = organizer(app)
    send_bad_form(o, f"/organize/surveys/{o.world.a.survey_id}/invitations/revoke", data)


@BAD_INPUT
@given(data=form_data(municipality=MUNICIPALITY, audience=AUDIENCE,
                      enabled=spec(st.sampled_from(["1", "0"]), ["on", "", "2"])))
def test_bad_open_link_form(app, data):
    o = organizer(app)
    send_bad_form(o, f"/organize/surveys/{o.world.a.survey_id}/open-links", data)


def confirms(value) -> bool:
    """Whether the delete form would take ``value`` (WTForms reads the first of several)."""
    first = value[0] if isinstance(value, list) and value else value
    return isinstance(first, str) and first.strip().casefold() == "delete"


@BAD_INPUT
@given(data=form_data(confirm=spec(st.sampled_from(["delet", "löschen", "delete it", "yes"])))
       .filter(lambda d: not confirms(d.get("confirm"))))
def test_bad_delete_confirmation(app, data):
    """Anything but the word shown is refused, and the survey stays."""
    o = organizer(app)
    response = send_bad_form(o, f"/organize/surveys/{o.world.a.survey_id}/delete", data)
    # 400: a NUL character, refused before any view; 413: too long; 422: the wrong word
    assert response.status_code in (400, 413, 422), response.status_code


@BAD_INPUT
@given(data=form_data(
    action=spec(st.sampled_from(["release", "withhold", "redact", "pending"]),
                 ["delete", "RELEASE", "publish"]),
    status=spec(st.sampled_from(["pending", "released", "redacted", "withheld"]), ["nope"]),
    redacted_text=spec(some_text, ["x" * 300])),
    comment=st.one_of(st.sampled_from(["a", "a", "b", "0" * 32, "x" * 200]),
                      st.text(max_size=40)))
def test_bad_comment_review(app, data, comment):
    o = organizer(app)
    comment_id = {"a": o.world.a.comment_id, "b": o.world.b.comment_id}.get(comment, comment)
    send_bad_form(o, f"/results/{o.world.a.survey_id}/comments/{quote(comment_id, safe='')}",
                  data)


@BAD_INPUT
@given(number=st.one_of(st.sampled_from([1, 2]), st.sampled_from([1, 2]),
                        st.sampled_from([0, 3, 10**30]), st.integers(min_value=0)),
       action=st.one_of(st.sampled_from(["publish", "unpublish", "make-public",
                                         "withdraw-public"]),
                        st.sampled_from(["Publish", "publish ", "delete", ".."]),
                        st.text(max_size=30)),
       data=form_data(action=spec(st.text(max_size=10))))
def test_bad_publication(app, number, action, data):
    o = organizer(app)
    send_bad_form(o, f"/results/{o.world.a.survey_id}/waves/{number}/{quote(action, safe='')}",
                  data)


QUERY = {
    "by": spec(st.lists(st.sampled_from(["municipality", "audience", "wave", " wave "]),
                         max_size=3).map(",".join), ["nation", "municipality,,x"]),
    "wave": spec(st.sampled_from(["1", "2", "all", ""]), ["3", "0", "01"]),
    "municipality": spec(st.sampled_from([*A_MUNICIPALITIES, "all", ""]), [B_MUNICIPALITY]),
    "audience": spec(st.sampled_from(["employees", "citizens", "all"]), ["council"]),
    "lang": spec(st.sampled_from(["de", "en"]), ["fr"]),
    "status": spec(st.sampled_from(["pending", "released", "redacted", "withheld"]),
                    ["Pending"]),
    "page": spec(st.sampled_from(["1", "2", "99"]), ["0", "١", "-1"]),
    "action": spec(st.sampled_from(["", "export.api", "survey.create"]), ["drop table"]),
    "actor": spec(st.sampled_from(["", "command line"]), ["nobody@example.org"]),
    "since": spec(st.sampled_from(["", "2026-11-01", "2030-01-31"]), ["2026-02-30", "gestern"]),
    "until": spec(st.sampled_from(["", "2026-12-31"]), ["31.12.2026", "2026-1-1x"]),
}


def query(*names) -> st.SearchStrategy[dict]:
    return form_data(**{name: QUERY[name] for name in names})


@BAD_INPUT
@given(args=query("by", "wave"))
def test_bad_api_queries(app, args):
    o = organizer(app)
    response = read_with_bad_query(o, f"/api/v1/surveys/{o.world.a.survey_id}/results", args,
                                   audited=True)
    assert response.is_json, response.mimetype


@BAD_INPUT
@given(args=query("municipality", "audience", "wave", "lang"))
def test_bad_dashboard_filters(app, args):
    o = organizer(app)
    read_with_bad_query(o, f"/results/{o.world.a.survey_id}/", args, audited=False)


@BAD_INPUT
@given(args=query("by", "municipality", "audience", "wave"))
def test_bad_export_queries(app, args):
    o = organizer(app)
    read_with_bad_query(o, f"/results/{o.world.a.survey_id}/export.csv", args, audited=True)


@BAD_INPUT
@given(args=query("action", "actor", "since", "until", "page"))
def test_bad_audit_log_queries(app, args):
    o = organizer(app)
    read_with_bad_query(o, "/organize/audit", args, audited=False)


@BAD_INPUT
@given(args=query("status", "page"))
def test_bad_comment_list_queries(app, args):
    o = organizer(app)
    read_with_bad_query(o, f"/results/{o.world.a.survey_id}/comments", args, audited=False)
