"""The volunteers' side of the bot on Telegram.

A volunteer links their Telegram chat once with `/link CODE` (the code comes from the web console). From
then on, messages from that chat are *volunteer* messages, not citizen questions:

- new tickets arrive as messages with a "Nhận hỗ trợ" button (`tk:claim:ID`);
- replying to a ticket's message (which names "#ID") relays the text to the citizen, in the citizen's own
  channel; with exactly one claimed ticket, a plain message goes to it;
- `/xong [ghi chú]` closes (the ticket replied to, or the only claimed one); `/tralai` gives it back to the
  pool (claimed by mistake, or the volunteer must stop); `/vang` and `/sansang` set
  away / available; `/phieu` lists the volunteer's claimed tickets.
"""

from __future__ import annotations

import re

from bot.core.errors import DomainError
from bot.core.messages import Button, InboundMessage, Reply
from bot.storage.accounts import Accounts, User
from bot.storage.tickets import SqlTicketDesk

HELP = (
    "Bạn đang dùng trợ lý với vai trò tình nguyện viên.\n"
    "1. Bấm \"Nhận hỗ trợ\" dưới một phiếu để nhận.\n"
    "2. Trả lời (reply) vào tin nhắn của phiếu để nhắn cho công dân.\n"
    "3. /xong [ghi chú] để đóng phiếu. /phieu xem phiếu đang nhận.\n"
    "4. /tralai để trả lại phiếu cho người khác nhận.\n"
    "5. /vang khi bận, /sansang khi rảnh."
)


class VolunteerChat:
    def __init__(self, accounts: Accounts, desk: SqlTicketDesk, *, channel: str = "telegram") -> None:
        self.accounts = accounts
        self.desk = desk
        self.channel = channel

    def handles(self, msg: InboundMessage) -> bool:
        """True for a `/link` command or any message from a linked volunteer's chat."""
        if msg.channel != self.channel:
            return False
        if msg.kind in ("text", "command") and re.match(r"^/link(@\w+)?\b", msg.text.strip(), re.IGNORECASE):
            return True
        return self.accounts.by_telegram(msg.user_ref) is not None

    def handle(self, msg: InboundMessage) -> list[Reply]:
        text = msg.text.strip()
        m = re.match(r"^/link(?:@\w+)?\s*(\S*)", text, re.IGNORECASE)
        if m:
            user = self.accounts.link_telegram(m.group(1), msg.user_ref)
            if user is None:
                return [Reply("Mã liên kết không đúng hoặc đã hết hạn. Hãy lấy mã mới trong trang /volunteer.")]
            return [Reply(f"Đã liên kết Telegram với tài khoản {user.display_name}.\n\n{HELP}")]
        user = self.accounts.by_telegram(msg.user_ref)
        if user is None:
            return []
        try:
            return self._handle(user, msg, text)
        except DomainError as exc:
            return [Reply(f"Không làm được: {exc.message}")]

    def _context(self, user: User, ticket_id: int, *, head: str) -> Reply:
        view = self.desk.get_for(user, ticket_id)
        lines = [f"{head} #{view.id}. Trả lời (reply) vào tin nhắn này để nhắn cho công dân."]
        turns = view.summary.get("turns")
        for turn in turns if isinstance(turns, list) else []:
            if isinstance(turn, dict) and turn.get("q"):
                lines.append(f"• Hỏi trợ lý: {turn['q']}")
        for m in view.messages[-5:]:
            who = "Công dân" if m.sender == "citizen" else (m.author or "TNV")
            lines.append(f"{who}: {m.text}")
        lines.append("Gõ /xong khi đã giúp xong.")
        return Reply("\n".join(lines), kind="ticket")

    def _target(self, user: User, msg: InboundMessage) -> int | None:
        ref = msg.meta.get("reply_ticket", "")
        if ref.isdigit():
            return int(ref)
        mine = self.desk.claimed_by_volunteer(user)
        return mine[0] if len(mine) == 1 else None

    def _handle(self, user: User, msg: InboundMessage, text: str) -> list[Reply]:
        if msg.kind == "action":
            parts = msg.action.split(":")
            if len(parts) == 3 and parts[0] == "tk" and parts[2].isdigit():
                ticket_id = int(parts[2])
                if parts[1] == "claim":
                    self.desk.claim(user, ticket_id)
                    return [self._context(user, ticket_id, head="Bạn đã nhận phiếu")]
                if parts[1] == "show":
                    return [self._context(user, ticket_id, head="Phiếu")]
            return []
        cmd = re.match(r"^/(\w+)(?:@\w+)?\s*(.*)$", text, re.DOTALL)
        if cmd:
            name, arg = cmd.group(1).lower(), cmd.group(2).strip()
            if name in ("xong", "done"):
                target = self._target(user, msg)
                if target is None:
                    return [Reply("Hãy trả lời (reply) vào tin nhắn của phiếu cần đóng, rồi gõ /xong.")]
                self.desk.close(user, target, note=arg)
                return [Reply(f"Đã đóng phiếu #{target}. Cảm ơn bạn!")]
            if name in ("tralai", "release"):
                target = self._target(user, msg)
                if target is None:
                    return [Reply("Hãy trả lời (reply) vào tin nhắn của phiếu cần trả lại, rồi gõ /tralai.")]
                self.desk.release(user, target, note=arg)
                return [Reply(f"Đã trả lại phiếu #{target}. Tình nguyện viên khác sẽ nhận.")]
            if name in ("vang", "away"):
                self.accounts.set_available(user.id, False)
                return [Reply("Đã ghi nhận bạn đang bận: bạn sẽ không nhận phiếu mới.")]
            if name in ("sansang", "available"):
                self.accounts.set_available(user.id, True)
                return [Reply("Đã ghi nhận bạn sẵn sàng nhận phiếu mới.")]
            if name == "phieu":
                mine = self.desk.claimed_by_volunteer(user)
                if not mine:
                    return [Reply("Bạn chưa nhận phiếu nào.")]
                return [Reply("Phiếu bạn đang nhận: " + ", ".join(f"#{i}" for i in mine))]
            return [Reply(HELP)]
        if msg.kind != "text" or not text:
            return [Reply(HELP)]
        target = self._target(user, msg)
        if target is None:
            mine = self.desk.claimed_by_volunteer(user)
            if not mine:
                return [Reply("Bạn chưa nhận phiếu nào. " + HELP)]
            return [Reply("Bạn đang nhận nhiều phiếu. Hãy trả lời (reply) vào tin nhắn của phiếu cần nhắn.",
                          tuple(Button(f"Phiếu #{i}", f"tk:show:{i}") for i in mine[:5]))]
        self.desk.reply(user, target, text, source_msg_id=f"{msg.channel}:{msg.platform_msg_id}")
        return [Reply(f"✓ Đã gửi cho công dân (phiếu #{target}).")]
