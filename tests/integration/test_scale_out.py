"""Scale-out building blocks on SQLite and PostgreSQL: exclusive inbox claims under concurrency, a late
completion after a lease expired, leader election, the Zalo token refresh across processes, live index
reload (by call and by the serving app's watcher), /metrics and JSON logs."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.bootstrap import build_services, ingest
from bot.channels.zalo import ZaloSender
from bot.core.messages import ConversationState, InboundMessage, Reply
from bot.retrieval.embedders import FakeEmbedder
from bot.retrieval.index_store import live_build_id, write_index
from bot.storage.db import make_engine, session_factory, upgrade
from bot.storage.locks import LeaderLock
from bot.storage.messaging import MessageStore
from bot.storage.tables.messaging import OutboxRow
from bot.storage.tokens import Token, TokenStore
from bot.web.app import create_app
from tests.conftest import make_settings
from tests.fakes import FakeZalo, ServerThread, wait_for
from tests.webchat import headers, new_session, post_chat

NEW_GUIDE = """---
id: test-the-thu-vien-so
title: Đăng ký thẻ thư viện số tỉnh
topic: general
audience: all
lang: vi
source_url: https://thuvien.tuyenquang.gov.vn
reviewed_on: 2026-11-20
summary: Đăng ký thẻ thư viện số miễn phí trên cổng của thư viện tỉnh.
---
Thẻ thư viện số giúp bạn mượn sách điện tử miễn phí.

