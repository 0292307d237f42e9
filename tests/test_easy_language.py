"""The survey explained in plain language: Leichte Sprache in German, plain English."""

from __future__ import annotations

from .factories import make_survey, open_link


def test_the_plain_language_page_follows_the_language(client):
    german = client.get("/easy").get_data(as_text=True)
    assert "<h1>Die Befragung in Leichter Sprache</h1>" in german and 'lang="de"' in german
    assert "Anonym bedeutet:" in german and "Freiwillig bedeutet:" in german
    english = client.get("/easy?lang=en").get_data(as_text=True)
    assert "<h1>The survey in plain English</h1>" in english and 'lang="en"' in english
    assert "Anonymous means:" in english and "Voluntary means:" in english
    # the language chosen stays
    assert "plain English" in client.get("/easy").get_data(as_text=True)


def test_the_welcome_page_links_to_it_and_it_leads_back_to_the_survey(app, client):
    assert "Zurück zur Befragung" not in client.get("/easy").get_data(as_text=True)
    with app.app_context():
        key = open_link(make_survey())
    welcome = client.get(f"/o/{key}", follow_redirects=True).get_data(as_text=True)
    assert '<a href="/easy">Diese Befragung in Leichter Sprache erklärt</a>' in welcome
    english = client.get("/survey/?lang=en").get_data(as_text=True)
    assert '<a href="/easy">This survey explained in plain language</a>' in english
    easy = client.get("/easy?lang=de").get_data(as_text=True)
    assert '<a href="/survey/">Zurück zur Befragung</a>' in easy
