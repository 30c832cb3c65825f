"""A linked volunteer's Telegram messages (bot/core/handoff/volunteer_chat.py) over in-memory ports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.core.handoff.errors import Conflict
from bot.core.handoff.views import TicketMessage, TicketView
from bot.core.handoff.volunteer_chat import VolunteerChat
from bot.core.messages import InboundMessage

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Vol:
    id: int = 1
    display_name: str = "Lan"
    role: str = "volunteer"
    communes: tuple[str, ...] = ("08100",)
    sees_all_communes: bool = False


@dataclass
class Accounts:
    linked: dict[str, Vol] = field(default_factory=dict)
    available: dict[int, bool] = field(default_factory=dict)

    def by_telegram(self, chat_id: str) -> Vol | None:
        return self.linked.get(chat_id)

    def link_telegram(self, code: str, chat_id: str) -> Vol | None:
        if code != "ABC123":
            return None
        self.linked[chat_id] = Vol()
        return self.linked[chat_id]

    def set_available(self, user_id: int, available: bool) -> None:
        self.available[user_id] = available


@dataclass
class Desk:
    mine: list[int] = field(default_factory=list)
    done: list[tuple[str, int, str]] = field(default_factory=list)

    def get_for(self, user: Vol, ticket_id: int) -> TicketView:
        return TicketView(ticket_id, "claimed", "normal", "asked", "08100", "zalo", "vi",
                          {"turns": [{"q": "quen mat khau vneid"}]}, NOW, None, NOW, user.id, user.display_name,
                          None, None, "", None, (TicketMessage(1, "citizen", "", "alo", NOW),))

    def claim(self, user: Vol, ticket_id: int) -> TicketView:
        if ticket_id in self.mine:
            raise Conflict("already claimed by someone else")
        self.mine.append(ticket_id)
        return self.get_for(user, ticket_id)

    def reply(self, user: Vol, ticket_id: int, text: str, *, source_msg_id: str = "") -> None:
        self.done.append(("reply", ticket_id, text))

    def close(self, user: Vol, ticket_id: int, *, note: str = "") -> TicketView:
        self.done.append(("close", ticket_id, note))
        return self.get_for(user, ticket_id)

    def release(self, user: Vol, ticket_id: int, *, note: str = "") -> TicketView:
        self.done.append(("release", ticket_id, note))
        return self.get_for(user, ticket_id)

    def claimed_by_volunteer(self, user: Vol) -> list[int]:
        return list(self.mine)


def msg(text: str = "", *, kind: str = "text", action: str = "", reply_ticket: str = "") -> InboundMessage:
    meta = {"reply_ticket": reply_ticket} if reply_ticket else {}
    return InboundMessage(channel="telegram", user_ref="9001", text=text, kind=kind, action=action,
                          platform_msg_id="5", received_at=NOW, meta=meta)


def test_link_then_claim_reply_close() -> None:
    accounts, desk = Accounts(), Desk()
    chat = VolunteerChat(accounts, desk)
    assert not chat.handles(msg("xin chao"))
    assert chat.handles(msg("/link ABC123", kind="command"))
    assert "không đúng" in chat.handle(msg("/link WRONG1", kind="command"))[0].text
    assert chat.handle(msg("/link ABC123", kind="command"))[0].text.startswith("Đã liên kết Telegram với tài khoản Lan.")
    assert chat.handles(msg("xin chao"))
    assert "chưa nhận phiếu nào" in chat.handle(msg("xin chao"))[0].text
    context = chat.handle(msg(kind="action", action="tk:claim:4"))[0]
    assert context.text.startswith("Bạn đã nhận phiếu #4.") and "• Hỏi trợ lý: quen mat khau vneid" in context.text
    assert "Công dân: alo" in context.text
    assert "Không làm được: already claimed" in chat.handle(msg(kind="action", action="tk:claim:4"))[0].text
    assert chat.handle(msg("Bac mo VNeID nhe"))[0].text == "✓ Đã gửi cho công dân (phiếu #4)."
    assert chat.handle(msg("/xong da xong", kind="command"))[0].text == "Đã đóng phiếu #4. Cảm ơn bạn!"
    assert desk.done == [("reply", 4, "Bac mo VNeID nhe"), ("close", 4, "da xong")]


def test_several_tickets_need_a_reply_to_one_and_availability_commands() -> None:
    accounts, desk = Accounts({"9001": Vol()}), Desk(mine=[4, 5])
    chat = VolunteerChat(accounts, desk)
    many = chat.handle(msg("alo"))[0]
    assert "nhiều phiếu" in many.text and [b.action for b in many.buttons] == ["tk:show:4", "tk:show:5"]
    assert "cần đóng" in chat.handle(msg("/xong", kind="command"))[0].text
    assert chat.handle(msg("/tralai", kind="command", reply_ticket="5"))[0].text.startswith("Đã trả lại phiếu #5")
    assert chat.handle(msg("/phieu", kind="command"))[0].text == "Phiếu bạn đang nhận: #4, #5"
    chat.handle(msg("/vang", kind="command"))
    assert accounts.available == {1: False}
    chat.handle(msg("/sansang", kind="command"))
    assert accounts.available == {1: True}
    assert chat.handle(msg("/whatever", kind="command"))[0].text.startswith("Bạn đang dùng trợ lý với vai trò")
