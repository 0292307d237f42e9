"""Long German compounds in error summaries and headings wrap at 320 px instead of making the
page scroll sideways (WCAG 1.4.10 Reflow)."""

from __future__ import annotations

import pytest

from .conftest import new_context


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_survey_forms_error_summary_reflows_at_320px(staff_context, site, lang):
    page = staff_context("organizer", viewport={"width": 320, "height": 640}).new_page()
    page.goto(site(f"/organize/surveys/new?lang={lang}"))
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    assert page.locator(".error-summary").count() == 1
    assert page_width(page) <= 320


def test_a_long_compound_in_an_error_summary_wraps_at_320px(browser, site):
    ctx = new_context(browser, viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    page.goto(site("/login?lang=de"))
    # The worst case a translation or an organizer's text can bring: one 40-letter word.
    page.evaluate("""() => {
      const summary = document.createElement('div');
      summary.className = 'error-summary';
      summary.innerHTML = '<h2>Datenschutzfolgenabschätzungsverpflichtung</h2>'
        + '<ul><li><a href="#email">Grundstücksverkehrsgenehmigungszuständigkeit</a></li></ul>';
      document.querySelector('main').prepend(summary);
    }""")
    assert page_width(page) <= 320
    ctx.close()
