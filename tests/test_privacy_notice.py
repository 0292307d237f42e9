"""The privacy notice on the welcome page (GDPR Art. 13) and the rule that a survey opens
only with a controller and a data protection officer's contact."""

from __future__ import annotations

import html
import re

import pytest

from ikzsurvey.db import db
from ikzsurvey.models import Survey

from .factories import invite, make_survey, open_link
from .test_organizer import build, settings_form, survey_state, text_of

CONTROLLER = "Gemeinde Testdorf, Am Markt 1, 12345 Testdorf"
DPO = "Datenschutzbeauftragter, Am Markt 1, 12345 Testdorf, dsb@testdorf.example"


def _notice_survey(**changes) -> Survey:
    survey = make_survey()
    survey.controller, survey.dpo_contact = CONTROLLER, DPO
    for name, value in changes.items():
        setattr(survey, name, value)
    db.session.commit()
    return survey


def _welcome(client, path: str, lang: str) -> str:
    if path.startswith("/o/"):  # an open link shows the welcome page at once
        page = client.get(f"{path}?lang={lang}").get_data(as_text=True)
    else:
        client.get(path)
        page = client.get(f"/survey/?lang={lang}").get_data(as_text=True)
    return html.unescape(re.sub(r"\s+", " ", page))


ITEMS = {
    "de": ["Art. 13", "Verantwortlich für diese Befragung", "Datenschutzbeauftragte",
           "Zweck", "Rechtsgrundlage", "Art. 6 Abs. 1 lit. e DSGVO",
           "Was gespeichert wird und wie lange", "Wer Ergebnisse erhält", "Ihre Rechte",
           "Art. 15 bis 21 DSGVO", "Aufsichtsbehörde", "Art. 77 DSGVO"],
    "en": ["Art. 13", "Responsible for this survey", "Data protection officer", "Purpose",
           "Legal basis", "Art. 6 (1) (e) GDPR", "What is stored, and for how long",
           "Who receives results", "Your rights", "Art. 15 to 21 GDPR",
           "supervisory authority", "Art. 77 GDPR"],
}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_welcome_page_names_every_item_of_art_13(app, client, lang):
    with app.app_context():
        token = invite(_notice_survey())
    page = _welcome(client, f"/t/{token}", lang)
    for item in ITEMS[lang]:
        assert item in page, item
    assert CONTROLLER in page and DPO in page


def test_an_organizers_wording_replaces_the_default(app, client):
    authority = {"de": "Landesdatenschutz Testland, Postfach 1, 12345 Hauptstadt",
                 "en": "Data Protection Authority of Testland, PO Box 1"}
    with app.app_context():
        token = invite(_notice_survey(notice={"authority": authority}))
    page = _welcome(client, f"/t/{token}", "de")
    assert authority["de"] in page
    assert "Datenschutz-Aufsichtsbehörde Ihres Bundeslandes" not in page


@pytest.mark.parametrize("lang, invitation, link", [
    ("de", "Einladungslink", "Der Link, den Sie verwendet haben"),
    ("en", "invitation link", "The link you used"),
])
def test_an_open_link_speaks_of_a_link_not_an_invitation(app, lang, invitation, link):
    with app.app_context():
        survey = _notice_survey()
        key, token = open_link(survey), invite(survey)
    opened = _welcome(app.test_client(), f"/o/{key}", lang)
    assert link in opened and invitation not in opened
    invited = _welcome(app.test_client(), f"/t/{token}", lang)
    assert invitation in invited and link not in invited


@pytest.mark.parametrize("missing", ["controller", "dpo_contact"])
def test_a_survey_does_not_open_without_controller_and_dpo(app, missing):
    b = build(app, "de", open_it=False)
    with app.app_context():
        survey = db.session.get(Survey, b.survey_id)
        setattr(survey, missing, "  ")
        db.session.commit()

    page = text_of(b.org.post(f"{b.base}/status/open"))

    assert "Datenschutzbeauftragten" in page and "Verantwortlichen" in page
    assert survey_state(app, b.survey_id)["status"] == "draft"


def test_the_settings_keep_the_notice_items(app):
    b = build(app, "en", open_it=False)
    form = settings_form(app, b.survey_id, dpo_contact="DPO, Main Street 1",
                         recipients_de="Nur die Räte.", recipients_en="The councils only.")
    response = b.org.post(f"{b.base}/settings", form, follow=False)
    assert response.status_code == 302, text_of(response)
    with app.app_context():
        survey = db.session.get(Survey, b.survey_id)
        assert survey.dpo_contact == "DPO, Main Street 1"
        assert survey.notice["recipients"] == {"de": "Nur die Räte.", "en": "The councils only."}
    assert "The councils only." in text_of(b.org.get(f"{b.base}/settings"))
