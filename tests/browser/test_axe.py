"""axe-core finds no WCAG 2.1 A/AA violation on any page, in German and in English."""

from __future__ import annotations

import pytest

from .helpers import (
    axe_violations,
    fill_page_by_mouse,
    links_told_by_colour_only,
    send,
    skipped_heading_levels,
    unlabelled_controls,
)

LANGUAGES = ["de", "en"]
EASY_TITLES = {"de": "Die Befragung in Leichter Sprache", "en": "The survey in plain English"}


def check(page, name, lang, found):
    assert page.evaluate("document.documentElement.lang") == lang, f"{name}: not in {lang}"
    found += axe_violations(page, f"{name} [{lang}]")
    found += [f"{name} [{lang}]: heading {p}" for p in skipped_heading_levels(page)]
    found += [f"{name} [{lang}]: no label: {c}" for c in unlabelled_controls(page)]
    found += [f"{name} [{lang}]: link by colour only: {a}" for a in links_told_by_colour_only(page)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_respondent_pages_have_no_wcag_violations(browser, site, lang):
    from .conftest import new_context

    found: list[str] = []
    ctx = new_context(browser)
    page = ctx.new_page()
    # The language chosen once with ?lang= stays for the whole journey (a cookie).
    page.goto(site(f"/accessibility?lang={lang}"))
    check(page, "accessibility statement", lang, found)
    page.goto(site("/"))
    check(page, "start page", lang, found)
    page.goto(site("/easy"))
    assert page.inner_text("h1") == EASY_TITLES[lang]
    check(page, "plain language page", lang, found)
    page.goto(site(site.used_invitation))
    check(page, "already answered", lang, found)
    page.goto(site("/t/not-a-valid-token-at-all-000000"))
    check(page, "invalid link", lang, found)
    page.goto(site("/login"))
    check(page, "sign-in", lang, found)
    page.fill("#email", "nobody@example.org")
    page.fill("#password", "wrong")
    page.click("form.narrow button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    check(page, "sign-in failed", lang, found)

    # The survey with every built-in kind of question: welcome, both pages, errors, thanks.
    page.goto(site(site.sample_link))
    check(page, "welcome with privacy notice", lang, found)
    page.click("a.button")
    check(page, "question page 1 (Likert with don't know, single choice)", lang, found)
    send(page)
    assert page.locator(".error-summary li").count() == 2
    check(page, "question page 1 with errors", lang, found)
    fill_page_by_mouse(page)
    send(page)
    check(page, "question page 2 (multiple choice, number, free text)", lang, found)
    page.fill("input[inputmode=numeric]", "500")
    for box in page.query_selector_all("main input[type=checkbox]"):
        box.check()
    send(page)
    assert page.locator(".error-summary li").count() == 2
    check(page, "question page 2 with errors", lang, found)
    page.fill("input[inputmode=numeric]", "30")
    page.uncheck("main input[type=checkbox] >> nth=2")
    send(page)
    assert page.url.endswith("/survey/thanks")
    check(page, "thank-you", lang, found)

    # The demo: its first page.
    page.goto(site(site.demo_links["Bergheim / citizens"]))
    check(page, "demo welcome", lang, found)
    page.click("a.button")
    check(page, "demo question page 1", lang, found)
    ctx.close()
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_staff_pages_have_no_wcag_violations(staff_context, site, lang):
    found: list[str] = []
    sid = site.demo_survey_id
    viewer = staff_context("viewer").new_page()
    viewer.goto(site(f"/results/?lang={lang}"))
    check(viewer, "results list", lang, found)
    for name, path in [
        ("dashboard (viewer)", f"/results/{sid}/"),
        ("item page", f"/results/{sid}/questions/success-factors/support-mayors-importance"),
        ("item page, single choice", f"/results/{sid}/questions/shared-goals/main-reason"),
        ("free-text answers", f"/results/{sid}/questions/shared-goals/why"),
        ("change password", "/account/password"),
        ("public summary", f"/public/{sid}/waves/2/"),
    ]:
        viewer.goto(site(path))
        check(viewer, name, lang, found)

    organizer = staff_context("organizer").new_page()
    organizer.goto(site(f"/organize/?lang={lang}"))
    check(organizer, "organizer overview", lang, found)
    for name, path in [
        ("survey page", f"/organize/surveys/{sid}/"),
        ("survey settings", f"/organize/surveys/{sid}/settings"),
        ("new survey", "/organize/surveys/new"),
        ("question set preview", "/organize/question-sets/success-factors/1"),
        ("audit log", "/organize/audit"),
        ("API tokens", "/organize/tokens"),
        ("dashboard (organizer)", f"/results/{sid}/"),
        ("comments review", f"/results/{sid}/comments"),
        ("comments review, released", f"/results/{sid}/comments?status=released"),
    ]:
        organizer.goto(site(path))
        check(organizer, name, lang, found)
    organizer.goto(site(f"/organize/surveys/{sid}/settings"))
    organizer.fill("#title_de", "")
    organizer.click("form button[type=submit] >> text=/Speichern|Save/")
    assert organizer.locator(".error-summary").count() == 1
    check(organizer, "survey settings with errors", lang, found)
    assert found == [], "\n".join(found)


def test_the_audit_reports_a_known_violation(page):
    """The checks above pass because the pages are right, not because axe did not run."""
    page.set_content(
        '<html><body><main><img src="data:,"><input type="text">'
        '<h1>Title</h1><h3>Too deep</h3><a href="#x">colour only</a></main>'
        "<style>a { text-decoration: none }</style></body></html>"
    )
    found = "\n".join(axe_violations(page, "bad page"))
    for rule in ("html-has-lang", "image-alt", "label"):
        assert f"bad page: {rule} " in found, found
    assert skipped_heading_levels(page) == ["h1 → h3"]
    assert len(unlabelled_controls(page)) == 1
    assert len(links_told_by_colour_only(page)) == 1
