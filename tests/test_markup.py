"""Findings of an accessibility audit (HTML_CodeSniffer, IBM Equal Access) checked in the
HTML itself: autofill purposes on the sign-in (WCAG 1.3.5), unique ids and one label per
control on the organizer's overview (4.1.1, 3.3.2)."""

from __future__ import annotations

import collections
from html.parser import HTMLParser

import pytest

from ikzsurvey.db import db

from .results_fixtures import make_cooperation, make_user, sign_in


class Elements(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def inputs(self, **match) -> list[dict]:
        return [a for t, a in self.tags
                if t == "input" and all(a.get(k) == v for k, v in match.items())]


def test_the_sign_in_fields_name_their_autofill_purpose(client):
    page = Elements(client.get("/login").get_data(as_text=True))
    assert [a.get("autocomplete") for a in page.inputs(name="email")] == ["email"]
    assert [a.get("autocomplete") for a in page.inputs(name="password")] == ["current-password"]


@pytest.fixture
def overview(app):
    with app.app_context():
        survey = make_cooperation(municipalities=("Altdorf", "Neudorf", "Oberau", "Unterau"))
        email = make_user(survey.cooperation_id, "admin")
        db.session.remove()
    client = app.test_client()
    sign_in(client, email)
    return client.get("/organize/").get_data(as_text=True)


def test_every_id_on_the_organizers_overview_is_unique(overview):
    ids = collections.Counter(a["id"] for _, a in Elements(overview).tags if "id" in a)
    assert [i for i, n in ids.items() if n > 1] == []
    # every form still carries its CSRF token
    assert overview.count('name="csrf_token"') == overview.count("<form ")


def test_each_rename_field_has_its_own_label_naming_the_municipality(overview):
    page = Elements(overview)
    fields = [a for a in page.inputs(name="name") if a.get("id", "").startswith("municipality-")]
    assert len(fields) == 4
    labels = {}
    for tag, attrs in page.tags:
        if tag == "label" and attrs.get("for", "").startswith("municipality-"):
            labels[attrs["for"]] = attrs
    assert set(labels) == {f["id"] for f in fields}
    for name in ("Altdorf", "Neudorf", "Oberau", "Unterau"):
        assert f"Neuer Name für {name}</label>" in overview
