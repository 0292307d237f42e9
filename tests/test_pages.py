"""Pages for every visitor."""

from __future__ import annotations


def test_the_accessibility_statement_names_a_contact_and_the_enforcement_procedure(app_factory):
    app = app_factory(ACCESSIBILITY_CONTACT="barrierefrei@example.org")
    page = app.test_client().get("/accessibility").get_data(as_text=True)
    assert "Erklärung zur Barrierefreiheit" in page
    assert "barrierefrei@example.org" in page and "Durchsetzungsverfahren" in page
    english = app.test_client().get("/accessibility?lang=en").get_data(as_text=True)
    assert "Enforcement procedure" in english and 'lang="en"' in english
    # every page links to it
    assert 'href="/accessibility"' in app.test_client().get("/login").get_data(as_text=True)
