"""The web chat's conversation as the page shows it again after a reload (issue 26).

`transcript` turns what the server kept about a session — the citizen's messages (already redacted when
they were stored) and the replies sent to them — into the last `limit` lines of the conversation, oldest
first:
- a citizen's text is shown as stored (redacted: "[số CCCD]" instead of the number);
- a button press is shown with the title of that button in the newest earlier reply that offered it;
  a press whose button cannot be found (the page's silent "start" on load, a typed /command) is left out;
- only the replies of the last turn (after the citizen's last message) keep their buttons, so no button
  of a past turn can be pressed again after a reload.
Ordering: a reply sits right after the message it answers; replies that answer nothing (a volunteer's)
sit at the time they were queued.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.messages import Reply


@dataclass(frozen=True)
class Said:
    """A stored inbound message of the session."""

    id: int
    at: datetime
    kind: str  # text | action
    text: str
    action: str = ""
    message_id: str = ""  # the page's own id for it (idempotent retries): the page skips resending it


@dataclass(frozen=True)
class Sent:
    """A reply handed to the session (its outbox row). `inbox_id` is the message it answers, if any."""

    id: int
    at: datetime
    inbox_id: int | None
    seq: int
    reply: Reply


@dataclass(frozen=True)
class Line:
    """One line of the restored conversation: `who` is "me" (the citizen) or "bot"."""

    who: str
    text: str
    reply: Reply | None = None
    message_id: str = ""


def transcript(said: list[Said], sent: list[Sent], *, limit: int = 20) -> list[Line]:
    """The last `limit` lines of the conversation, oldest first; buttons only on the last turn's replies."""
    received = {m.id: m.at for m in said}
    events: list[tuple[datetime, int, int, int, Said | Sent]] = [(m.at, 0, m.id, 0, m) for m in said]
    for r in sent:
        anchor = received.get(r.inbox_id) if r.inbox_id is not None else None
        if anchor is not None:
            events.append((anchor, 1, r.inbox_id or 0, r.seq, r))
        else:
            events.append((r.at, 2, r.id, 0, r))
    events.sort(key=lambda e: (e[0], e[1], e[2], e[3]))
    lines: list[Line] = []
    last_buttons: dict[str, str] = {}
    for *_, item in events:
        if isinstance(item, Sent):
            lines.append(Line("bot", item.reply.text, item.reply))
            last_buttons.update({b.action: b.title for b in item.reply.buttons})  # the newest title wins
            continue
        if item.kind == "action":
            title = last_buttons.get(item.action)
            if title is not None:
                lines.append(Line("me", title, message_id=item.message_id))
        elif item.text.strip():
            lines.append(Line("me", item.text, message_id=item.message_id))
    lines = lines[-limit:] if limit > 0 else []
    last_me = max((i for i, ln in enumerate(lines) if ln.who == "me"), default=-1)
    return [replace(ln, reply=replace(ln.reply, buttons=())) if ln.reply is not None and i < last_me else ln
            for i, ln in enumerate(lines)]


_TICKET = {
    "vi": {"open": "Câu hỏi của bạn đang chờ tình nguyện viên (số phiếu {id}).",
           "claimed": "Tình nguyện viên đã nhận câu hỏi của bạn (số phiếu {id}) và sẽ trả lời tại đây."},
    "en": {"open": "Your question is waiting for a volunteer (ticket number {id}).",
           "claimed": "A volunteer has taken your question (ticket number {id}) and will answer here."},
}


def ticket_notice(ticket_id: int, status: str, *, lang: str = "vi") -> str:
    """The line the page shows about the conversation's open ticket ("open" or "claimed")."""
    texts = _TICKET.get(lang, _TICKET["vi"])
    return texts.get(status, texts["open"]).format(id=ticket_id)
