"""Privacy in the runtime and the database (SQLite and PostgreSQL): fair claiming, consent records,
export / erasure / retention over the registered handlers, the audit log, the per-user limit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from bot.bootstrap import build_services, ingest
from bot.core.messages import InboundMessage, Reply
from bot.retrieval.embedders import FakeEmbedder
from bot.storage.audit import AuditLog, subject_pseudonym
from bot.storage.tables.knowledge import QuestionRow
from bot.storage.tables.messaging import ConversationRow, InboxRow, OutboxRow
from bot.storage.tables.privacy import AuditRow, ConsentRow
from tests.conftest import make_settings


def services(tmp_path: Path, db_url: str, mini_kb: Path, **env: str) -> Any:
    s = make_settings(tmp_path, db_url=db_url, **env)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    return build_services(s)


def inbound(user: str, n: int, text: str = "quen mat khau vneid", channel: str = "telegram", **kw: str) -> InboundMessage:
    return InboundMessage(channel=channel, user_ref=user, platform_msg_id=f"{user}-{n}", received_at=datetime.now(UTC),
                          kind=kw.pop("kind", "text"), text=text, **kw)


def test_a_flood_from_one_user_does_not_hold_back_another(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    svc = services(tmp_path, db_url, mini_kb, BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE="0")
    for i in range(60):
        svc.processor.accept(inbound("flood", i, f"cau hoi so {i}"))
    for i in range(3):
        svc.processor.accept(inbound("calm", i))
    order: list[str] = []
    while True:
        items = svc.store.claim_inbox(limit=10)
        if not items:
            break
        users = [it.message.user_ref for it in items]
        assert len(users) == len(set(users))  # never two messages of one person in one batch
        for it in items:
            order.append(it.message.user_ref)
            svc.processor.process(it)
    calm_done = max(i for i, u in enumerate(order) if u == "calm")
    flood_done = max(i for i, u in enumerate(order) if u == "flood")
    assert len(order) == 63 and calm_done < 8 < flood_done  # the calm user's 3 messages went in the first batches
    assert order[0] == "calm"  # within a batch, the person with fewer waiting messages first
    with svc.sessions() as s:
        flood = [int(it.split("-")[1]) for it in
                 s.scalars(select(InboxRow.platform_msg_id).where(InboxRow.user_ref == "flood")
                           .order_by(InboxRow.processed_at, InboxRow.id))]
    assert flood == sorted(flood)  # one person's messages are still answered in order


def test_outbox_claims_take_a_few_replies_per_person(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    svc = services(tmp_path, db_url, mini_kb)
    for i in range(30):
        svc.store.enqueue("telegram", "flood", Reply(f"reply {i}"))
    svc.store.enqueue("telegram", "calm", Reply("for calm"))
    batch = svc.store.claim_outbox(channels=("telegram",), limit=20)
    users = [b.user_ref for b in batch]
    assert users.count("flood") == 4 and "calm" in users
    assert [b.reply.text for b in batch if b.user_ref == "flood"] == [f"reply {i}" for i in range(4)]


def test_consent_is_recorded_with_version_and_time(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    svc = services(tmp_path, db_url, mini_kb)
    first = svc.processor.process_now(svc.processor.accept(inbound("u1", 1, "/start", channel="web", kind="command")))
    assert "2. Tin nhắn được giữ 90 ngày" in next(r.text for r in first if r.kind == "notice")
    svc.processor.process_now(svc.processor.accept(inbound("u1", 2, "", channel="web", kind="action",
                                                           action="consent:no")))
    svc.processor.process_now(svc.processor.accept(inbound("u1", 3, "so dien thoai 0912345678 quen mat khau",
                                                           channel="web")))
    with svc.sessions() as s:
        rows = list(s.scalars(select(ConsentRow)))
        assert [(r.channel, r.user_ref, r.choice) for r in rows] == [("web", "u1", "declined")]
        assert rows[0].notice_version.startswith("2026-12") and rows[0].at is not None
        # declined: the answered question's text is not kept, nor in the conversation state
        texts = [r.text for r in s.scalars(select(InboxRow).where(InboxRow.platform_msg_id == "u1-3"))]
        assert texts == [""]
        state = s.scalar(select(ConversationRow.state).where(ConversationRow.user_ref == "u1"))
        assert state is not None and state["previous_questions"] == [] and state["consent"] == "declined"
        assert s.scalar(select(QuestionRow.id)) is None


def test_export_erase_and_audit_across_features(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    svc = services(tmp_path, db_url, mini_kb)
    p = svc.processor
    for n, (kind, text, action) in enumerate([("action", "", "consent:yes"), ("text", "quên mật khẩu vneid", ""),
                                              ("text", "cccd 001203004567 cấp lại ở đâu", "")]):
        p.process_now(p.accept(inbound("alice", n, text, channel="web", kind=kind, action=action)))
    p.process_now(p.accept(inbound("bob", 0, "quên mật khẩu vneid", channel="web")))
    data = svc.personal_data.export("web", "alice")
    assert {"questions", "conversation", "messages", "replies", "consent"} <= set(data)
    assert [m["text"] for m in data["messages"]][1:] == ["quên mật khẩu vneid", "cccd [CCCD] cấp lại ở đâu"]
    assert len(data["questions"]) == 2 and data["consent"][0]["choice"] == "given"
    assert "001203004567" not in json.dumps(data)

    replies = p.process_now(p.accept(inbound("alice", 10, "/xoa", channel="web", kind="command")))
    assert [b.action for b in replies[0].buttons] == ["rights:erase", "rights:keep"]
    replies = p.process_now(p.accept(inbound("alice", 11, "", channel="web", kind="action", action="rights:erase")))
    assert "Đã xóa" in replies[0].text
    after = svc.personal_data.export("web", "alice")
    assert set(after) <= {"conversation", "messages", "replies"}
    assert all(not m["text"] for m in after.get("messages", []))  # only the blanked confirmation remains
    assert "quên mật khẩu" not in json.dumps(after, ensure_ascii=False)
    assert after["conversation"][0]["state"]["consent"] == ""
    with svc.sessions() as s:
        assert s.scalar(select(QuestionRow.question).where(QuestionRow.question != "")) == "quên mật khẩu vneid"  # bob's
        assert len(list(s.scalars(select(QuestionRow)))) == 3  # statistics stay
        assert not list(s.scalars(select(ConsentRow).where(ConsentRow.user_ref == "alice")))
    entries = AuditLog(svc.sessions).recent(action="privacy.erase")
    assert len(entries) == 1 and entries[0].target == subject_pseudonym("web", "alice", svc.personal_data.pseudonym_key)
    assert entries[0].details["rows"]["messages"] >= 4  # type: ignore[index]
    assert "alice" not in json.dumps([e.__dict__ for e in AuditLog(svc.sessions).recent()], default=str)
    assert svc.personal_data.export("web", "bob")["messages"][0]["text"] == "quên mật khẩu vneid"


def test_retention_purge_deletes_old_conversation_text_only(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    svc = services(tmp_path, db_url, mini_kb, BINHDAN_PRIVACY__RETENTION_DAYS="30")
    p = svc.processor
    for user in ("old", "new"):
        p.process_now(p.accept(inbound(user, 0, "", channel="web", kind="action", action="consent:yes")))
        p.process_now(p.accept(inbound(user, 1, "quên mật khẩu vneid", channel="web")))
    past = datetime.now(UTC) - timedelta(days=40)
    with svc.sessions.begin() as s:
        s.execute(update(InboxRow).where(InboxRow.user_ref == "old").values(received_at=past))
        s.execute(update(OutboxRow).where(OutboxRow.user_ref == "old").values(created_at=past))
        s.execute(update(ConversationRow).where(ConversationRow.user_ref == "old").values(updated_at=past))
        first_q = s.scalar(select(QuestionRow.id).order_by(QuestionRow.id))
        s.execute(update(QuestionRow).where(QuestionRow.id == first_q).values(asked_at=past))
    counts = svc.personal_data.purge()
    assert counts["messages"] == 2 and counts["replies"] >= 2 and counts["conversation"] == 1 and counts["questions"] == 1
    assert svc.personal_data.purge() == {}  # nothing left to do
    old, new = svc.personal_data.export("web", "old"), svc.personal_data.export("web", "new")
    assert "messages" not in old and old["conversation"][0]["state"]["previous_questions"] == []
    assert old["conversation"][0]["state"]["consent"] == "given"  # the choice stays, the text goes
    assert [m["text"] for m in new["messages"]] == ["", "quên mật khẩu vneid"]
    with svc.sessions() as s:
        entry = s.scalar(select(AuditRow).where(AuditRow.action == "privacy.purge"))
        assert entry is not None and entry.actor == "system:retention" and entry.details["days"] == 30


def test_over_the_user_limit_messages_are_dropped_with_one_polite_reply(tmp_path: Path, db_url: str,
                                                                         mini_kb: Path) -> None:
    svc = services(tmp_path, db_url, mini_kb, BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE="5")
    ids = [svc.processor.accept(inbound("spam", i, f"so 0912345{i:03d}")) for i in range(12)]
    assert all(ids[:5]) and ids[5:] == [None] * 7
    assert svc.processor.accept(inbound("other", 0)) is not None  # another person is not affected
    with svc.sessions() as s:
        assert len(list(s.scalars(select(InboxRow).where(InboxRow.user_ref == "spam")))) == 5
        polite = [r.payload["reply"]["text"] for r in s.scalars(select(OutboxRow).where(OutboxRow.user_ref == "spam"))]  # type: ignore[index]
    assert len(polite) == 1 and "nhanh quá" in polite[0]
    long = svc.processor.accept(inbound("longtext", 0, "a" * 10_000), check_rate=False)
    with svc.sessions() as s:
        assert len(s.get(InboxRow, long).text) == 4000  # type: ignore[union-attr]
