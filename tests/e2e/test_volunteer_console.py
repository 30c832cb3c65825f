"""The volunteers' console (`/volunteer`) in a real browser (Debian's chromium via Playwright) against the
real app on 127.0.0.1 (fake embedder, the test knowledge base): log in, see a citizen's ticket in the
live queue, claim it, read its context, reply — and the citizen receives the reply in the web chat."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bootstrap import build_accounts, ingest
from bot.retrieval.embedders import FakeEmbedder
from bot.web.app import create_app
from tests.conftest import make_settings
from tests.fakes import ServerThread, wait_for
from tests.webchat import post_chat, session_for, updates

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MISSING = not Path(CHROMIUM).exists() and os.environ.get("BINHDAN_REQUIRE_BROWSER") != "1"
pytestmark = pytest.mark.skipif(MISSING, reason="chromium is not installed")
PW = "mat-khau-rat-dai-2026"


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.mark.parametrize("width,height,name", [(360, 740, "phone"), (1280, 800, "desktop")])
def test_volunteer_claims_and_replies_in_the_browser(tmp_path: Path, mini_kb: Path, browser, width: int,  # type: ignore[no-untyped-def]
                                                     height: int, name: str) -> None:
    s = make_settings(tmp_path, BINHDAN_HANDOFF__HOURS="00:00-23:59")
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    build_accounts(s).add_user("lan", PW, role="volunteer", communes=["02269"], display_name="Lan")
    with ServerThread(create_app(s)) as app:
        chat = f"{app.url}/api/chat"
        post_chat(chat, "citizen-e2e-1", json={"text": "/start 02269"})
        post_chat(chat, "citizen-e2e-1", json={"text": "quen mat khau vneid"})
        post_chat(chat, "citizen-e2e-1", json={"text": "toi muon gap nguoi that"})
        page = browser.new_page(viewport={"width": width, "height": height})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(app.url + "/volunteer")
        page.fill("#username", "lan")
        page.fill("#password", "sai-mat-khau-1234")
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("text=Sai tên đăng nhập hoặc mật khẩu", timeout=10_000)
        page.fill("#password", PW)
        page.click("#login-form button[type=submit]")
        item = page.locator("#queue li", has_text="#1")
        item.wait_for(timeout=15_000)
        assert "Xã Thượng Lâm" in item.inner_text()
        item.click()
        page.wait_for_selector("#t-summary:has-text('quen mat khau vneid')", timeout=10_000)
        page.click("#claim")
        page.wait_for_selector("#reply-form:not([hidden])", timeout=10_000)
        page.fill("#reply-text", "Chào bác, cháu là Lan, cháu giúp bác nhé.")
        page.click("#reply-form button[type=submit]")
        page.wait_for_selector(".m.volunteer", timeout=10_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"volunteer-console-{name}.png"), full_page=True)

        got: list[str] = []

        def poll() -> bool:
            r = updates(app.url, session_for(app.url, "citizen-e2e-1"), wait=1)
            got.extend(x["text"] for x in r.json()["replies"])
            return any(t.startswith("👤 Lan: Chào bác") for t in got)

        wait_for(poll, timeout=20)
        assert any("Tình nguyện viên Lan đã nhận" in t for t in got)

        page.once("dialog", lambda d: d.accept())  # "give ticket #1 back?" — yes
        page.click("#release")
        page.wait_for_selector("#ticket", state="hidden", timeout=10_000)
        page.locator("#queue li", has_text="Chờ nhận").first.wait_for(timeout=15_000)  # open again
        wait_for(lambda: any("Lan phải dừng hỗ trợ" in x["text"] for x in updates(
            app.url, session_for(app.url, "citizen-e2e-1"), wait=1).json()["replies"]), timeout=20)
        assert not [e for e in errors if "Content Security Policy" in e]
        page.close()
