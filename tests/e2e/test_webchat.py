"""The web chat in a real browser (Debian's chromium driven by Playwright) against `binhdan serve`
with no configuration: the bundled knowledge base, the default embedder, SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.helpers_browser import ARTIFACTS, MISSING, browser_fixture  # noqa: F401  (the browser fixture)
from tests.fakes import free_port
from tests.serve_process import ServeProcess

pytestmark = [pytest.mark.slow, pytest.mark.skipif(MISSING, reason="chromium is not installed")]


@pytest.fixture(scope="module")
def server(bundled_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    tmp = tmp_path_factory.mktemp("serve")
    srv = ServeProcess(bundled_env, free_port(), tmp / "serve.log").start()
    yield srv
    srv.stop()


@pytest.mark.parametrize("width,height,name", [(360, 740, "phone"), (1280, 800, "desktop")])
def test_unaccented_question_gets_the_guide_and_buttons_work(server: ServeProcess, browser, width: int,  # type: ignore[no-untyped-def]
                                                             height: int, name: str) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(server.url + "/")
        page.wait_for_selector("text=Xin chào", timeout=20_000)
        page.fill("#text", "quen mat khau vneid")
        page.press("#text", "Enter")
        answer = page.locator(".msg.bot", has_text="Quên mật khẩu").last
        answer.wait_for(timeout=30_000)
        assert "1." in answer.inner_text()
        link = answer.locator("a")
        assert "Quên mật khẩu VNeID" in link.inner_text()
        assert link.get_attribute("href", timeout=5_000).startswith("http")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"webchat-answer-{name}.png"), full_page=True)

        page.locator(".buttons button", has_text="Hữu ích").last.click()
        page.wait_for_selector("text=Cảm ơn bạn đã góp ý", timeout=20_000)

        page.click("#bigtext")
        assert page.evaluate("document.documentElement.className") == "big"
        page.locator(".buttons button", has_text="Danh mục").last.click() if page.locator(
            ".buttons button", has_text="Danh mục").count() else None
        page.screenshot(path=str(ARTIFACTS / f"webchat-large-text-{name}.png"), full_page=True)
    finally:
        page.close()


def test_page_loads_nothing_from_outside(server: ServeProcess, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url + "/")
    page.wait_for_selector("text=Xin chào", timeout=20_000)
    assert requests and all(u.startswith(server.url) for u in requests)
    page.close()


def test_too_fast_says_how_long_to_wait_and_keeps_the_text(bundled_env: dict[str, str], browser,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    """Over the per-citizen limit the server answers 429; the page shows its "wait N seconds" message (not
    "network problem") and puts the unsent question back in the box, so the citizen need not retype it."""
    from playwright.sync_api import expect

    env = {**bundled_env, "BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE": "3"}
    srv = ServeProcess(env, free_port(), tmp_path / "serve.log").start()
    page = browser.new_page(viewport={"width": 360, "height": 740})
    try:
        page.goto(srv.url + "/")
        page.wait_for_selector("text=Xin chào", timeout=20_000)  # the greeting is message 1 of 3
        for q in ("cccd la gi", "vneid la gi"):
            page.fill("#text", q)
            page.press("#text", "Enter")
            expect(page.locator(".msg.wait")).to_have_count(0, timeout=30_000)
        page.fill("#text", "quen mat khau vneid")
        page.press("#text", "Enter")
        notice = page.locator(".msg.bot", has_text="Bạn gửi nhanh quá").last
        notice.wait_for(timeout=20_000)
        assert "giây" in notice.inner_text()
        assert page.locator(".msg.bot", has_text="Mạng chậm").count() == 0
        assert page.input_value("#text") == "quen mat khau vneid"
    finally:
        page.close()
        srv.stop()
