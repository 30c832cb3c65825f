"""Issue 25, finding 2 (open redirect) against the real server and in Chromium: `/login?next=…` never sends
the browser off-site, however `next` is disguised; a plain same-site path still works."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pytest

from bot.bootstrap import build_accounts, ingest
from bot.retrieval.embedders import FakeEmbedder
from bot.web.app import create_app
from tests.conftest import make_settings
from tests.fakes import ServerThread
from tests.redirect_cases import OPEN_REDIRECTS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MISSING = not Path(CHROMIUM).exists() and os.environ.get("BINHDAN_REQUIRE_BROWSER") != "1"
PW = "mat-khau-rat-dai-2026"
# what an attacker puts in a link: the raw query value (already percent-encoded where it says so)
LINKS = [quote(v, safe="%:/\\") for v in OPEN_REDIRECTS if v] + ["%2F%09%2Fevil.example", "/%09/evil.example",
                                                                 "%2F%5Cevil.example", "https:%2F%2Fevil.example"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    tmp = tmp_path_factory.mktemp("redir")
    kb = Path(__file__).resolve().parents[1] / "data" / "mini_kb"
    s = make_settings(tmp, BINHDAN_SERVER__RUN_WORKERS="false", BINHDAN_AUTH__LOGIN_ATTEMPTS_PER_MINUTE="200")
    ingest(s, embedder=FakeEmbedder(), paths=[kb])
    build_accounts(s).add_user("bientap", PW, role="editor")
    with ServerThread(create_app(s)) as srv:
        yield srv


def test_the_server_drops_every_off_site_next(server: ServerThread) -> None:
    assert len(LINKS) >= 20
    for link in LINKS:
        r = httpx.get(f"{server.url}/login?next={link}")
        assert r.status_code == 303 and r.headers["location"] == "/login", link
    r = httpx.get(f"{server.url}/login?next=%2Fadmin%2Fkb")
    assert r.status_code == 200 and "login-form" in r.text


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if MISSING:
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def _log_in_with_next(browser, server: ServerThread, link: str, *, bypass_server_check: bool) -> str:  # type: ignore[no-untyped-def]
    """Open /login?next=<link>, log in, and return the URL the page went to."""
    page = browser.new_page()
    try:
        here = urlsplit(server.url).netloc
        # anything off-site is answered here, so a wrong redirect is seen (and never leaves the machine)
        page.route(lambda url: urlsplit(url).netloc != here,
                   lambda route: route.fulfill(status=200, body="EVIL", content_type="text/html"))
        if bypass_server_check:  # the page as an older or misconfigured server would hand it out: JS alone
            html = httpx.get(f"{server.url}/login").text
            page.route("**/login?*", lambda route: route.fulfill(status=200, body=html, content_type="text/html"))
        page.goto(f"{server.url}/login?next={link}")
        page.fill("#username", "bientap")
        page.fill("#password", PW)
        # "commit": the address the script sent the page to, once its response starts (a server-side redirect
        # is followed first); the admin console's own scripts and API calls do not need to finish loading
        with page.expect_navigation(timeout=10_000, wait_until="commit"):
            page.click("#login-form button[type=submit]")
        return str(page.url)
    finally:
        page.close()


def test_login_page_script_never_follows_an_off_site_next(server: ServerThread, browser) -> None:  # type: ignore[no-untyped-def]
    for link in LINKS:
        went = _log_in_with_next(browser, server, link, bypass_server_check=True)
        assert went == f"{server.url}/admin/kb", (link, went)  # the editor's home


def test_login_goes_back_to_a_same_site_page_and_drops_a_hostile_one(server: ServerThread, browser) -> None:  # type: ignore[no-untyped-def]
    assert _log_in_with_next(browser, server, "%2Fadmin%2Ffaq", bypass_server_check=False) == f"{server.url}/admin/faq"
    went = _log_in_with_next(browser, server, "%2F%09%2Fevil.example", bypass_server_check=False)
    assert went == f"{server.url}/admin/kb"
