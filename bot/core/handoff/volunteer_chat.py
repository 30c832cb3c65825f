"""The volunteers' side of the bot on Telegram.

A volunteer links their Telegram chat once with `/link CODE` (the code comes from the web console). From
then on, messages from that chat are *volunteer* messages, not citizen questions:

- new tickets arrive as messages with a "Nhận hỗ trợ" button (`tk:claim:ID`);
- replying to a ticket's message (which names "#ID") relays the text to the citizen, in the citizen's own
  channel; with exactly one claimed ticket, a plain message goes to it;
- `/xong [ghi chú]` closes (the ticket replied to, or the only claimed one); `/tralai` gives it back to the
  pool (claimed by mistake, or the volunteer must stop); `/vang` and `/sansang` set
  away / available; `/phieu` lists the volunteer's claimed tickets.

Volunteers read Vietnamese (`t("vi", "vt_…")`, bot/core/texts/vi_handoff.py).
"""

from __future__ import annotations

import re

from bot.core.errors import DomainError
from bot.core.handoff.lifecycle import Volunteer
from bot.core.handoff.ports import VolunteerAccounts, VolunteerDesk
from bot.core.messages import Button, InboundMessage, Reply
from bot.core.texts import t


def _say(key: str, **kw: object) -> str:
    return t("vi", key, **kw)


class VolunteerChat:
    def __init__(self, accounts: VolunteerAccounts, desk: VolunteerDesk, *, channel: str = "telegram") -> None:
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
            linked = self.accounts.link_telegram(m.group(1), msg.user_ref)
            if linked is None:
                return [Reply(_say("vt_link_bad"))]
            return [Reply(_say("vt_linked", name=linked.display_name, help=_say("vt_help")))]
        user = self.accounts.by_telegram(msg.user_ref)
        if user is None:
            return []
        try:
            return self._handle(user, msg, text)
        except DomainError as exc:
            return [Reply(_say("vt_failed", message=exc.message))]

    def _context(self, user: Volunteer, ticket_id: int, *, head: str) -> Reply:
        view = self.desk.get_for(user, ticket_id)
        lines = [_say("vt_context", head=head, id=view.id)]
        turns = view.summary.get("turns")
        for turn in turns if isinstance(turns, list) else []:
            if isinstance(turn, dict) and turn.get("q"):
                lines.append(_say("vt_context_asked", q=turn["q"]))
        for m in view.messages[-5:]:
            who = _say("vt_citizen") if m.sender == "citizen" else (m.author or _say("vt_volunteer"))
            lines.append(f"{who}: {m.text}")
        lines.append(_say("vt_context_foot"))
        return Reply("\n".join(lines), kind="ticket")

    def _target(self, user: Volunteer, msg: InboundMessage) -> int | None:
        ref = msg.meta.get("reply_ticket", "")
        if ref.isdigit():
            return int(ref)
        mine = self.desk.claimed_by_volunteer(user)
        return mine[0] if len(mine) == 1 else None

    def _handle(self, user: Volunteer, msg: InboundMessage, text: str) -> list[Reply]:
        if msg.kind == "action":
            return self._action(user, msg.action)
        cmd = re.match(r"^/(\w+)(?:@\w+)?\s*(.*)$", text, re.DOTALL)
        if cmd:
            return self._command(user, msg, cmd.group(1).lower(), cmd.group(2).strip())
        if msg.kind != "text" or not text:
            return [Reply(_say("vt_help"))]
        target = self._target(user, msg)
        if target is None:
            mine = self.desk.claimed_by_volunteer(user)
            if not mine:
                return [Reply(_say("vt_none") + " " + _say("vt_help"))]
            return [Reply(_say("vt_many"), tuple(Button(_say("btn_vt_ticket", id=i), f"tk:show:{i}") for i in mine[:5]))]
        self.desk.reply(user, target, text, source_msg_id=f"{msg.channel}:{msg.platform_msg_id}")
        return [Reply(_say("vt_sent", id=target))]

    def _action(self, user: Volunteer, action: str) -> list[Reply]:
        parts = action.split(":")
        if len(parts) == 3 and parts[0] == "tk" and parts[2].isdigit():
            ticket_id = int(parts[2])
            if parts[1] == "claim":
                self.desk.claim(user, ticket_id)
                return [self._context(user, ticket_id, head=_say("vt_head_claimed"))]
            if parts[1] == "show":
                return [self._context(user, ticket_id, head=_say("vt_head_show"))]
        return []

    def _command(self, user: Volunteer, msg: InboundMessage, name: str, arg: str) -> list[Reply]:
        if name in ("xong", "done"):
            target = self._target(user, msg)
            if target is None:
                return [Reply(_say("vt_close_which"))]
            self.desk.close(user, target, note=arg)
            return [Reply(_say("vt_closed", id=target))]
        if name in ("tralai", "release"):
            target = self._target(user, msg)
            if target is None:
                return [Reply(_say("vt_release_which"))]
            self.desk.release(user, target, note=arg)
            return [Reply(_say("vt_released", id=target))]
        if name in ("vang", "away"):
            self.accounts.set_available(user.id, False)
            return [Reply(_say("vt_away"))]
        if name in ("sansang", "available"):
            self.accounts.set_available(user.id, True)
            return [Reply(_say("vt_available"))]
        if name == "phieu":
            mine = self.desk.claimed_by_volunteer(user)
            if not mine:
                return [Reply(_say("vt_none"))]
            return [Reply(_say("vt_mine", ids=", ".join(f"#{i}" for i in mine)))]
        return [Reply(_say("vt_help"))]
