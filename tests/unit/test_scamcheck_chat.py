"""The scam checker in the conversation engine (issue 20): menu button, /kiemtra, forwarded and pasted
messages, the "shall I check it?" question, and the urgent path when money already went out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.channels.telegram import parse_update
from bot.channels.zalo import parse_event
from bot.core.answering.service import AnswerService, Calibration
from bot.core.conversation.engine import ConversationService
from bot.core.messages import ConversationState, InboundMessage
from bot.core.privacy.redaction import redact
from bot.core.scamcheck import ScamChecker
from bot.core.scamcheck.chat import ScamChat
from bot.infra.scamlists import load_scam_lists
from tests.fakes_core import Desk, FakeRetriever, RecordingLog, passage

ROOT = Path(__file__).resolve().parents[2]
SCAM = ("Vietcombank: Tai khoan cua Quy khach se bi khoa sau 24h do chua cap nhat sinh trac hoc. "
        "Vui long xac thuc ngay tai https://vietcombank-sinhtrachoc.top")


def engine() -> tuple[ConversationService, Desk]:
    desk = Desk()
    r = FakeRetriever((passage("a", 0.9), passage("b", 0.8)), coverage=1.0)
    svc = AnswerService(r, calibration=Calibration((-6.0, 0.0, 12.0, 0.0), 0.5), question_log=RecordingLog())
    lists = load_scam_lists(ROOT / "knowledge/official_domains.txt", ROOT / "knowledge/official_hotlines.txt")
    return ConversationService(svc, handoff=desk, scam=ScamChat(ScamChecker(lists))), desk


def msg(kind: str = "text", text: str = "", action: str = "", **meta: str) -> InboundMessage:
    # the runtime redacts every text before the engine sees it: the tests do the same
    return InboundMessage(channel="web", user_ref="u1", platform_msg_id="1", received_at=datetime.now(UTC),
                          kind=kind, text=redact(text), action=action, meta=dict(meta))


def test_main_menu_has_the_check_a_strange_message_button() -> None:
    conv, _ = engine()
    replies = conv.handle(msg("command", "/menu"), ConversationState())
    assert ("Kiểm tra tin nhắn lạ", "scam:start") in [(b.title, b.action) for b in replies[-1].buttons]


def test_kiemtra_checks_the_next_message_and_shows_verdict_reasons_advice_and_buttons() -> None:
    conv, desk = engine()
    st = ConversationState()
    first = conv.handle(msg("command", "/kiemtra"), st)
    assert "dán" in first[0].text and st.scam_wait
    replies = conv.handle(msg(text=SCAM), st)
    text = replies[0].text
    assert "LỪA ĐẢO" in text and "Vì sao:" in text and "Bạn nên làm:" in text and "1." in text
    assert text.count("• ") <= 4
    actions = [b.action for b in replies[0].buttons]
    assert actions[0].startswith("ask:at-") and "volunteer" in actions and "scam:start" in actions
    assert not st.scam_wait and not desk.requests


def test_the_button_waits_for_the_message_like_the_command() -> None:
    conv, _ = engine()
    st = ConversationState()
    conv.handle(msg("action", action="scam:start"), st)
    replies = conv.handle(msg(text="Ma OTP cua Quy khach la 482913. KHONG cung cap ma nay cho bat ky ai."), st)
    assert "LỪA ĐẢO" not in replies[0].text and "chưa chắc là an toàn" in replies[0].text


def test_a_forwarded_message_is_checked_at_once() -> None:
    conv, _ = engine()
    replies = conv.handle(msg(text="Chuc mung ban trung thuong 50 trieu, nop phi 2 trieu de nhan", forwarded="1"),
                          ConversationState())
    assert "LỪA ĐẢO" in replies[0].text or "đáng ngờ" in replies[0].text


def test_a_plainly_pasted_scam_is_checked_without_asking() -> None:
    conv, _ = engine()
    replies = conv.handle(msg(text=SCAM), ConversationState())
    assert "LỪA ĐẢO" in replies[0].text


def test_a_short_or_question_like_message_gets_asked_first_and_no_answers_the_question() -> None:
    conv, _ = engine()
    st = ConversationState()
    replies = conv.handle(msg(text="link vneid-capnhat.com nay co phai lua dao khong?"), st)
    assert replies[0].text == "Bạn muốn kiểm tra tin nhắn này có phải lừa đảo không?"
    assert [b.action for b in replies[0].buttons] == ["scam:yes", "scam:no"]
    assert st.scam_pending  # redacted text only
    checked = conv.handle(msg("action", action="scam:yes"), st)
    assert "LỪA ĐẢO" in checked[0].text or "đáng ngờ" in checked[0].text
    assert not st.scam_pending
    conv.handle(msg(text="link vneid-capnhat.com nay co phai lua dao khong?"), st)
    answered = conv.handle(msg("action", action="scam:no"), st)
    assert answered[0].kind == "answer"


def test_ordinary_questions_are_not_taken_by_the_checker() -> None:
    conv, _ = engine()
    replies = conv.handle(msg(text="quên mật khẩu vneid"), ConversationState())
    assert replies[0].kind == "answer"


def test_money_already_sent_goes_to_the_urgent_path_with_a_ticket_at_once() -> None:
    conv, desk = engine()
    st = ConversationState(consent="given")
    conv.handle(msg("command", "/kiemtra"), st)
    replies = conv.handle(msg(text="Toi da chuyen 5 trieu vao STK 0451000338877 theo tin nay: Tai khoan cua ban bi "
                                   "khoa, chuyen tien sang tai khoan an toan de bao ve"), st)
    assert "LỪA ĐẢO" in replies[0].text
    assert any("Gọi tổng đài ngân hàng" in r.text for r in replies)
    assert desk.requests and desk.requests[0]["priority"] == "urgent"
    assert st.state == "waiting_volunteer"


def test_pasted_numbers_are_not_kept_raw_in_the_state() -> None:
    conv, _ = engine()
    st = ConversationState()
    conv.handle(msg(text="goi 0912 774 063 ngay nhe, link vneid-capnhat.com?"), st)
    assert "0912" not in st.scam_pending and "774" not in str(st.as_dict())


def test_telegram_forwarded_messages_carry_the_flag() -> None:
    m = parse_update({"update_id": 5, "message": {"message_id": 1, "date": 1700000000, "chat": {"id": 9, "type": "private"},
                      "from": {"id": 9, "first_name": "A"}, "text": "Tai khoan bi khoa",
                      "forward_origin": {"type": "hidden_user", "sender_user_name": "X", "date": 1699999999}}})
    assert m is not None and m.forwarded and m.meta["forwarded"] == "1"
    plain = parse_update({"update_id": 6, "message": {"message_id": 2, "date": 1700000000, "text": "chao",
                          "chat": {"id": 9, "type": "private"}}})
    assert plain is not None and not plain.forwarded


def test_zalo_shared_links_carry_the_flag_and_the_link() -> None:
    m = parse_event({"event_name": "user_send_link", "timestamp": "1700000000000", "sender": {"id": "u"},
                     "message": {"msg_id": "m1", "text": "xem nay",
                                 "attachments": [{"type": "link", "payload": {"url": "https://vneid-capnhat.com/a",
                                                                              "title": "VNeID cap nhat"}}]}})
    assert m is not None and m.forwarded and "https://vneid-capnhat.com/a" in m.text
