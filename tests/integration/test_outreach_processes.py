"""Two `binhdan worker` processes on PostgreSQL send one 400-recipient announcement; one is killed (SIGKILL)
mid-campaign and started again: every recipient gets the announcement exactly once, nobody is lost."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from bot.bootstrap import build_outreach, ingest
from bot.core.outreach import model as m
from bot.retrieval.embedders import FakeEmbedder
from bot.storage.tables.outreach import SubscriptionRow
from tests.conftest import make_settings
from tests.fakes import FakeTelegram, ServerThread, wait_for
from tests.serve_process import WorkerProcess

N = 400


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_worker_killed_mid_campaign_loses_nothing_and_sends_nothing_twice(
        tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    tg = FakeTelegram()
    tg.fail_sends = True  # while the worker is killed the platform refuses: a kill mid-HTTP-send cannot double
    with ServerThread(tg.app) as fake:
        env = {"BINHDAN_DATABASE__URL": db_url, "BINHDAN_INDEX__DIR": str(tmp_path / "index"),
               "BINHDAN_EMBEDDER__KIND": "fake", "BINHDAN_ANSWER__CALIBRATION": "[0, 0, 0, 0]",
               "BINHDAN_ANSWER__THRESHOLD": "0.5", "BINHDAN_TELEGRAM__TOKEN": tg.token,
               "BINHDAN_TELEGRAM__API_BASE_URL": fake.url,
               "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram",
               "BINHDAN_TELEGRAM__WEBHOOK_SECRET": "s-1", "BINHDAN_APP__LOG_LEVEL": "WARNING",
               "BINHDAN_OUTREACH__QUIET_HOURS": "00:00-00:00", "BINHDAN_OUTREACH__DISPATCH_EVERY_S": "0.5",
               "BINHDAN_OUTREACH__TELEGRAM_PER_S": "30", "BINHDAN_OUTREACH__HORIZON_S": "3",
               "BINHDAN_SERVER__OUTBOX_LEASE_S": "5"}
        s = make_settings(tmp_path, db_url=db_url, **{k: v for k, v in env.items() if k != "BINHDAN_DATABASE__URL"})
        ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
        outreach = build_outreach(s)
        now = datetime.now(UTC)
        with outreach.sessions.begin() as ses:
            ses.execute(insert(SubscriptionRow), [
                {"channel": "telegram", "user_ref": str(800_000 + i), "topics": ["scam"], "commune": "02269",
                 "learner_group": "", "lang": "vi", "active": True, "created_at": now, "updated_at": now}
                for i in range(N)])
        cid = outreach.create(m.Draft(title="t", text="Cảnh báo lừa đảo mới.", audience=m.Audience(topic="scam")),
                              actor="test")
        workers = [WorkerProcess({**env, "BINHDAN_APP__LOG_LEVEL": "INFO"}, tmp_path / f"w{i}.log") for i in range(2)]
        try:
            for w in workers:
                w.start()

            def handed() -> int:
                f = outreach.campaign(cid)["figures"]
                with outreach.sessions() as ses:
                    from sqlalchemy import func, select

                    from bot.storage.tables.outreach import RecipientRow

                    return int(ses.scalar(select(func.count()).select_from(RecipientRow).where(
                        RecipientRow.campaign_id == cid, RecipientRow.outbox_id.is_not(None))) or 0) if f else 0

            wait_for(lambda: handed() >= N // 3, timeout=90, interval=0.1)
            workers[0].kill()  # SIGKILL mid-campaign
            tg.fail_sends = False
            wait_for(lambda: len(tg.sent) >= N // 4, timeout=90, interval=0.1)
            workers[0].start()
            wait_for(lambda: outreach.campaign(cid)["figures"]["sent"] == N, timeout=180, interval=0.5)
        finally:
            for w in workers:
                w.stop()
    per_chat = Counter(int(x["chat_id"]) for x in tg.sent if "lừa đảo mới" in x.get("text", ""))
    assert set(per_chat) == {800_000 + i for i in range(N)}  # nobody lost
    assert max(per_chat.values()) == 1  # nobody twice
    f = outreach.campaign(cid)["figures"]
    assert (f["sent"], f["queued"], f["failed"]) == (N, 0, 0)
