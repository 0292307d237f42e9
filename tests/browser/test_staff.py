"""The council dashboard and the organizer's pages render in a real browser."""

from __future__ import annotations

from .conftest import new_context, sign_in
from .helpers import assert_focus_visible, no_horizontal_scrolling, skip_to_content, tab_to


def test_a_council_viewer_signs_in_and_reads_the_dashboard(browser, site):
    ctx = new_context(browser)
    page = ctx.new_page()
    sign_in(page, site, *site.viewer)
    assert page.inner_text("h1") == "Ergebnisse"
    page.click("ul.survey-list a")
    page.wait_for_url(f"**/results/{site.demo_survey_id}/")
    assert page.inner_text("h1") == "Interkommunale Zusammenarbeit in der Energiewende"
    assert page.locator("#overview table").is_visible()
    # Every chart image loads (served as SVG by the app) and has a text alternative.
    images = page.query_selector_all("main img")
    assert images
    for image in images:
        image.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    for image in images:
        assert image.get_attribute("alt")
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), image
    # Viewers see published waves only: no publication controls.
    assert page.locator("#publication").count() == 0
    # The filter works by keyboard: choose a municipality, Tab to the button, Enter.
    page.focus("#filter-municipality")
    assert_focus_visible(page)
    page.keyboard.press("ArrowDown")
    tab_to(page, "Anzeigen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "municipality=" in page.url
    assert "Bergheim" in page.inner_text(".selection")
    # An item page with its tables.
    page.click("table.ratings th a >> nth=0")
    assert page.locator("main table").count() >= 2
    ctx.close()


def test_an_organizer_signs_in_and_sees_the_cooperation_and_a_survey(browser, site):
    ctx = new_context(browser)
    page = ctx.new_page()
    sign_in(page, site, *site.organizer)
    page.goto(site("/organize/"))
    assert page.inner_text("h1") == "Energiewende-Kooperation Oberes Talgebiet (Demo)"
    headings = page.locator("main h2").all_inner_texts()
    assert "Umfragen" in headings or "Befragungen" in headings, headings
    skip_to_content(page)
    page.click("main table a >> nth=0")
    page.wait_for_url(f"**/organize/surveys/{site.demo_survey_id}/")
    assert page.inner_text("h1") == "Interkommunale Zusammenarbeit in der Energiewende"
    assert page.locator("#open-links table tbody tr").count() == 12
    assert no_horizontal_scrolling(page)
    page.click("text=Einstellungen und Texte")
    assert page.locator("main form fieldset legend").count() >= 4

    # Errors in the settings: the summary takes focus and its links lead to the fields.
    page.fill("#title_de", "")
    with page.expect_navigation():
        page.click("main form .actions button")
    # autofocus takes effect with the first rendering after load
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    page.click(".error-summary a[href='#title_de']")
    assert page.evaluate("document.activeElement.id") == "title_de"
    assert page.get_attribute("#title_de", "aria-invalid") == "true"
    assert "title_de-error" in page.get_attribute("#title_de", "aria-describedby")

    # A municipality cannot be removed once there are answers: the group is the target.
    page.fill("#title_de", "Interkommunale Zusammenarbeit in der Energiewende")
    page.uncheck("#municipalities-0")
    with page.expect_navigation():
        page.click("main form .actions button")
    page.click(".error-summary a[href='#municipalities']")
    assert page.evaluate("document.activeElement.id") == "municipalities"
    assert_focus_visible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "municipalities-0"
    assert page.get_attribute("#municipalities", "aria-describedby") == "municipalities-error"
    ctx.close()


def test_staff_pages_need_no_horizontal_scrolling_at_320px(staff_context, site):
    """Wide tables scroll inside their own focusable region; the page itself reflows."""
    sid = site.demo_survey_id
    pages = {
        "viewer": [
            "/results/",
            f"/results/{sid}/",
            f"/results/{sid}/questions/success-factors/support-mayors-importance",
            f"/results/{sid}/questions/shared-goals/goal-areas",
            "/account/password",
            f"/public/{sid}/waves/2/",
        ],
        "organizer": [
            "/organize/",
            f"/organize/surveys/{sid}/",
            f"/organize/surveys/{sid}/settings",
            "/organize/surveys/new",
            "/organize/question-sets/success-factors/1",
            f"/results/{sid}/",
            f"/results/{sid}/comments",
        ],
    }
    too_wide = []
    for role, paths in pages.items():
        page = staff_context(role, viewport={"width": 320, "height": 640}).new_page()
        for path in paths:
            for lang in ("de", "en"):
                page.goto(site(f"{path}?lang={lang}"))
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 320:
                    too_wide.append(f"{path} [{lang}]: {width} px")
    assert too_wide == []


def test_the_idle_warning_comes_in_time_and_extends_without_losing_input(browser, site):
    """WCAG 2.2.1: two minutes before the idle sign-out a dialog offers to stay signed in;
    doing so keeps the page, and what was typed on it, as it was."""
    ctx = new_context(browser)
    page = ctx.new_page()
    page.clock.install()  # the page's timers run on a clock the test moves
    sign_in(page, site, *site.organizer)
    page.goto(site("/account/password"))
    before = page.inner_text("#session-expiry-text")
    assert "Ohne Aktivität werden Sie um" in before
    page.fill("#current", "halb getippt")
    dialog = page.locator("#session-warning")
    assert not dialog.is_visible()

    page.clock.fast_forward("27:50")
    assert not dialog.is_visible()
    page.clock.fast_forward("00:20")  # 28:10: less than two minutes left
    assert dialog.is_visible()
    assert "Ohne Aktivität werden Sie um" in page.inner_text("#session-warning-text")
    focused = page.evaluate("document.activeElement.dataset.action")
    assert focused == "extend"  # the way out is where the keyboard is
    with page.expect_response("**/account/session") as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    page.wait_for_function("!document.getElementById('session-warning').open")
    assert page.input_value("#current") == "halb getippt"
    assert page.evaluate("document.activeElement.id") == "current"  # focus returns

    page.clock.fast_forward("27:00")  # counted again from the extension
    assert not dialog.is_visible()
    page.clock.fast_forward("03:05")  # past the end without extending
    assert dialog.is_visible()
    assert "Sie wurden abgemeldet" in page.inner_text("#session-warning-text")
    assert page.locator("[data-action=extend]").is_hidden()
    assert page.input_value("#current") == "halb getippt"
    ctx.close()
