"""The conversation a reloaded web-chat page shows again (bot.core.chathistory, issue 26)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.chathistory import Said, Sent, ticket_notice, transcript
from bot.core.messages import Button, Reply

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


CONSENT = Reply("Bạn có đồng ý không?", (Button("Đồng ý", "consent:yes"), Button("Không đồng ý", "consent:no")))
MENU = Reply("Bạn cần giúp việc gì?", (Button("Hỏi đáp VNeID", "topic:vneid"),))


def test_button_presses_show_their_titles_and_the_silent_start_is_left_out() -> None:
    said = [Said(1, at(0), "action", "", "start"), Said(2, at(5), "action", "", "consent:yes", "m1"),
            Said(3, at(9), "text", "quen mat khau [số CCCD]", message_id="m2")]
    sent = [Sent(10, at(0.1), 1, 0, Reply("Xin chào!")), Sent(11, at(0.1), 1, 1, CONSENT), Sent(12, at(0.1), 1, 2, MENU),
            Sent(13, at(5.1), 2, 0, Reply("Cảm ơn bạn.", MENU.buttons)), Sent(14, at(9.1), 3, 0, Reply("Bạn làm thế này …"))]
    lines = transcript(said, sent)
    assert [(ln.who, ln.text) for ln in lines] == [
        ("bot", "Xin chào!"), ("bot", "Bạn có đồng ý không?"), ("bot", "Bạn cần giúp việc gì?"), ("me", "Đồng ý"),
        ("bot", "Cảm ơn bạn."), ("me", "quen mat khau [số CCCD]"), ("bot", "Bạn làm thế này …")]
    assert [ln.message_id for ln in lines if ln.who == "me"] == ["m1", "m2"]


def test_only_the_last_turn_keeps_its_buttons() -> None:
    said = [Said(1, at(0), "text", "xin chao"), Said(2, at(10), "text", "gap tinh nguyen vien")]
    sent = [Sent(10, at(0.1), 1, 0, CONSENT), Sent(11, at(10.1), 2, 0, Reply("Xã nào?", (Button("Bỏ qua", "commune:skip"),))),
            Sent(12, at(10.1), 2, 1, MENU)]
    lines = transcript(said, sent)
    assert [len(ln.reply.buttons) for ln in lines if ln.reply] == [0, 1, 1]


def test_a_volunteer_reply_sits_at_its_time_and_the_limit_keeps_the_newest() -> None:
    said = [Said(i, at(i * 10), "text", f"cau {i}") for i in range(1, 16)]
    sent = [Sent(100 + i, at(i * 10 + 1), i, 0, Reply(f"tra loi {i}")) for i in range(1, 16)]
    sent.append(Sent(200, at(55), None, 0, Reply("👤 Lan: Chào bác ạ.")))
    lines = transcript(said, sent, limit=20)
    assert len(lines) == 20 and lines[-1].text == "tra loi 15"
    texts = [ln.text for ln in transcript(said, sent, limit=50)]
    assert texts.index("👤 Lan: Chào bác ạ.") == texts.index("tra loi 5") + 1


def test_ticket_notice_names_the_ticket_number() -> None:
    assert ticket_notice(42, "open") == "Câu hỏi của bạn đang chờ tình nguyện viên (số phiếu 42)."
    assert "42" in ticket_notice(42, "claimed") and "nhận" in ticket_notice(42, "claimed")
    assert ticket_notice(7, "open", lang="en").startswith("Your question is waiting")
