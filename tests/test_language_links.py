"""The language switch never leaves the site: its links are a query only (``?lang=…``).

Built from the request's path, the link on the 404 page for ``/%5Cevil.example/x`` was
``/\\evil.example/x?lang=en``, which Chromium follows to ``http://evil.example/x``.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest

HREF = re.compile(r'<a [^>]*href="([^"]*)"')
LANGUAGE_LINK = re.compile(r'<a href="([^"]*)" lang="(de|en)" hreflang="\2"')


def stays_on_the_site(href: str) -> bool:
    """Where a browser goes: a query, a fragment, or a path of one leading slash (browsers
    read a backslash as a slash)."""
    href = href.replace("\\", "/")
    if href.startswith(("?", "#")):
        return True
    return href.startswith("/") and not href.startswith("//")


@pytest.mark.parametrize("path", ["/%5Cevil.example/x", "/%5C%5Cevil.example", "//evil.example",
                                  "/\\evil.example/x", "/%2F%2Fevil.example/x", "/nothing"])
def test_no_link_on_a_404_page_leaves_the_site(app, path):
    response = app.test_client().get("/", environ_overrides={
        "PATH_INFO": path.replace("%5C", "\\").replace("%2F", "/"),
        "RAW_URI": path, "REQUEST_URI": path})

    page = response.get_data(as_text=True)
    hrefs = [unescape(h) for h in HREF.findall(page)]
    assert response.status_code == 404
    assert len(LANGUAGE_LINK.findall(page)) == 1  # the other language
    assert hrefs and all(stays_on_the_site(h) for h in hrefs), hrefs
    for href in hrefs:  # resolved as a browser resolves it against the page's address
        target = urljoin(f"http://umfrage.example.org{path}", href.replace("\\", "/"))
        assert urlsplit(target).netloc == "umfrage.example.org", (href, target)


@pytest.mark.parametrize("path", ["/", "/accessibility", "/login", "/results/?wave=2"])
def test_language_links_keep_the_page_and_its_other_arguments(app, path):
    page = app.test_client().get(path, follow_redirects=True).get_data(as_text=True)

    links = dict((code, unescape(href)) for href, code in LANGUAGE_LINK.findall(page))

    assert list(links) == ["en"]  # German is the default; the switch offers English
    assert links["en"].startswith("?") and "lang=en" in links["en"]


def test_the_language_link_keeps_the_query(app):
    page = app.test_client().get("/login?next=/results/&lang=de").get_data(as_text=True)

    links = {code: unescape(href) for href, code in LANGUAGE_LINK.findall(page)}

    assert links == {"en": "?next=%2Fresults%2F&lang=en"}
