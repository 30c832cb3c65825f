"""Issue 26 in a real browser: the web chat for elderly readers on small phones, against `binhdan serve`
(the test knowledge base, fake embedder, SQLite) in Debian's Chromium.

Sizes: 360×640 and 240×427 with device scale factor 3, each also at 1.5× text. Playwright cannot set a
phone's text-size setting; Chrome on Android applies it by scaling the browser's default font size, and
the DevTools protocol's `Page.setFontSizes` sets that same default (24 px instead of 16 px), so a page sized
in `rem` grows with it and one sized in `px` would not (`tests/e2e/screenshots.py: large_text`)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.storage.db import make_engine
from bot.storage.tables.messaging import InboxRow
from bot.storage.tables.tickets import TicketRow
from tests.e2e.chatserver import CHROMIUM, CHROMIUM_ARGS, chat_server
from tests.e2e.screenshots import ask, large_text, settled
from tests.serve_process import ServeProcess

MISSING = not Path(CHROMIUM).exists() and os.environ.get("BINHDAN_REQUIRE_BROWSER") != "1"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(MISSING, reason="chromium is not installed")]

PHONES = [pytest.param(360, 640, 2, False, id="360x640"), pytest.param(360, 640, 2, True, id="360x640-text150"),
          pytest.param(240, 427, 3, False, id="240x427-dsf3")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServeProcess, str]]:
    tmp = tmp_path_factory.mktemp("chat26")
    with chat_server(tmp, BINHDAN_HANDOFF__HOURS="00:00-23:59") as srv:
        yield srv, f"sqlite:///{tmp / 'web.db'}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def phone(browser: Any, width: int, height: int, dsf: int, big: bool) -> Any:
    ctx = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=dsf,
                              is_mobile=True, has_touch=True)
    page = ctx.new_page()
    if big:
        large_text(page)
    return page


def inbox_count(db: str, **where: str) -> int:
    with make_engine(db).connect() as c:
        q = select(func.count()).select_from(InboxRow).where(
            InboxRow.channel == "web", *(getattr(InboxRow, k) == v for k, v in where.items()))
        return int(c.execute(q).scalar() or 0)


# the newest turn: the first bot message after the reader's last message, and where it is on screen
TURN = """() => {
  const log = document.getElementById('log'), r = log.getBoundingClientRect();
  const all = [...log.children];
  const lastMe = all.map(e => e.classList.contains('me')).lastIndexOf(true);
  const first = all.slice(lastMe + 1).find(e => e.classList.contains('bot') && !e.classList.contains('wait'));
  const b = first.getBoundingClientRect(), lh = parseFloat(getComputedStyle(first).lineHeight);
  const live = [...log.querySelectorAll('.buttons button:not([disabled])')];
  return {logTop: r.top, logBottom: r.bottom, top: b.top, lineHeight: lh, text: first.innerText.slice(0, 60),
          vh: innerHeight, liveBefore: live.filter(x => all.indexOf(x.parentElement) < lastMe).length,
          live: live.length};
}"""


def assert_turn_starts_in_view(page: Any) -> dict[str, Any]:
    t = page.evaluate(TURN)
    assert t["top"] >= t["logTop"] - 1, t  # its first line is not above the visible area …
    assert t["top"] + t["lineHeight"] <= min(t["logBottom"], t["vh"]) + 1, t  # … nor below it
    assert t["liveBefore"] == 0, t  # no live button from a past turn
    return t


@pytest.mark.parametrize("width,height,dsf,big", PHONES)
def test_answers_start_at_their_first_line_on_small_phones(server: tuple[ServeProcess, str], browser: Any,
                                                           width: int, height: int, dsf: int, big: bool) -> None:
    srv, db = server
    page = phone(browser, width, height, dsf, big)
    try:
        page.goto(srv.url + "/")
        page.wait_for_selector("text=Xin chào", timeout=20_000)
        page.wait_for_timeout(200)
        # the first screen: the greeting from its first line, the consent question and both of its buttons
        assert_turn_starts_in_view(page)
        for sel in (".msg.bot >> text=Bạn có đồng ý không?", ".buttons button >> text=Không đồng ý",
                    ".buttons button >> text=Đồng ý"):
            box = page.locator(sel).first.bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (sel, box)
        if big:
            assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 24  # follows the browser

        # a double tap sends once: the buttons go away at the first tap, and the server sees one press
        n = page.locator(".msg.bot:not(.wait)").count()
        page.locator(".buttons button", has_text="Đồng ý").first.dblclick()
        settled(page, n)
        n_consent = inbox_count(db, action="consent:yes")
        assert_turn_starts_in_view(page)

        for question in ("quen mat khau vneid", "cccd la gi"):
            ask(page, question)
            t = assert_turn_starts_in_view(page)
            assert t["live"] > 0 and t["text"].strip()
        # the long answer shows its start and folds the rest behind "Xem tiếp"
        ask(page, "quen mat khau vneid")
        assert_turn_starts_in_view(page)
        more = page.locator(".msg.bot .more-btn").last
        assert more.get_attribute("aria-expanded") == "false"
        more.click()
        assert more.get_attribute("aria-expanded") == "true" and more.inner_text().startswith("Thu gọn")
        # button titles wrap instead of being cut; sources at least 16 px; the placeholder fits
        cut = page.evaluate("[...document.querySelectorAll('button')].filter(b => b.offsetParent && "
                            "b.scrollWidth > b.clientWidth + 1).map(b => b.textContent)")
        assert cut == []
        sizes = page.evaluate("[...document.querySelectorAll('.src')].map(s => parseFloat(getComputedStyle(s).fontSize))")
        assert sizes and min(sizes) >= 16
        fits = page.evaluate("""() => { const i = document.getElementById('text'), s = getComputedStyle(i);
            const c = document.createElement('canvas').getContext('2d'); c.font = s.font;
            const room = i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
            const lines = Math.floor((i.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom))
                                     / parseFloat(s.lineHeight));
            return c.measureText(i.placeholder).width <= room * Math.max(1, lines); }""")
        assert fits
        # the keyboard opens: the visible area shrinks, and the newest turn's first line stays in view
        page.focus("#text")
        page.set_viewport_size({"width": width, "height": int(height * 0.55)})
        page.wait_for_timeout(400)
        assert_turn_starts_in_view(page)
        assert inbox_count(db, action="consent:yes") == n_consent  # nothing sent twice meanwhile
    finally:
        page.context.close()


def test_double_tap_on_a_button_is_one_message(server: tuple[ServeProcess, str], browser: Any) -> None:
    srv, db = server
    page = phone(browser, 360, 640, 2, False)
    try:
        page.goto(srv.url + "/")
        page.wait_for_selector("text=Xin chào", timeout=20_000)
        before = inbox_count(db, action="consent:no")
        n = page.locator(".msg.bot:not(.wait)").count()
        page.locator(".buttons button", has_text="Không đồng ý").first.dblclick()
        settled(page, n)
        page.wait_for_timeout(500)
        assert inbox_count(db, action="consent:no") == before + 1
        assert page.locator(".msg.me", has_text="Không đồng ý").count() == 1
    finally:
        page.context.close()


def test_reload_brings_back_the_conversation_and_the_ticket_state(server: tuple[ServeProcess, str],
                                                                   browser: Any) -> None:
    srv, db = server
    page = phone(browser, 360, 640, 2, False)
    try:
        page.goto(srv.url + "/")
        page.wait_for_selector("text=Xin chào", timeout=20_000)
        n = page.locator(".msg.bot:not(.wait)").count()
        page.locator(".buttons button", has_text="Đồng ý").first.click()
        settled(page, n)
        ask(page, "quen mat khau vneid")
        ask(page, "cho toi gap tinh nguyen vien")
        n = page.locator(".msg.bot:not(.wait)").count()
        page.locator(".buttons button", has_text="Bỏ qua").last.click()  # no commune: the ticket opens
        settled(page, n)
        with make_engine(db).connect() as c:
            [(ticket_id, status)] = c.execute(select(TicketRow.id, TicketRow.status)
                                              .order_by(TicketRow.id.desc()).limit(1)).all()
        assert status == "open"
        before = page.evaluate("[...document.querySelectorAll('.msg:not(.wait)')].map(m => m.className.split(' ')[1])")
        greetings = inbox_count(db, action="start")

        page.reload()
        page.wait_for_selector(".notice-ticket", timeout=20_000)
        notice = page.locator(".notice-ticket").inner_text()
        assert "đang chờ tình nguyện viên" in notice and f"số phiếu {ticket_id}" in notice
        mine = page.locator(".msg.me").all_inner_texts()
        assert mine[-3:] == ["quen mat khau vneid", "cho toi gap tinh nguyen vien", "Bỏ qua"]
        assert page.locator(".msg.bot", has_text="Quên mật khẩu").count() >= 1  # the steps are back
        after = page.evaluate("[...document.querySelectorAll('.msg:not(.notice-ticket)')].map(m => m.className.split(' ')[1])")
        assert after == before[-20:]  # the same last messages (at most 20), in order
        # buttons of the last turn only: no old consent or topic buttons
        assert page.locator(".buttons button", has_text="Đồng ý").count() == 0
        assert page.locator(".buttons button", has_text="Bỏ qua").count() == 0
        assert_turn_starts_in_view(page)
        assert inbox_count(db, action="start") == greetings  # a restored page does not greet again
        r = page.request.get(srv.url + "/api/chat/history?limit=20")
        assert r.headers["cache-control"] == "no-store"
    finally:
        page.context.close()


def test_a_message_typed_offline_arrives_once_when_the_network_is_back(server: tuple[ServeProcess, str],
                                                                      browser: Any) -> None:
    srv, db = server
    page = phone(browser, 360, 640, 2, False)
    ctx = page.context
    try:
        page.goto(srv.url + "/")
        page.wait_for_selector("text=Xin chào", timeout=20_000)
        ctx.set_offline(True)
        page.fill("#text", "vneid la gi")
        page.press("#text", "Enter")
        page.wait_for_selector(".msg.me .state >> text=đang gửi…", timeout=5_000)
        page.wait_for_timeout(6_000)  # at least one retry while still offline
        assert inbox_count(db, text="vneid la gi") == 0
        n = page.locator(".msg.bot:not(.wait)").count()
        ctx.set_offline(False)
        settled(page, n)
        assert page.locator(".msg.me .state").count() == 0
        page.wait_for_timeout(1_500)
        assert inbox_count(db, text="vneid la gi") == 1
        assert page.locator(".msg.me", has_text="vneid la gi").count() == 1
    finally:
        ctx.close()


def test_a_reply_lost_on_the_way_back_is_not_answered_twice(server: tuple[ServeProcess, str], browser: Any) -> None:
    """The connection drops after the server took the message: the page tries again with the same
    message_id, and the server hands back the same answer instead of taking the question again."""
    srv, db = server
    page = phone(browser, 360, 640, 2, False)
    dropped: list[str] = []

    def drop_first_answer(route: Any) -> None:
        if route.request.method == "POST" and "cccd" in (route.request.post_data or "") and not dropped:
            route.fetch()  # the server receives and answers it …
            dropped.append(route.request.post_data or "")
            route.abort("connectionreset")  # … and the answer is lost on the way
            return
        route.continue_()

    try:
        page.route("**/api/chat", drop_first_answer)
        page.goto(srv.url + "/")
        page.wait_for_selector("text=Xin chào", timeout=20_000)
        n = page.locator(".msg.bot:not(.wait)").count()
        page.fill("#text", "cccd la gi cua toi")
        page.press("#text", "Enter")
        settled(page, n, timeout_s=30)
        assert dropped and inbox_count(db, text="cccd la gi cua toi") == 1
        assert page.locator(".msg.me", has_text="cccd la gi cua toi").count() == 1
    finally:
        page.context.close()


def test_first_load_is_small_local_and_installable(server: tuple[ServeProcess, str], browser: Any) -> None:
    srv, _ = server
    page = phone(browser, 360, 640, 2, False)
    responses: list[Any] = []
    page.on("requestfinished", lambda r: responses.append(r))
    try:
        page.goto(srv.url + "/")
        page.wait_for_selector("text=Xin chào", timeout=20_000)
        page.wait_for_timeout(500)
        total = 0
        for r in responses:
            sizes = r.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        urls = [r.url for r in responses]
        print(f"\nfirst load: {len(responses)} requests, {total} bytes transferred ({total / 1024:.1f} KB)")
        assert all(u.startswith(srv.url) for u in urls), urls  # no external fonts or scripts
        assert total <= 100 * 1024
        manifest = page.request.get(srv.url + page.get_attribute("link[rel=manifest]", "href"))
        assert manifest.ok and manifest.headers["content-type"].startswith("application/manifest+json")
        data = manifest.json()
        assert data["start_url"] == "/" and data["display"] == "standalone"
        for icon in data["icons"]:
            got = page.request.get(srv.url + icon["src"])
            assert got.ok and got.headers["content-type"] == "image/png"
    finally:
        page.context.close()


def test_text_size_control_has_a_word_and_is_remembered(server: tuple[ServeProcess, str], browser: Any) -> None:
    srv, _ = server
    page = phone(browser, 360, 640, 2, False)
    try:
        page.goto(srv.url + "/")
        page.wait_for_selector("text=Xin chào", timeout=20_000)
        assert page.evaluate("document.documentElement.style.fontSize") == ""  # no fixed root size
        size = "parseFloat(getComputedStyle(document.querySelector('.msg.bot')).fontSize)"
        assert page.evaluate(size) == 16  # the browser's default
        assert page.inner_text("#bigtext") == "Chữ to"
        page.click("#bigtext")
        assert page.inner_text("#bigtext") == "Chữ nhỏ" and page.evaluate(size) == 20
        page.reload()
        page.wait_for_selector(".msg.bot", timeout=20_000)
        time.sleep(0.3)
        assert page.inner_text("#bigtext") == "Chữ nhỏ" and page.evaluate(size) == 20
        assert page.get_attribute("#bigtext", "aria-pressed") == "true"
    finally:
        page.context.close()
