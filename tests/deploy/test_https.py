"""HTTPS end to end (issue 13, item 1): the real `ikzsurvey serve` (gunicorn, 2 workers) over
TLS with a throwaway certificate, and once more on plain HTTP behind Debian's nginx
terminating TLS — the set-ups of docs/deploy.md — driven by Debian's Chromium.

Before the fix every POST over HTTPS answered 400 "Das Formular ist abgelaufen": the policy
``no-referrer`` left Chromium sending no Referer, which Flask-WTF's strict check demanded.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import trustme

from ..browser.conftest import chromium_path
from ..browser.helpers import fill_page_by_mouse, send
from .servers import (
    base_environment,
    client_context,
    free_port,
    nginx,
    own_database,
    prepare_demo,
    serve,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["gunicorn-tls", "nginx-proxy"])
def deployment(request, tmp_path_factory):
    """The demo served over HTTPS one way or the other: (public URL, demo info)."""
    chromium_path()
    folder = tmp_path_factory.mktemp(request.param)
    instance = folder / "instance"
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_pem, key_pem = folder / "cert.pem", folder / "key.pem"
    cert.cert_chain_pems[0].write_to_path(cert_pem)
    cert.private_key_pem.write_to_path(key_pem)
    context = client_context(ca)
    port = free_port()
    public = f"https://127.0.0.1:{port}"
    with own_database("https", instance) as database:
        if request.param == "gunicorn-tls":
            env = base_environment(instance, database, public)
            demo = prepare_demo(env, folder)
            with serve(folder, env, port, "--certfile", str(cert_pem), "--keyfile",
                       str(key_pem), context=context) as url:
                assert url == public
                yield public, demo
        else:
            backend = free_port()
            env = base_environment(instance, database, public,
                                   IKZSURVEY_FORWARDED_ALLOW_IPS="127.0.0.1")
            demo = prepare_demo(env, folder)
            with serve(folder, env, backend), nginx(folder, port, backend, cert_pem, key_pem,
                                                     context=context) as url:
                assert url == public
                yield public, demo


@pytest.fixture(scope="module")
def chromium(chromium_browser):
    return chromium_browser


@pytest.fixture
def page(chromium, deployment):
    # The certificate is the test's own: Chromium is told to accept it for this profile.
    context = chromium.new_context(locale="de-DE", ignore_https_errors=True,
                                   accept_downloads=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def complete_survey(page) -> None:
    page.click("main a.button")  # "Befragung starten"
    for _ in range(30):
        if "/survey/page/" not in page.url:
            break
        fill_page_by_mouse(page)
        send(page)
    assert page.url.endswith("/survey/thanks"), page.url
    assert page.inner_text("h1") == "Vielen Dank für Ihre Teilnahme!"


def sign_in(page, public: str, account: dict) -> None:
    page.goto(public + "/login")
    page.fill("#email", account["email"])
    page.fill("#password", account["password"])
    page.click("form.narrow button[type=submit]")
    page.wait_for_url("**/results/")


def test_a_respondent_completes_the_survey_through_an_invitation_link(page, deployment):
    public, demo = deployment
    link = demo["invitation_links"][0]
    assert link.startswith(public + "/t/")
    page.goto(link)
    assert page.url == public + "/survey/", "the token must leave the address bar"
    page.go_back()
    assert "/t/" not in page.url, "going back must not lead to the token"
    page.goto(public + "/survey/")
    complete_survey(page)


def test_a_respondent_completes_the_survey_through_an_open_link(page, deployment):
    public, demo = deployment
    link = next(iter(demo["open_links"].values()))
    page.goto(link if link.startswith("https://") else public + link)
    complete_survey(page)


def test_an_organizer_signs_in_creates_invitations_and_signs_out(page, deployment):
    public, demo = deployment
    sign_in(page, public, demo["admin"])
    page.goto(f"{public}/organize/surveys/{demo['survey']}/")
    form = page.locator("form[action$='/invitations']")
    form.locator("input[name=count]").fill("2")
    with page.expect_download() as download:
        form.locator("button[type=submit]").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content, newline=""),
                           delimiter=";" if ";" in content.splitlines()[0] else ","))
    links = [row[-1] for row in rows[1:]]
    assert links and all(link.startswith(public + "/t/") for link in links), rows[:3]
    page.locator("form[action$='/logout'] button").click()
    page.wait_for_load_state()
    page.goto(public + "/results/")
    assert "/login" in page.url, page.url


def test_a_viewer_downloads_an_export(page, deployment):
    public, demo = deployment
    sign_in(page, public, demo["viewer"])
    page.goto(f"{public}/results/{demo['survey']}/")
    with page.expect_download() as download:
        page.locator("a[href*='/export.csv']").first.click()
    assert download.value.suggested_filename.endswith(".csv")
    assert Path(download.value.path()).read_bytes().strip()
