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


def test_the_statement_follows_bitv_2_0_section_7(app_factory):
    """Conformance, known problems, how and when assessed, e-mail and telephone, and the
    arbitration body named and linked — dates in the reader's format, never ISO."""
    app = app_factory(ACCESSIBILITY_CONTACT="barrierefrei@example.org",
                      ACCESSIBILITY_PHONE="+49 30 1234 567",
                      ACCESSIBILITY_STATEMENT_DATE="2026-11-29",
                      ACCESSIBILITY_REVIEWED_ON="2026-12-05",
                      ARBITRATION_BODY_NAME="Schlichtungsstelle BGB-Land",
                      ARBITRATION_BODY_URL="https://schlichtung.example.org/")
    german = app.test_client().get("/accessibility").get_data(as_text=True)
    for text in ("Stand der Vereinbarkeit", "Nicht barrierefreie Inhalte",
                 "Erstellung dieser Erklärung", "29. November 2026", "5. Dezember 2026",
                 'href="mailto:barrierefrei@example.org"', 'href="tel:+49301234567"',
                 '<a href="https://schlichtung.example.org/">Schlichtungsstelle BGB-Land</a>'):
        assert text in german, text
    assert "2026-11-29" not in german and "2026-12-05" not in german
    english = app.test_client().get("/accessibility?lang=en").get_data(as_text=True)
    assert "November 29, 2026" in english and "State of conformance" in english


def test_the_default_arbitration_body_is_the_federal_one(app_factory):
    page = app_factory().test_client().get("/accessibility").get_data(as_text=True)
    assert 'href="https://www.schlichtungsstelle-bgg.de"' in page


def test_the_start_page_explains_the_service_and_links_what_must_be_published(app_factory):
    client = app_factory().test_client()
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Befragungen zur Zusammenarbeit unserer Gemeinden</h1>" in page
    for href in ('href="/easy"', 'href="/accessibility"', 'href="/login"', 'id="privacy"'):
        assert href in page, href
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Surveys on the cooperation of our municipalities" in english
    # every page's footer leads back to it and to the privacy section
    login = client.get("/login").get_data(as_text=True)
    assert 'href="/"' in login and 'href="/#privacy"' in login
