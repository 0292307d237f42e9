"""Screenshots of the key pages for the documentation, taken in German: docs/screenshots/."""

from __future__ import annotations

from .conftest import new_context
from .helpers import SCREENSHOTS, fill_page_by_mouse, send

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 640}


def shoot(page, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_screenshots_of_the_key_pages(browser, site, staff_context):
    desktop = new_context(browser, viewport=DESKTOP)
    page = desktop.new_page()
    page.goto(site(site.demo_links["Wiesenbach / citizens"]))
    shoot(page, "welcome")
    page.click(".easy-link a")
    shoot(page, "plain-language")

    page.goto(site(site.sample_link))
    page.click("a.button")
    send(page)
    shoot(page, "validation-errors")
    fill_page_by_mouse(page)
    send(page)
    send(page)
    assert page.url.endswith("/survey/thanks")
    shoot(page, "thank-you")
    desktop.close()

    phone = new_context(
        browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.goto(site(site.demo_links["Wiesenbach / employees"]))
    page.click("a.button")
    shoot(page, "question-page-phone", full_page=False)
    phone.close()

    viewer = staff_context("viewer", viewport=DESKTOP).new_page()
    viewer.goto(site(f"/results/{site.demo_survey_id}/"))
    shoot(viewer, "dashboard", full_page=False)
    organizer = staff_context("organizer", viewport=DESKTOP).new_page()
    organizer.goto(site("/organize/"))
    shoot(organizer, "organizer-overview", full_page=False)

    names = sorted(p.name for p in SCREENSHOTS.glob("*.png"))
    for name in (
        "welcome",
        "question-page-phone",
        "validation-errors",
        "thank-you",
        "dashboard",
        "organizer-overview",
    ):
        assert f"{name}.png" in names
