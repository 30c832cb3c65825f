"""The conversation engine with fakes: first contact, menu, consent, feedback, language, hand-off."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.conversation.commands import wants_human
from bot.core.messages import ConversationState, InboundMessage
from tests.fakes_core import engine


def msg(kind: str = "text", text: str = "", action: str = "") -> InboundMessage:
    return InboundMessage(channel="web", user_ref="u1", platform_msg_id="1", received_at=datetime.now(UTC),
                          kind=kind, text=text, action=action)


def test_first_message_that_is_a_question_gets_the_answer_then_the_notice() -> None:
    conv, _log, _ = engine()
    st = ConversationState()
    replies = conv.handle(msg(text="quên mật khẩu vneid"), st)
    assert [r.kind for r in replies] == ["answer", "notice"]
    assert [b.action for b in replies[1].buttons] == ["consent:yes", "consent:no"]
    assert st.greeted and st.options == ["consent:yes", "consent:no"]
    replies = conv.handle(msg(text="1"), st)  # typed "1" = the first button
    assert st.consent == "given" and st.consent_version and "Cảm ơn" in replies[0].text


def test_start_shows_greeting_notice_and_main_menu_with_the_six_entries() -> None:
    conv, _, _ = engine()
    st = ConversationState()
    replies = conv.handle(msg("command", "/start 02264"), st)
    assert [r.kind for r in replies] == ["info", "notice", "menu"]
    assert [b.title for b in replies[-1].buttons] == ["Hỏi đáp VNeID", "Dịch vụ công", "Thanh toán",
                                                       "An toàn trên mạng", "Học kỹ năng số", "Gặp tình nguyện viên"]
    assert st.commune == "02264"


def test_every_answer_has_feedback_buttons_and_feedback_is_recorded() -> None:
    conv, log, _ = engine()
    st = ConversationState(greeted=True, consent="given")
    (answer,) = conv.handle(msg(text="quên mật khẩu"), st)
    assert [b.title for b in answer.buttons[:2]] == ["Hữu ích", "Chưa đúng"]
    assert answer.sources[0].doc_id == "a"
    conv.handle(msg("action", action=answer.buttons[1].action), st)
    assert log.records and st.last_feedback == "not_helpful"


def test_declined_consent_means_questions_are_not_kept() -> None:
    conv, log, _ = engine()
    st = ConversationState(greeted=True)
    conv.handle(msg("action", action="consent:no"), st)
    conv.handle(msg(text="quên mật khẩu"), st)
    assert st.consent == "declined" and log.records == []


def test_two_misses_in_a_row_offer_a_volunteer_and_asking_for_a_person_hands_off() -> None:
    conv, _, desk = engine(coverage=0.0)
    st = ConversationState(greeted=True, consent="given")
    conv.handle(msg(text="giá lúa hôm nay"), st)
    (second,) = conv.handle(msg(text="thời tiết mai"), st)
    assert "tình nguyện viên" in second.text and second.buttons[0].action == "volunteer"
    assert wants_human("toi muon gap nguoi that") and wants_human("cho tôi nói chuyện với cán bộ")
    assert not wants_human("quên mật khẩu vneid")
    replies = conv.handle(msg(text="toi muon gap nguoi that"), st)
    assert st.state == "waiting_volunteer" and desk.requests[0]["reason"] == "not_covered"
    assert "phiếu số 1" in replies[-1].text and "12 phút" in replies[-1].text
    summary = desk.requests[0]["summary"]
    assert [t["q"] for t in summary.turns] == ["giá lúa hôm nay", "thời tiết mai"]  # type: ignore[attr-defined]


def test_relay_while_waiting_then_quiet_while_a_volunteer_answers_then_cancel() -> None:
    conv, _, desk = engine()
    st = ConversationState(greeted=True, consent="given", commune="02269")
    conv.handle(msg("command", "/tinhnguyenvien"), st)
    assert desk.requests[0]["commune"] == "02269" and desk.requests[0]["reason"] == "command"
    replies = conv.handle(msg(text="quên mật khẩu, số tôi 0912345678"), st)
    assert desk.relayed == ["quên mật khẩu, số tôi [SĐT]"] and replies  # waiting: the bot still answers
    desk.status = "claimed"
    assert conv.handle(msg(text="cảm ơn anh"), st) == [] and st.state == "with_volunteer"
    assert desk.relayed[-1] == "cảm ơn anh"
    replies = conv.handle(msg("command", "/huy"), st)
    assert st.state == "bot" and "huỷ" in replies[0].text.lower()
    conv.handle(msg("action", action="tk:rate:1:4"), st)
    assert desk.ratings == [4]


def test_urgent_words_open_an_urgent_ticket_without_asking_the_commune() -> None:
    conv, _, desk = engine()
    st = ConversationState(greeted=True, consent="given")
    replies = conv.handle(msg(text="toi bi lua chuyen tien roi"), st)
    assert desk.requests[0]["priority"] == "urgent" and desk.requests[0]["reason"] == "urgent"
    assert "KHẨN" in replies[-1].text and st.state == "waiting_volunteer"


def test_language_follows_the_user_and_can_be_switched() -> None:
    conv, _, _ = engine(lang="en")
    st = ConversationState(greeted=True, consent="given")
    conv.handle(msg(text="forgot my password"), st)
    assert st.lang == "en"
    replies = conv.handle(msg("command", "/lang vi"), st)
    assert st.lang == "vi" and st.lang_chosen and "tiếng Việt" in replies[0].text


def test_sensitive_data_gets_a_warning_first_and_is_not_passed_on_raw() -> None:
    conv, log, _ = engine()
    st = ConversationState(greeted=True, consent="given")
    replies = conv.handle(msg(text="mã OTP là 123456 có người hỏi"), st)
    assert replies[0].kind == "warning" and "công an" in replies[0].text
    assert "123456" not in log.records[0].question


def test_unsupported_and_unknown_commands_are_answered_politely() -> None:
    conv, _, _ = engine()
    st = ConversationState(greeted=True)
    assert "chữ" in conv.handle(msg("unsupported"), st)[0].text
    assert "không biết lệnh" in conv.handle(msg("command", "/xyz"), st)[0].text