## Các bước
1. Mở cổng thư viện số của tỉnh.
2. Chọn Đăng ký thẻ thư viện số, điền họ tên.
3. Nhận mã thẻ thư viện qua tin nhắn.
"""


def _store(db_url: str) -> MessageStore:
    engine = make_engine(db_url)
    upgrade(engine)
    return MessageStore(session_factory(engine))


def _msg(i: int, user: str = "u1") -> InboundMessage:
    return InboundMessage(channel="telegram", user_ref=user, platform_msg_id=str(i), received_at=datetime.now(UTC),
                          kind="text", text=f"câu hỏi {i}")


def test_inbox_claims_are_exclusive_under_concurrency(db_url: str) -> None:
    store = _store(db_url)
    for i in range(300):
        assert store.store_inbound(_msg(i, user=f"u{i % 17}")) is not None
    claimed: list[list[int]] = [[] for _ in range(6)]
    refused: list[int] = []
    start = threading.Barrier(6)

    def claimer(k: int) -> None:
        start.wait()
        idle = 0
        while idle < 50:
            try:
                items = store.claim_inbox(limit=5)
            except OperationalError:  # SQLite: another writer holds the lock; try again
                items = []
            if items:
                idle = 0
                claimed[k] += [it.id for it in items]
                for it in items:  # done: the person's next message becomes claimable
                    if store.complete(it, ConversationState(), []) is None:
                        refused.append(it.id)
            else:
                idle += 1
                time.sleep(0.02)

    threads = [threading.Thread(target=claimer, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    flat = [i for ids in claimed for i in ids]
    assert refused == []
    assert len(flat) == len(set(flat)) == 300  # every message taken exactly once
    assert sum(1 for ids in claimed if ids) >= 2  # and the claimers really ran side by side


def test_a_late_completion_after_the_lease_expired_changes_nothing(db_url: str) -> None:
    store = _store(db_url)
    inbox_id = store.store_inbound(_msg(1))
    assert inbox_id is not None
    [first] = store.claim_inbox(lease_s=0.05)
    time.sleep(0.2)
    [second] = store.claim_inbox(lease_s=60)  # the first worker looked dead: taken again
    assert second.id == first.id and second.attempts == first.attempts + 1
    replies = [Reply(text="một"), Reply(text="hai")]
    assert store.complete(second, ConversationState(), replies) is not None
    assert store.complete(first, ConversationState(), replies) is None  # the slow first worker: refused
    store.fail_inbound(first, "late failure")  # must not reopen a finished message
    assert store.claim_inbox() == []
    with store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboxRow)) == 2
    assert [r.text for r in store.replies_for(first.id)] == ["một", "hai"]


def test_leader_lock_has_one_holder_and_passes_on(db_url: str, tmp_path: Path) -> None:
    engine_a, engine_b = make_engine(db_url), make_engine(db_url)  # two "processes"
    a, b = LeaderLock(engine_a, "telegram-polling"), LeaderLock(engine_b, "telegram-polling")
    assert a.try_acquire()
    assert a.try_acquire()  # re-entrant for its holder: still held
    assert not b.try_acquire()
    a.release()
    assert b.try_acquire()
    assert not a.try_acquire()
    b.release()
    if engine_a.dialect.name == "postgresql":  # the holder's connection dies: the lock goes with it
        assert a.try_acquire()
        assert a._conn is not None
        a._conn.invalidate()
        assert not a.still_held()
        assert b.try_acquire()
        b.release()
    engine_a.dispose()
    engine_b.dispose()


def test_zalo_token_refresh_happens_once_across_processes(db_url: str) -> None:
    fake = FakeZalo()
    engine = make_engine(db_url)
    upgrade(engine)
    with ServerThread(fake.app) as srv:
        def sender() -> ZaloSender:  # each with its own engine, pool and asyncio lock, like a process
            return ZaloSender(app_id="app-1", app_secret="app-secret", access_token="expired", refresh_token="RT-1",
                              api_base_url=srv.url, oauth_base_url=srv.url,
                              store=TokenStore(session_factory(make_engine(db_url))), token_factory=Token)

        senders = [sender() for _ in range(4)]

        async def all_send() -> list[str]:
            return await asyncio.gather(*(s.send(f"user{i}", Reply(text=f"xin chào {i}"), {})
                                          for i, s in enumerate(senders)))

        ids = asyncio.run(all_send())
    assert all(ids) and len(fake.sent) == 4
    assert fake.refreshes == 1  # the single-use refresh token was spent once; the others waited and reused
    stored = TokenStore(session_factory(engine)).get("zalo_oa")
    assert stored is not None and stored.refresh_token == "RT-2"
    engine.dispose()


def test_live_index_reload_switches_builds_and_refuses_a_bad_one(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s = make_settings(tmp_path, db_url=db_url)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    svc = build_services(s, embedder=FakeEmbedder())
    question = "đăng ký thẻ thư viện số"
    before = svc.answers.answer(question, keep=False)
    assert all(src.doc_id != "test-the-thu-vien-so" for src in before.sources)
    old_build = svc.live.build_id
    assert not svc.live.stale() and svc.reload_index() is False

    (mini_kb / "guides" / "general").mkdir()
    (mini_kb / "guides" / "general" / "the-thu-vien-so.md").write_text(NEW_GUIDE, encoding="utf-8")
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    assert svc.live.stale()
    assert svc.answers.answer(question, keep=False).sources == before.sources  # not before the reload
    assert svc.reload_index() is True
    after = svc.answers.answer(question, keep=False)
    assert after.covered and after.sources[0].doc_id == "test-the-thu-vien-so"
    assert svc.index_info is not None and svc.index_info["build_id"] == svc.live.build_id != old_build
    assert svc.reload_index() is False  # nothing new

    good = svc.live.build_id
    idx = svc.live.current.index
    write_index(s.path(s.index.dir), chunks=idx.chunks, vectors=idx.vectors, model_id="another/model",
                tones=idx.tones)
    assert svc.reload_index() is False  # another model: refused, the good build keeps serving
    assert svc.live.build_id == good and svc.answers.answer(question, keep=False).sources[0].doc_id == "test-the-thu-vien-so"
    assert not svc.live.stale()  # the refused build is not retried at every check


def test_serving_app_notices_a_new_build_within_seconds(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s = make_settings(tmp_path, db_url=db_url, BINHDAN_INDEX__RELOAD_CHECK_S="0.3")
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    with ServerThread(create_app(s)) as app:
        first = httpx.get(f"{app.url}/readyz").json()["index"]
        (mini_kb / "guides" / "general").mkdir()
        (mini_kb / "guides" / "general" / "the-thu-vien-so.md").write_text(NEW_GUIDE, encoding="utf-8")
        ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
        new = live_build_id(s.path(s.index.dir))
        assert new and new != first
        t0 = time.monotonic()
        wait_for(lambda: httpx.get(f"{app.url}/readyz").json()["index"] == new, timeout=10, interval=0.1)
        assert time.monotonic() - t0 < 5
        r = post_chat(f"{app.url}/api/chat", "reload-1", json={"text": "đăng ký thẻ thư viện số"})
        texts = " ".join(x["text"] for x in r.json()["replies"])
        assert "thư viện" in texts.lower()
        sources = [src["doc_id"] for x in r.json()["replies"] for src in x["sources"]]
        assert "test-the-thu-vien-so" in sources


def test_metrics_endpoint_counts_requests_answers_and_queues(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s = make_settings(tmp_path, db_url=db_url)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    with ServerThread(create_app(s)) as app:
        def scrape() -> str:
            return httpx.get(f"{app.url}/metrics").text

        def value(text: str, prefix: str) -> float:
            return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(prefix))

        before = scrape()
        for i in range(3):
            r = post_chat(f"{app.url}/api/chat", "metrics-1", json={"text": f"quen mat khau vneid {i}"})
            assert r.status_code == 200
        assert httpx.get(f"{app.url}/api/chat/updates", headers={"X-Chat-Session": "bad id"}).status_code == 401
        text = scrape()
        chat = 'binhdan_http_requests_total{method="POST",route="/api/chat",status="200"}'
        assert value(text, chat) - value(before, chat) == 3
        bad = 'binhdan_http_requests_total{method="GET",route="/api/chat/updates",status="401"}'
        assert value(text, bad) >= 1  # the route template, never the raw path
        assert value(text, "binhdan_answer_seconds_count") - value(before, "binhdan_answer_seconds_count") >= 3
        assert value(text, "binhdan_answer_confidence_count") >= 3
        assert 'binhdan_queue_depth{queue="inbox",status="pending"}' in text
        assert 'binhdan_tickets{status="open"}' in text
        assert "python_gc_objects_collected_total" in text  # the default registry is exposed


def test_json_logs_are_one_object_per_line(capfd: pytest.CaptureFixture[str]) -> None:
    from bot.infra.logs import setup_logging

    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        setup_logging("INFO", "json")
        logging.getLogger("bot.test").info("hello %s", "world", extra={"queue": "inbox"})
        logging.getLogger("bot.test").warning("second line")
    finally:
        root.handlers[:], root.level = saved
    lines = [json.loads(x) for x in capfd.readouterr().err.strip().splitlines()]
    assert [x["message"] for x in lines] == ["hello world", "second line"]
    assert lines[0]["level"] == "INFO" and lines[0]["logger"] == "bot.test" and lines[0]["queue"] == "inbox"
    assert lines[1]["level"] == "WARNING" and "time" in lines[1]


def test_a_web_message_is_claimed_by_its_request_not_by_the_inbox_worker(db_url: str) -> None:
    store = _store(db_url)
    msg = InboundMessage(channel="web", user_ref="sess-0001", platform_msg_id="w1", received_at=datetime.now(UTC),
                         kind="text", text="quên mật khẩu")
    item = store.store_claimed(msg, lease_s=0.3)
    assert item is not None and item.attempts == 1
    assert store.store_claimed(msg) is None  # the same message id again
    assert store.claim_inbox() == []  # a worker polling now cannot take it from the request
    time.sleep(0.4)
    [again] = store.claim_inbox()  # but if the request's process died, it is taken after the lease
    assert again.id == item.id and again.attempts == 2
    assert store.complete(item, ConversationState(), [Reply(text="x")]) is None  # the late request: refused


def test_web_chat_answers_every_message_in_its_response_under_load(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s = make_settings(tmp_path, db_url=db_url, BINHDAN_SERVER__RATE_LIMIT_IP_PER_MINUTE="0",
                      BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE="0")
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    questions = ["quen mat khau vneid", "chuyen khoan nham", "dang ky muc 2", "vneid muc 2 la gi"]
    with ServerThread(create_app(s)) as app:  # the inbox worker runs in the same process
        async def user(client: httpx.AsyncClient, u: int) -> list[int]:
            counts = []
            for n in range(15):
                r = await client.post(f"{app.url}/api/chat", headers=headers(sids[u]), json={
                    "text": questions[(u + n) % 4], "message_id": f"m{u}x{n}"})
                assert r.status_code == 200
                counts.append(len(r.json()["replies"]))
            return counts

        sids = [new_session(app.url) for _ in range(8)]

        async def main() -> list[list[int]]:
            async with httpx.AsyncClient(timeout=30) as client:
                return await asyncio.gather(*(user(client, u) for u in range(8)))

        counts = asyncio.run(main())
    assert all(c >= 1 for per_user in counts for c in per_user), counts
    engine = make_engine(db_url)
    with engine.connect() as c:
        pending = c.execute(select(func.count()).select_from(OutboxRow).where(OutboxRow.channel == "web",
                                                                               OutboxRow.status != "sent")).scalar()
    engine.dispose()
    assert pending == 0  # nothing was answered behind the request's back


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_concurrent_outbox_claim_never_overtakes_a_reply_being_claimed(db_url: str) -> None:
    """Process A has claimed a person's first reply but not yet committed; process B claims at that moment.
    B must not take the same person's second reply (it would be sent before the first): B waits for A's
    claim to commit, then sees the first reply leased and leaves the second alone."""
    from sqlalchemy import text, update

    from bot.storage.messaging import OUTBOX_CLAIM_LOCK

    store = _store(db_url)
    first = store.enqueue("telegram", "chat-1", Reply(text="một"))
    second = store.enqueue("telegram", "chat-1", Reply(text="hai"))
    other = store.enqueue("telegram", "chat-2", Reply(text="khác"))
    got: list[list[int]] = []
    with store.sessions.begin() as a:  # process A, mid-claim
        a.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": OUTBOX_CLAIM_LOCK})
        a.execute(update(OutboxRow).where(OutboxRow.id == first).values(
            status="sending", next_attempt_at=datetime.now(UTC).replace(year=2100)))
        b = threading.Thread(target=lambda: got.append(
            [i.id for i in store.claim_outbox(channels=("telegram",), lease_s=60)]))
        b.start()
        time.sleep(0.5)
        assert got == []  # B waits for A's claim to commit
    b.join(10)
    assert got == [[other]]  # chat-1's second reply stays until its first one is sent
    assert second not in got[0]
