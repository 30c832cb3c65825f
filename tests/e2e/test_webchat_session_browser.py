"""Issue 25, finding 3 in a real browser: the page's session is a server-issued HttpOnly cookie, a reload
keeps it (and the chat, including replies that arrive later, keeps working), and the token never appears
in a URL — `binhdan serve` runs as a process with its access log on, and the log is searched for it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import build_sessions, ingest
from bot.core.messages import Reply
from bot.core.websession import token_hash, user_ref_for
from bot.retrieval.embedders import FakeEmbedder
from bot.storage.db import make_engine
from bot.storage.messaging import MessageStore
from bot.storage.tables.messaging import InboxRow, WebChatSessionRow
from tests.conftest import make_settings
from tests.fakes import free_port
from tests.serve_process import ServeProcess

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MISSING = not Path(CHROMIUM).exists() and os.environ.get("BINHDAN_REQUIRE_BROWSER") != "1"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(MISSING, reason="chromium is not installed")]


def test_reload_keeps_the_server_issued_session_and_the_chat_works(tmp_path: Path, mini_kb: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    db = f"sqlite:///{tmp_path / 'web.db'}"
    s = make_settings(tmp_path, db_url=db)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    env = {"BINHDAN_DATABASE__URL": db, "BINHDAN_INDEX__DIR": str(tmp_path / "index"), "BINHDAN_EMBEDDER__KIND": "fake",
           "BINHDAN_ANSWER__CALIBRATION": "[0, 0, 0, 0]", "BINHDAN_ANSWER__THRESHOLD": "0.5",
           "BINHDAN_APP__LOG_LEVEL": "INFO", "BINHDAN_SERVER__ACCESS_LOG": "true"}
    log = tmp_path / "serve.log"
    srv = ServeProcess(env, free_port(), log).start()
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                  args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            ctx = b.new_context(viewport={"width": 360, "height": 740})
            page = ctx.new_page()
            page.goto(srv.url + "/")
            page.wait_for_selector("text=Xin chào", timeout=20_000)
            [cookie] = [c for c in ctx.cookies() if c["name"] == "binhdan_chat"]
            token = cookie["value"]
            assert len(token) >= 32 and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
            assert cookie["path"] == "/api/chat" and not cookie["secure"]  # plain http here
            assert "binhdan_chat" not in page.evaluate("document.cookie")  # scripts cannot read it
            assert page.evaluate("localStorage.getItem('binhdan.session')") is None

            page.fill("#text", "quen mat khau vneid")
            page.press("#text", "Enter")
            page.locator(".msg.bot", has_text="Quên mật khẩu").last.wait_for(timeout=30_000)

            page.reload()
            page.wait_for_selector("text=Xin chào", timeout=20_000)
            assert [c["value"] for c in ctx.cookies() if c["name"] == "binhdan_chat"] == [token]  # the same session
            page.fill("#text", "cccd la gi")
            page.press("#text", "Enter")
            expect(page.locator(".msg.wait")).to_have_count(0, timeout=30_000)
            assert page.locator(".msg.bot", has_text="Mạng chậm").count() == 0

            # a volunteer's reply for this session reaches the reloaded page through the long-poll
            MessageStore(build_sessions(s)).enqueue("web", user_ref_for(token), Reply("👤 Lan: Chào bác ạ."))
            page.wait_for_selector("text=Chào bác ạ", timeout=40_000)
            ctx.close()
            b.close()
    finally:
        srv.stop()
    with make_engine(db).connect() as c:
        sessions = c.execute(select(WebChatSessionRow.token_hash)).scalars().all()
        refs = set(c.execute(select(InboxRow.user_ref).where(InboxRow.channel == "web")).scalars())
    assert sessions == [token_hash(token)] and refs == {user_ref_for(token)}  # one session across the reload
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "/api/chat/updates" in text  # the access log is on and lists the chat's requests …
    assert token not in text  # … but never the session token
