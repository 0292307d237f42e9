"""What the browser tests share: running axe-core, keyboard focus checks, respondent steps."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

#: WCAG 2.1 level A and AA (BITV 2.0 refers to them through EN 301 549).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

_axe = Axe()


def axe_violations(page, name: str) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe-core finds on the page, one readable line each."""
    results = _axe.run(page, options=AXE_OPTIONS)
    found = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            found.append(
                f"{name}: {violation['id']} ({violation['impact']}) "
                f"{', '.join(map(str, node['target']))}: {node['failureSummary']}"
            )
    return found


FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), type: el.type || null, id: el.id || null,
          name: el.getAttribute('name'), text: (el.innerText || el.value || '').trim().slice(0, 60),
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
          shadow: style.boxShadow !== 'none'};
}"""


def focused(page) -> dict | None:
    """The focused element and whether its focus is visible (an outline or a box-shadow)."""
    return page.evaluate(FOCUS_STYLE)


def assert_focus_visible(page) -> dict:
    info = focused(page)
    assert info is not None, f"nothing has focus on {page.url}"
    assert info["outline"] or info["shadow"], f"focus not visible on {info} at {page.url}"
    return info


def no_horizontal_scrolling(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def heading_levels(page) -> list[int]:
    return page.evaluate(
        "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
    )


def skipped_heading_levels(page) -> list[str]:
    """Headings that skip a level (h1 → h3), and pages without exactly one h1."""
    levels = heading_levels(page)
    problems = [] if levels.count(1) == 1 and levels[0] == 1 else [f"h1s: {levels}"]
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            problems.append(f"h{before} → h{after}")
    return problems


UNLABELLED = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button')].filter(el => {
  if (el.tagName === 'BUTTON') return !el.innerText.trim() && !el.getAttribute('aria-label');
  return !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
         && !el.getAttribute('aria-labelledby');
}).map(el => el.outerHTML.slice(0, 120))"""


def unlabelled_controls(page) -> list[str]:
    return page.evaluate(UNLABELLED)


def fill_page_by_mouse(page) -> None:
    """Answer every question on a survey page (not by keyboard: the shortest way on)."""
    page.evaluate("""() => {
      const groups = new Set();
      for (const input of document.querySelectorAll('main input[type=radio]')) {
        if (!groups.has(input.name)) { groups.add(input.name); input.checked = true; }
      }
      for (const input of document.querySelectorAll('main input[type=checkbox]')) {
        if (!groups.has(input.name)) { groups.add(input.name); input.checked = true; }
      }
      for (const input of document.querySelectorAll('main input[inputmode=numeric]')) {
        input.value = '12';
      }
    }""")


def send(page) -> None:
    """Press the page's main button (Next / Send answers) and wait for the next page."""
    with page.expect_navigation():
        page.click("button[name=action][value=next]")


NOT_UNDERLINED = """() => [...document.querySelectorAll('a[href]')].filter(a => {
  if (a.classList.contains('button') || a.classList.contains('skip-link')) return false;
  return !getComputedStyle(a).textDecorationLine.includes('underline');
}).map(a => a.outerHTML.slice(0, 120))"""


def links_told_by_colour_only(page) -> list[str]:
    """Links that differ from the text around them by colour alone (not underlined)."""
    return page.evaluate(NOT_UNDERLINED)


def tab(page, shift: bool = False) -> dict:
    """Press Tab (or Shift+Tab) and return the newly focused element; its focus must show."""
    page.keyboard.press("Shift+Tab" if shift else "Tab")
    return assert_focus_visible(page)


def skip_to_content(page) -> None:
    """The skip link is the first stop on every page and moves focus to the main content."""
    first = tab(page)
    assert "skip-link" in page.evaluate("document.activeElement.className"), first
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def tab_to(page, text: str, limit: int = 40) -> dict:
    """Tab forward until the control with this text has focus (focus visible all the way)."""
    for _ in range(limit):
        info = tab(page)
        if info["text"] == text:
            return info
    raise AssertionError(f"no control {text!r} reached by Tab on {page.url}")


def answer_page_by_keyboard(page, free_text: str = "Gute Idee.") -> int:
    """Answer every question on a survey page with the keyboard alone and send it with Enter.

    Radio groups: Tab into the group, an arrow key picks the next option. Checkbox groups:
    Space ticks the first box. Number fields: type a number. The first text box gets a few
    words. At the Next button, Shift+Tab goes back to the last control and Tab returns.
    Returns the number of questions answered.
    """
    skip_to_content(page)
    answered: set[str] = set()
    typed_text = False
    previous = None
    for _ in range(400):
        info = tab(page)
        kind, name = info["type"], info["name"]
        if kind == "radio" and name not in answered:
            page.keyboard.press("ArrowRight")
            assert_focus_visible(page)
            assert page.evaluate(f"!!document.querySelector('input[name=\"{name}\"]:checked')")
            answered.add(name)
        elif kind == "checkbox" and name not in answered:
            page.keyboard.press("Space")
            assert page.evaluate("document.activeElement.checked")
            answered.add(name)
        elif info["tag"] == "input" and kind == "text" and name not in answered:
            page.keyboard.type("30")
            answered.add(name)
        elif info["tag"] == "textarea" and not typed_text:
            page.keyboard.type(free_text)
            typed_text = True
            answered.add(name)
        elif info["tag"] == "button" and page.evaluate("document.activeElement.value") == "next":
            back = tab(page, shift=True)
            assert (back["tag"], back["name"]) == (previous["tag"], previous["name"]), back
            tab(page)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return len(answered)
        previous = info
    raise AssertionError(f"never reached the Next button on {page.url}")
