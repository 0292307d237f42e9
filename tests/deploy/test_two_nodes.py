"""Several nodes (issue 13, item 6; docs/deploy.md, "Several nodes on PostgreSQL"): two
`ikzsurvey serve` nodes with instance folders of their own on one PostgreSQL database, Redis
for sessions (db 10) and rate limits (db 11), the same secret key. PostgreSQL only: deselected
in the SQLite pass (tests/conftest.py)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest
import redis

from ..browser.conftest import chromium_path
from ..browser.helpers import fill_page_by_mouse, send
from .servers import base_environment, free_port, own_database, prepare_demo, serve

pytestmark = [pytest.mark.slow, pytest.mark.postgresql]

SESSIONS = "redis://127.0.0.1:6379/10"
RATE_LIMITS = "redis://127.0.0.1:6379/11"
CACHE_SECONDS = 1.0  # IKZSURVEY_RESPONDENT_CACHE_SECONDS, the documented delay
MARGIN = 1.5  # seconds: polling, a request's own time, two workers per node


def flush_rate_limits() -> None:
    redis.Redis.from_url(RATE_LIMITS).flushdb()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    """Two nodes (base URLs) and the demo they serve."""
    chromium_path()
    folder = tmp_path_factory.mktemp("two-nodes")
    for url in (SESSIONS, RATE_LIMITS):
        redis.Redis.from_url(url).flushdb()
    ports = [free_port(), free_port()]
    with own_database("nodes", folder / "shared") as database:
        envs = []
        for number, _port in enumerate(ports):
            instance = folder / f"node{number}"
            envs.append(base_environment(
                instance, database, f"http://127.0.0.1:{ports[0]}",
                IKZSURVEY_SESSION_REDIS_URL=SESSIONS, IKZSURVEY_RATELIMIT_STORAGE_URL=RATE_LIMITS,
                IKZSURVEY_SESSION_COOKIE_SECURE="false",  # plain HTTP on 127.0.0.1
                IKZSURVEY_RESPONDENT_CACHE_SECONDS=str(CACHE_SECONDS)))
        demo = prepare_demo(envs[0], folder)
        with serve(folder, envs[0], ports[0]) as first, serve(folder, envs[1], ports[1]) as second:
            yield (first, second), demo


@pytest.fixture(scope="module")
def chromium(chromium_browser):
    return chromium_browser


@pytest.fixture
def page(chromium, nodes):
    # Cookies belong to the host, not the port: both nodes see one browser's session.
    context = chromium.new_context(locale="de-DE")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def path_of(url: str) -> str:
    """The path of an absolute URL (a path stays as it is)."""
    return "/" + url.split("/", 3)[3] if "://" in url else url


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_respondent_alternates_between_the_nodes_page_by_page(page, nodes):
    flush_rate_limits()
    (first, second), demo = nodes
    key_path = next(iter(demo["open_links"].values()))
    page.goto(first + path_of(key_path))
    page.click("main a.button")
    served = []
    for number in range(30):
        if "/survey/page/" not in page.url:
            break
        node = (first, second)[number % 2]
        page.goto(node + path_of(page.url))  # the same page, from the other node
        assert "/survey/page/" in page.url, page.url
        served.append(node)
        fill_page_by_mouse(page)
        send(page)
    assert page.url.endswith("/survey/thanks"), page.url
    assert page.inner_text("h1") == "Vielen Dank für Ihre Teilnahme!"
    assert {first, second} <= set(served) and len(served) >= 4


def test_an_organizer_signs_in_on_one_node_and_goes_on_on_the_other(page, nodes):
    """…and switching an open link off there reaches the first node within the delay."""
    flush_rate_limits()
    (first, second), demo = nodes
    page.goto(first + "/login")
    page.fill("#email", demo["admin"]["email"])
    page.fill("#password", demo["admin"]["password"])
    page.click("form.narrow button[type=submit]")
    page.wait_for_url("**/results/")
    page.goto(f"{second}/organize/surveys/{demo['survey']}/")
    assert "/login" not in page.url and page.locator("#links-heading").count() == 1

    key_path = path_of(list(demo["open_links"].values())[-1])
    assert status(first + key_path) == 200  # read (and kept) by the first node
    row = page.locator(f"tr:has(code:has-text('{key_path}'))")
    assert status(first + key_path) == 200, "switched off before the change"
    with page.expect_navigation():
        row.locator("button").click()
    changed = time.monotonic()
    assert row.locator("code").count() == 0, "the link is not off on the second node"
    while status(first + key_path) == 200:
        assert time.monotonic() - changed < CACHE_SECONDS + MARGIN, "change not seen in time"
        time.sleep(0.1)
    assert status(second + key_path) != 200


def test_a_rate_limit_counts_across_both_nodes(nodes):
    """60 link openings a minute per address (ikzsurvey.security), whichever node answers."""
    flush_rate_limits()
    (first, second), demo = nodes
    key_path = path_of(next(iter(demo["open_links"].values())))
    answers = [status((first, second)[n % 2] + key_path) for n in range(61)]
    assert answers[:60] == [200] * 60, answers
    assert answers[60] == 429, answers[60]
    assert status(first + key_path) == 429 and status(second + key_path) == 429
