"""The announcement and class pages in a real browser (Debian's chromium via Playwright) against the real app,
on a desktop and on a 360×640 phone screen: an editor counts the audience, schedules an announcement,
is refused a link off the official list, pauses and cancels it; a volunteer publishes a class from the phone,
marks attendance and opens the class report."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import build_outreach
from tests.integration.admin_helpers import PW, THUONG_LAM, admin_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MISSING = not Path(CHROMIUM).exists() and os.environ.get("BINHDAN_REQUIRE_BROWSER") != "1"
pytestmark = pytest.mark.skipif(MISSING, reason="chromium is not installed")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def _page(browser: Any, width: int, height: int) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "422" not in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


def _login(page: Any, url: str, path: str, username: str) -> None:
    page.goto(url + path)
    page.wait_for_selector("#login-form")
    page.fill("#username", username)
    page.fill("#password", PW)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda u: u.endswith(path), timeout=15_000)


def _fits(page: Any, width: int) -> bool:
    return bool(page.evaluate(f"document.documentElement.scrollWidth <= {width}"))


@pytest.mark.parametrize("size", [(1280, 800), (360, 640)])
def test_editor_schedules_pauses_and_cancels_an_announcement(tmp_path: Path, mini_kb: Path, browser: Any,
                                                              size: tuple[int, int]) -> None:
    s, _app, server = admin_app(tmp_path, f"sqlite:///{tmp_path / 'e2e.db'}", mini_kb)
    outreach = build_outreach(s)
    for ref, topics in (("501", {"scam"}), ("502", {"scam", "classes"}), ("503", {"classes"})):
        outreach.subscribe("telegram", ref, topics=frozenset(topics), commune=THUONG_LAM, group="", lang="vi",
                           consent_text="đồng ý", consent_version="t")
    with server as srv:
        page, errors = _page(browser, *size)
        _login(page, srv.url, "/admin/announce", "bientap")
        page.fill("#title", "Cảnh báo cuộc gọi giả")
        page.fill("#text", "Công an không gọi điện yêu cầu chuyển tiền.")
        page.select_option("#topic", "scam")
        page.fill("#communes", THUONG_LAM)
        page.click("#preview")
        page.wait_for_selector("#count.ok")
        assert "Sẽ gửi cho 2 người" in page.inner_text("#count")
        page.click("#add-button")
        page.select_option(".b-kind", "link")
        page.fill(".b-target", "https://vneid-gov.example.com")
        page.fill(".b-title", "Mở trang")
        page.click("#create")
        page.wait_for_selector("#form-status.error")
        assert "trang chính thống" in page.inner_text("#form-status")
        page.fill(".b-target", "https://dichvucong.gov.vn")
        tomorrow = (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(days=1)).strftime("%Y-%m-%dT23:30")
        page.fill("#send-at", tomorrow)
        page.click("#create")
        page.wait_for_selector("#form-status.ok")
        page.wait_for_selector(".campaign >> text=Đã lên lịch")
        # 23:30 is quiet time: moved to 06:00 the next morning
        assert "06:00:00" in page.inner_text(".campaign .note")
        assert _fits(page, size[0])
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"announce-{size[0]}.png"), full_page=True)
        page.click(".campaign >> text=Tạm dừng")
        page.wait_for_selector(".campaign .note >> text=Tạm dừng")
        page.click(".campaign button.danger")
        page.wait_for_selector(".campaign .note >> text=Đã hủy")
        assert not errors, errors


def test_volunteer_publishes_a_class_marks_attendance_and_reads_the_report_on_a_phone(
        tmp_path: Path, mini_kb: Path, browser: Any) -> None:
    s, _app, server = admin_app(tmp_path, f"sqlite:///{tmp_path / 'e2e.db'}", mini_kb)
    outreach = build_outreach(s)
    with server as srv:
        page, errors = _page(browser, 360, 640)
        _login(page, srv.url, "/admin/classes", "lan")
        page.click("summary >> text=Thêm một lớp")
        page.fill("#c-title", "Dùng VNeID an toàn")
        page.fill("#c-commune", THUONG_LAM)
        page.fill("#c-seats", "2")
        page.fill("#c-place", "Nhà văn hóa xã")
        day = (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(days=2)).strftime("%Y-%m-%d")
        page.fill("#c-start", f"{day}T08:00")
        page.fill("#c-end", f"{day}T10:00")
        page.click("#new-class button[type=submit]")
        page.wait_for_selector("#status.ok")
        [c] = outreach.list_classes()
        for ref, group in (("601", "cao_tuoi"), ("602", "lao_dong"), ("603", "cao_tuoi")):
            outreach.register(c.id, "telegram", ref, lang="vi", commune=THUONG_LAM, group=group)
        page.reload()
        page.wait_for_selector("#classes .open-class")
        assert "2/2" in page.inner_text("#classes")
        page.click("#classes .open-class")
        page.wait_for_selector("#detail li.reg")
        page.check("#detail li.reg input >> nth=0")
        page.wait_for_selector("#status.ok")
        page.click("#show-report")
        page.wait_for_selector("#report >> text=có mặt 1")
        assert "Người cao tuổi: 1 đăng ký, 1 có mặt" in page.inner_text("#report")
        assert _fits(page, 360)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "classes-360.png"), full_page=True)
        assert not errors, errors
