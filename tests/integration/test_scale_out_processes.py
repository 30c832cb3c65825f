"""Scale-out with real processes: `binhdan worker` finishes the work in hand on SIGTERM, and 1,000
Telegram updates through `binhdan serve --workers 2` + two `binhdan worker`s on PostgreSQL, 20% of them
delivered twice and out of order, while a worker and an HTTP worker are killed (SIGKILL), are each
answered exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bot.bootstrap import ingest
from bot.core.messages import InboundMessage
from bot.retrieval.embedders import FakeEmbedder
from bot.storage.db import make_engine, session_factory, upgrade
from bot.storage.messaging import MessageStore
from bot.storage.tables.messaging import InboxRow, OutboxRow
from tests.conftest import load_size, make_settings
from tests.fakes import FakeTelegram, ServerThread, free_port, tg_text_update, wait_for
from tests.serve_process import ServeProcess, WorkerProcess

SECRET = "scale-out-secret"
QUESTIONS = ["quen mat khau vneid", "chuyen khoan nham thi lam gi", "dang ky vneid muc 2", "/menu",
             "cách lấy lại mật khẩu VNeID", "toi bi lua chuyen tien", "xin chao"]


def _env(tmp_path: Path, db_url: str, tg: FakeTelegram, fake_url: str, **extra: str) -> dict[str, str]:
    return {"BINHDAN_DATABASE__URL": db_url, "BINHDAN_INDEX__DIR": str(tmp_path / "index"),
            "BINHDAN_EMBEDDER__KIND": "fake", "BINHDAN_ANSWER__CALIBRATION": "[0, 0, 0, 0]",
            "BINHDAN_ANSWER__THRESHOLD": "0.5", "BINHDAN_TELEGRAM__TOKEN": tg.token,
            "BINHDAN_TELEGRAM__API_BASE_URL": fake_url,
            "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram",
            "BINHDAN_TELEGRAM__WEBHOOK_SECRET": SECRET, "BINHDAN_APP__LOG_LEVEL": "WARNING", **extra}


def _counts(db_url: str, table: type, column: str = "status") -> dict[str, int]:
    engine = make_engine(db_url)
    with engine.connect() as c:
        rows = c.execute(select(getattr(table, column), func.count()).group_by(getattr(table, column))).all()
    engine.dispose()
    return {str(k): int(v) for k, v in rows}


def test_worker_finishes_the_batch_in_hand_on_sigterm(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    tg = FakeTelegram()
    tg.send_delay_s = 0.4  # a slow platform: the batch takes seconds to send
    with ServerThread(tg.app) as fake:
        s = make_settings(tmp_path, db_url=db_url)
        ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
        engine = make_engine(db_url)
        upgrade(engine)
        store = MessageStore(session_factory(engine))
        for i in range(8):
            store.store_inbound(InboundMessage(channel="telegram", user_ref=str(9100 + i), platform_msg_id=str(i),
                                               received_at=datetime.now(UTC), kind="text", text=QUESTIONS[i % 3]))
        env = _env(tmp_path, db_url, tg, fake.url, BINHDAN_SERVER__SHUTDOWN_GRACE_S="60",
                   BINHDAN_APP__LOG_LEVEL="INFO")
        worker = WorkerProcess(env, tmp_path / "worker.log").start()
        try:
            wait_for(lambda: tg.calls.count("sendMessage") >= 1, timeout=60, interval=0.02)
            sent_at_term = len(tg.sent)
            assert worker.proc is not None
            worker.proc.send_signal(signal.SIGTERM)
            assert worker.terminate(timeout=90) == 0
        finally:
            worker.stop()
        outbox = _counts(db_url, OutboxRow)
        assert outbox.get("sending", 0) == 0  # nothing left half-done
        assert len(tg.sent) == outbox.get("sent", 0) > sent_at_term + 1  # the batch in hand was finished
        with engine.connect() as c:  # what was not started stays for the next worker, untouched
            untouched = c.execute(select(func.count()).select_from(OutboxRow)
                                  .where(OutboxRow.status == "pending", OutboxRow.attempts > 0)).scalar()
        assert untouched == 0
        assert _counts(db_url, InboxRow).get("processing", 0) == 0
        log = (tmp_path / "worker.log").read_text()
        assert "binhdan worker stopping" in log and "binhdan worker stopped" in log
        engine.dispose()


def _deliveries(n: int, chats: int, dup_share: float, seed: int) -> list[dict[str, object]]:
    """n updates from `chats` people, 20% of them twice; shuffled in windows (so some arrive out of order)."""
    rng = random.Random(seed)
    updates = [tg_text_update(500_000 + i, 700_000 + i % chats, QUESTIONS[rng.randrange(len(QUESTIONS))])
               for i in range(n)]
    out = updates + rng.sample(updates, int(n * dup_share))
    order = sorted(range(len(out)), key=lambda i: (i % n) + rng.uniform(-40, 40))  # duplicates land near twins
    return [out[i] for i in order]


async def _deliver(url: str, updates: list[dict[str, object]], concurrency: int, on_progress: object) -> int:
    """Post like Telegram: every update until it is acknowledged with 200 (retrying after errors)."""
    queue: asyncio.Queue[dict[str, object]] = asyncio.Queue()
    for u in updates:
        queue.put_nowait(u)
    done = 0
    retries = 0

    async def poster(client: httpx.AsyncClient) -> None:
        nonlocal done, retries
        while not queue.empty():
            u = queue.get_nowait()
            for attempt in range(60):
                try:
                    r = await client.post(url, content=json.dumps(u).encode(), headers={
                        "X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"})
                    if r.status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                retries += 1
                await asyncio.sleep(0.2 * (attempt + 1))
            else:
                raise AssertionError(f"update {u['update_id']} never acknowledged")
            done += 1
            on_progress(done)  # type: ignore[operator]

    async with httpx.AsyncClient(timeout=15) as client:
        await asyncio.gather(*(poster(client) for _ in range(concurrency)))
    return retries


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_update_burst_4_workers_kill_and_restart_every_update_answered_once(
        tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    n_updates, chats = load_size(1000, 400), load_size(120, 60)  # 1,000 updates for `make bench`, 400 in CI
    updates = _deliveries(n_updates, chats, 0.2, seed=9)
    tg = FakeTelegram()
    tg.fail_sends = True  # the burst arrives while the platform refuses sends: nothing can be sent twice yet
    with ServerThread(tg.app) as fake:
        s = make_settings(tmp_path, db_url=db_url)
        ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
        env = _env(tmp_path, db_url, tg, fake.url, BINHDAN_SERVER__INBOX_LEASE_S="4",
                   BINHDAN_SERVER__OUTBOX_LEASE_S="10", BINHDAN_SERVER__SHUTDOWN_GRACE_S="5")
        port = free_port()
        server = ServeProcess(env, port, tmp_path / "serve.log", args=("serve", "--workers", "2"))
        workers = [WorkerProcess({**env, "BINHDAN_APP__LOG_LEVEL": "INFO"}, tmp_path / f"worker{i}.log")
                   for i in range(2)]
        try:
            server.start()
            for w in workers:
                w.start()
            assert server.proc is not None
            http_workers = _children(server.proc.pid)
            assert len(http_workers) == 2
            killed: dict[str, int] = {}

            def chaos(done: int) -> None:  # at 35%: SIGKILL a worker; at 50%: an HTTP worker; restart
                if done >= 0.35 * len(updates) and "worker" not in killed:
                    assert workers[0].proc is not None
                    killed["worker"] = workers[0].proc.pid
                    workers[0].kill()
                if done >= 0.5 * len(updates) and "http" not in killed:
                    killed["http"] = http_workers[0]
                    os.kill(http_workers[0], signal.SIGKILL)

            retries = asyncio.run(_deliver(f"{server.url}/webhooks/telegram", updates, 16, chaos))
            assert set(killed) == {"worker", "http"}
            workers[0].start()  # restarted; the HTTP worker was restarted by uvicorn's supervisor
            wait_for(lambda: len(_children(server.proc.pid)) == 2 and killed["http"] not in _children(server.proc.pid),
                     timeout=60)
            tg.fail_sends = False  # the platform recovers: every process sends

            def settled() -> bool:
                inbox, outbox = _counts(db_url, InboxRow), _counts(db_url, OutboxRow)
                return inbox == {"done": n_updates} and set(outbox) == {"sent"}

            wait_for(settled, timeout=150, interval=0.5)
            time.sleep(2)  # nothing more arrives
            metrics = httpx.get(f"{server.url}/metrics").text
        finally:
            for w in workers:
                w.stop()
            server.stop()

    engine = make_engine(db_url)
    with engine.connect() as c:
        inbox = c.execute(select(InboxRow.id, InboxRow.platform_msg_id, InboxRow.user_ref)).all()
        outbox = c.execute(select(OutboxRow.id, OutboxRow.inbox_id, OutboxRow.user_ref, OutboxRow.platform_msg_id)
                           .order_by(OutboxRow.id)).all()
    engine.dispose()
    # every update stored exactly once (duplicates were no-ops), none lost
    assert sorted(int(r.platform_msg_id) for r in inbox) == sorted({int(u["update_id"]) for u in updates})  # type: ignore[call-overload]
    # every update has its replies, and every reply reached Telegram exactly once
    answered = {r.inbox_id for r in outbox}
    assert answered == {r.id for r in inbox}
    print(f"\nduplicate sends: {len(tg.sent) - len(outbox)} of {len(outbox)} replies (kill -9 while the platform "
          "refused sends; the in-flight case: tests/integration/test_duplicate_sends.py)")
    assert len(tg.sent) == len(outbox)
    assert sorted(int(r.platform_msg_id) for r in outbox) == sorted(tg.sent_ids)
    # and each person's replies arrived in the order they were queued
    by_chat: dict[str, list[int]] = {}
    for r in outbox:
        by_chat.setdefault(r.user_ref, []).append(int(r.platform_msg_id))
    assert all(ids == sorted(ids) for ids in by_chat.values())
    # /metrics adds up the HTTP workers (prometheus multiprocess mode), the killed one included
    acks = sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith('binhdan_http_requests_total{method="POST",route="/webhooks/telegram",status="200"}'))
    assert acks >= len(updates)  # every acknowledged delivery was counted, whichever worker took it
    print(f"deliveries {len(updates)}, retries {retries}, replies {len(outbox)}, acks counted {acks:.0f}")


def _children(pid: int) -> list[int]:
    try:
        kids = [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return [k for k in kids if b"resource_tracker" not in Path(f"/proc/{k}/cmdline").read_bytes()]
