"""A respondent in a real browser: the whole demo survey by keyboard alone, in German, on a
desktop and on a 320 px wide phone; and the way validation errors are shown and reached."""

from __future__ import annotations

import re

import pytest

from .conftest import new_context
from .helpers import (
    answer_page_by_keyboard,
    assert_focus_visible,
    fill_page_by_mouse,
    send,
    skip_to_content,
    tab_to,
)


def no_horizontal_scrolling(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 320], ids=["desktop", "320px"])
def test_a_respondent_completes_the_demo_survey_by_keyboard_alone(browser, site, width):
    ctx = new_context(browser, viewport={"width": width, "height": 800})
    page = ctx.new_page()
    link = site.demo_links["Tannau / citizens" if width == 320 else "Bergheim / citizens"]
    page.goto(site(link))
    assert page.evaluate("document.documentElement.lang") == "de"
    assert no_horizontal_scrolling(page, width)
    skip_to_content(page)
    tab_to(page, "Befragung starten")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    pages = answered = 0
    while "/survey/page/" in page.url:
        number, total = map(
            int, re.search(r"Seite (\d+) von (\d+)", page.inner_text(".progress")).groups()
        )
        assert number == pages + 1, f"page {number} after {pages} pages: {page.url}"
        if width == 320:
            assert no_horizontal_scrolling(page, width), f"horizontal scrolling on {page.url}"
        answered += answer_page_by_keyboard(page)
        pages += 1
        assert pages <= total

    assert page.url.endswith("/survey/thanks"), page.url
    assert page.inner_text("h1") == "Vielen Dank für Ihre Teilnahme!"
    assert pages == total == 12 and answered >= 70
    if width == 320:
        assert no_horizontal_scrolling(page, width)
    ctx.close()


def error_links(page) -> list[tuple[str, str]]:
    return [
        (a.get_attribute("href"), a.inner_text())
        for a in page.query_selector_all(".error-summary a")
    ]


def assert_fields_point_to_their_messages(page) -> int:
    """Each question with an error: its controls are aria-invalid, and the control or its
    group is described by the error message."""
    checked = 0
    for question in page.query_selector_all(".question-error"):
        message = question.query_selector(".error-message")
        assert message and message.inner_text().strip()
        message_id = message.get_attribute("id")
        described = question.query_selector("fieldset") or question.query_selector(
            "input:not([type=hidden]), textarea"
        )
        assert message_id in (described.get_attribute("aria-describedby") or "").split()
        controls = question.query_selector_all("input:not([type=hidden]), textarea")
        assert controls and all(c.get_attribute("aria-invalid") == "true" for c in controls)
        checked += 1
    return checked


def test_validation_errors_are_announced_and_lead_to_their_fields(browser, site):
    ctx = new_context(browser, viewport={"width": 1024, "height": 600})
    page = ctx.new_page()
    page.goto(site(site.sample_link))
    page.click("a.button")
    send(page)  # page 1 with its two required questions left empty

    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    # autofocus takes effect with the first rendering after load
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    assert_focus_visible(page)
    assert page.title().startswith("Fehler:")
    links = error_links(page)
    assert [href for href, _ in links] == ["#q-trust-0", "#q-owner-0"]
    assert "Ich vertraue den Partnern." in links[0][1]
    assert assert_fields_point_to_their_messages(page) == 2

    for href, _text in links:
        page.evaluate("window.scrollTo(0, 0)")
        page.click(f".error-summary a[href='{href}']")
        assert page.evaluate("document.activeElement.id") == href[1:]
        assert page.locator(href).is_visible()
        in_view = page.evaluate(f"""() => {{
            const r = document.querySelector('{href}').closest('.question').getBoundingClientRect();
            return r.top >= 0 && r.top < window.innerHeight; }}""")
        assert in_view, f"the question of {href} is not scrolled into view"

    # The same by keyboard: Tab from the summary to its first link, Enter.
    page.focus(".error-summary")
    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["tag"] == "a"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "q-trust-0"

    # Page 2: a number out of range and too many choices.
    fill_page_by_mouse(page)
    send(page)
    page.fill("input[inputmode=numeric]", "500")
    for box in page.query_selector_all("main input[type=checkbox]"):
        box.check()
    send(page)
    assert [href for href, _ in error_links(page)] == ["#q-goals-0", "#q-years"]
    assert assert_fields_point_to_their_messages(page) == 2
    page.click(".error-summary a[href='#q-years']")
    assert page.evaluate("document.activeElement.id") == "q-years"
    ctx.close()
