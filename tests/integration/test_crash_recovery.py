"""A webhook is acknowledged, the process is killed (SIGKILL) before the reply is sent; after a restart
the reply is sent exactly once and nothing is lost."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bot.bootstrap import ingest
from bot.retrieval.embedders import FakeEmbedder
from bot.storage.db import make_engine
from bot.storage.tables.messaging import InboxRow, OutboxRow
from tests.conftest import make_settings
from tests.fakes import FakeTelegram, ServerThread, free_port, tg_text_update, wait_for
from tests.serve_process import ServeProcess

SECRET = "kill-test-secret"


def test_reply_survives_sigkill_and_is_sent_exactly_once(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    tg = FakeTelegram()
    with ServerThread(tg.app) as fake:
        env = {"BINHDAN_DATABASE__URL": db_url, "BINHDAN_INDEX__DIR": str(tmp_path / "index"),
               "BINHDAN_EMBEDDER__KIND": "fake", "BINHDAN_ANSWER__CALIBRATION": "[0, 0, 0, 0]",
               "BINHDAN_ANSWER__THRESHOLD": "0.5", "BINHDAN_TELEGRAM__TOKEN": tg.token,
               "BINHDAN_TELEGRAM__API_BASE_URL": fake.url,
               "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram",
               "BINHDAN_TELEGRAM__WEBHOOK_SECRET": SECRET}
        s = make_settings(tmp_path, db_url=db_url)
        ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
        tg.fail_sends = True  # the platform is down: replies wait in the outbox
        port = free_port()
        server = ServeProcess(env, port, tmp_path / "serve.log").start()
        try:
            r = httpx.post(f"{server.url}/webhooks/telegram", json=tg_text_update(7001, 5150, "quen mat khau vneid"),
                           headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            assert r.status_code == 200
            wait_for(lambda: tg.calls.count("sendMessage") >= 1, timeout=60)  # a send was attempted
            server.kill()
        finally:
            server.kill()
        assert tg.sent == []
        engine = make_engine(db_url)
        with engine.connect() as c:
            assert c.execute(select(func.count()).select_from(InboxRow)).scalar() == 1
            assert c.execute(select(func.count()).select_from(OutboxRow).where(OutboxRow.status != "sent")).scalar() >= 1

        tg.fail_sends = False
        server = ServeProcess(env, port, tmp_path / "serve.log").start()
        try:
            wait_for(lambda: len(tg.sent_to(5150)) >= 2, timeout=60)
            time.sleep(3)  # nothing else arrives
            sent = tg.sent_to(5150)
            assert len(sent) == 2  # the answer and the privacy notice, each exactly once
            assert len({m["text"] for m in sent}) == 2
            # the same update delivered again after the restart is still a no-op
            httpx.post(f"{server.url}/webhooks/telegram", json=tg_text_update(7001, 5150, "quen mat khau vneid"),
                       headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            time.sleep(2)
            assert len(tg.sent_to(5150)) == 2
        finally:
            server.stop()
        engine.dispose()
