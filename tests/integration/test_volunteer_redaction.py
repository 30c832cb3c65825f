"""Issue 25, finding 4: what a volunteer types is stored redacted, like a citizen's words — ticket
messages (web console and Telegram), close notes, FAQ proposals, the inbox rows of a volunteer's Telegram
chat and the outbox once delivered — while the citizen (on the Telegram fake, real HTTP) receives exactly
what the volunteer wrote. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.bootstrap import build_accounts, ingest
from bot.retrieval.embedders import FakeEmbedder
from bot.storage.db import make_engine
from bot.storage.tables.messaging import InboxRow, OutboxRow
from bot.storage.tables.tickets import FaqProposalRow, TicketMessageRow, TicketRow
from bot.web.app import create_app
from tests.conftest import make_settings
from tests.fakes import FakeTelegram, ServerThread, tg_callback_update, tg_text_update, wait_for

PW = "mat-khau-rat-dai-2026"
THUONG_LAM = "02269"
CITIZEN, VOLUNTEER = 5150, 9001
PHONE_WEB, PHONE_TG, CCCD = "0912 345 678", "0987.654.321", "001203004567"


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    with ServerThread(fake.app) as server:
        fake.url = server.url  # type: ignore[attr-defined]
        yield fake


def test_volunteer_words_reach_the_citizen_as_typed_and_are_redacted_at_rest(
        tmp_path: Path, db_url: str, mini_kb: Path, tg: FakeTelegram) -> None:
    s = make_settings(tmp_path, db_url=db_url, BINHDAN_HANDOFF__HOURS="00:00-23:59",
                      BINHDAN_TELEGRAM__TOKEN=tg.token, BINHDAN_TELEGRAM__API_BASE_URL=tg.url,  # type: ignore[attr-defined]
                      BINHDAN_TELEGRAM__WEBHOOK_URL="https://bot.example.gov.vn/webhooks/telegram",
                      BINHDAN_TELEGRAM__WEBHOOK_SECRET="tg-secret-1")
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    build_accounts(s).add_user("lan", PW, role="volunteer", communes=[THUONG_LAM], display_name="Lan")
    hdr = {"X-Telegram-Bot-Api-Secret-Token": "tg-secret-1"}

    def post(update: dict[str, Any]) -> None:
        assert httpx.post(f"{app.url}/webhooks/telegram", json=update, headers=hdr).status_code == 200

    def citizen_texts() -> list[str]:
        return [m["text"] for m in tg.sent_to(CITIZEN)]

    with ServerThread(create_app(s)) as app:
        web = httpx.Client(base_url=app.url, timeout=30)
        csrf = web.post("/api/auth/login", json={"username": "lan", "password": PW}).json()["csrf_token"]
        h = {"X-CSRF-Token": csrf}
        code = web.post("/api/volunteer/telegram-link", headers=h).json()["code"]
        post(tg_text_update(1, VOLUNTEER, f"/link {code}"))
        wait_for(lambda: any("Đã liên kết" in m["text"] for m in tg.sent_to(VOLUNTEER)))

        post(tg_text_update(2, CITIZEN, "toi muon gap nguoi that"))
        wait_for(lambda: any("xã/phường nào" in x for x in citizen_texts()))
        post(tg_text_update(3, CITIZEN, "Thượng Lâm"))
        wait_for(lambda: any("phiếu số 1" in x for x in citizen_texts()))
        post(tg_callback_update(4, VOLUNTEER, "tk:claim:1"))
        wait_for(lambda: any("Tình nguyện viên Lan đã nhận" in x for x in citizen_texts()))

        post(tg_text_update(5, VOLUNTEER, f"Bác gọi cán bộ xã số {PHONE_TG} nhé"))  # from Telegram
        wait_for(lambda: f"👤 Lan: Bác gọi cán bộ xã số {PHONE_TG} nhé" in citizen_texts())
        assert web.post("/api/tickets/1/messages", headers=h,  # from the web console
                        json={"text": f"Hoặc số {PHONE_WEB}, CCCD của bác là {CCCD} đúng không?"}).status_code == 200
        wait_for(lambda: f"👤 Lan: Hoặc số {PHONE_WEB}, CCCD của bác là {CCCD} đúng không?" in citizen_texts())
        r = web.post("/api/tickets/1/close", headers=h, json={
            "note": f"đã gọi {PHONE_WEB}, CCCD {CCCD}",
            "faq": {"question": f"Quên mật khẩu, sđt {PHONE_WEB}?", "answer": f"Gọi {PHONE_WEB} hoặc mở VNeID."}})
        assert r.status_code == 200
        wait_for(lambda: any("chấm điểm" in x for x in citizen_texts()))
        wait_for(lambda: _outbox_unsent(db_url) == 0)

    engine = make_engine(db_url)
    with engine.connect() as c:
        stored = {
            "ticket_messages": [m for (m,) in c.execute(select(TicketMessageRow.text))],
            "close_note": [c.execute(select(TicketRow.close_note)).scalar()],
            "faq": [f"{q} {a}" for q, a in c.execute(select(FaqProposalRow.question, FaqProposalRow.answer))],
            "inbox": [t for (t,) in c.execute(select(InboxRow.text))],
            "outbox": [json.dumps(p, ensure_ascii=False) for (p,) in c.execute(select(OutboxRow.payload))],
        }
    engine.dispose()
    dump = json.dumps(stored, ensure_ascii=False)
    for raw in (PHONE_WEB, PHONE_TG, CCCD, "0912", "0987"):
        assert raw not in dump, (raw, stored)
    assert any("[SĐT]" in m for m in stored["ticket_messages"]) and "[CCCD]" in stored["close_note"][0]
    assert "[SĐT]" in stored["faq"][0]
    assert any("👤 Lan: Bác gọi cán bộ xã số [SĐT] nhé" in o for o in stored["outbox"])
    assert "redact_after_send" not in dump


def _outbox_unsent(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        with engine.connect() as c:
            return len(list(c.execute(select(OutboxRow.id).where(OutboxRow.status != "sent"))))
    finally:
        engine.dispose()


@pytest.mark.parametrize("question", ["quên mật khẩu làm sao", "quen mat khau vneid thi lam sao"])
def test_forgot_password_questions_are_stored_as_typed_and_find_the_forgot_password_guide(
        tmp_path: Path, db_url: str, mini_kb: Path, question: str) -> None:
    from datetime import UTC, datetime

    from bot.bootstrap import build_services
    from bot.core.messages import InboundMessage

    s = make_settings(tmp_path, db_url=db_url)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    svc = build_services(s)

    def send(n: int, text: str = "", action: str = "") -> list[Any]:
        msg = InboundMessage(channel="web", user_ref="citizen-1", platform_msg_id=f"m{n}", received_at=datetime.now(UTC),
                             kind="action" if action else "text", text=text, action=action)
        return svc.processor.answer_now(msg) or []

    send(0, action="consent:yes")
    replies = send(1, question)
    assert not [r for r in replies if r.kind == "warning"]  # no "you sent a secret" warning
    answer = next(r for r in replies if r.sources)
    assert "quen-mat-khau" in answer.sources[0].url or "Quên mật khẩu" in answer.sources[0].title
    with svc.sessions() as db:
        assert db.scalar(select(InboxRow.text).where(InboxRow.platform_msg_id == "m1")) == question


def test_a_phone_number_split_across_two_messages_is_not_stored(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    from datetime import UTC, datetime

    from bot.bootstrap import build_services
    from bot.core.messages import InboundMessage

    s = make_settings(tmp_path, db_url=db_url)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    svc = build_services(s)
    ids = [svc.processor.accept(InboundMessage(channel="telegram", user_ref="77", platform_msg_id=f"p{n}",
                                               received_at=datetime.now(UTC), kind="text", text=text))
           for n, text in enumerate(["so cua em 0912 345", "678 a"])]
    with svc.sessions() as db:
        stored = [db.scalar(select(InboxRow.text).where(InboxRow.id == i)) for i in ids]
    assert stored == ["so cua em [SĐT]", "[SĐT] a"]
