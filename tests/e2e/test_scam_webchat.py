"""The scam checker in the web chat, in a real browser (Debian's chromium, Playwright) against `binhdan serve`
(issue 20): the menu button "Kiểm tra tin nhắn lạ", a pasted scam, the verdict; and the urgent path."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.helpers_browser import ARTIFACTS, MISSING, browser_fixture  # noqa: F401  (the browser fixture)
from tests.fakes import free_port
from tests.serve_process import ServeProcess

pytestmark = [pytest.mark.slow, pytest.mark.skipif(MISSING, reason="chromium is not installed")]
SCAM = ("Tài khoản VNeID của bạn sẽ bị khóa trong 24 giờ do chưa xác thực. Truy cập ngay https://vneid-xacthuc.top "
        "để cập nhật và nhập mã OTP được gửi về máy.")


@pytest.fixture(scope="module")
def server(bundled_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    tmp = tmp_path_factory.mktemp("serve-scam")
    srv = ServeProcess({**bundled_env, "BINHDAN_HANDOFF__HOURS": "00:00-23:59"}, free_port(), tmp / "serve.log").start()
    yield srv
    srv.stop()


def _start_check(page, server: ServeProcess) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    page.wait_for_selector("text=Xin chào", timeout=20_000)
    page.locator(".buttons button", has_text="Kiểm tra tin nhắn lạ").last.click()
    page.locator(".msg.bot", has_text="dán hoặc chuyển tiếp").last.wait_for(timeout=20_000)


def test_menu_button_then_a_pasted_scam_shows_the_verdict(server: ServeProcess, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 360, "height": 740})
    try:
        _start_check(page, server)
        page.fill("#text", SCAM)
        page.press("#text", "Enter")
        # the verdict, not the prompt above it (has_text is case-blind: the prompt says "lừa đảo" too); long
        # replies fold their end under "Xem tiếp", so the whole text is read with text_content()
        verdict = page.locator(".msg.bot", has_text="vneid-xacthuc.top").last
        verdict.wait_for(timeout=30_000)
        text = verdict.text_content() or ""
        assert "LỪA ĐẢO" in text and "1." in text  # the verdict, a reason naming the link, numbered advice
        assert page.locator(".buttons button", has_text="Xem hướng dẫn an toàn").count() >= 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "webchat-scam-verdict.png"), full_page=True)
    finally:
        page.close()


def test_money_already_sent_gets_urgent_advice_and_a_ticket(server: ServeProcess, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        _start_check(page, server)
        page.fill("#text", "Tôi đã chuyển tiền rồi theo tin này: " + SCAM)
        page.press("#text", "Enter")
        page.locator(".msg.bot", has_text="LỪA ĐẢO").last.wait_for(timeout=30_000)
        ticket = page.locator(".msg.bot", has_text="phiếu số").last
        ticket.wait_for(timeout=30_000)
        assert "KHẨN" in ticket.inner_text()
    finally:
        page.close()
