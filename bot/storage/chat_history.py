"""What the server kept of one web-chat conversation, read back for the page after a reload (issue 26):
the session's stored messages (redacted at intake) and the replies already handed to it. Replies still
pending are left to `GET /api/chat/updates`, so nothing is shown twice. `bot.core.chathistory` makes
the transcript."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.chathistory import Line, Said, Sent, transcript
from bot.core.messages import Reply
from bot.storage.tables.messaging import InboxRow, OutboxRow


def _aware(d: datetime) -> datetime:
    return d if d.tzinfo is not None else d.replace(tzinfo=UTC)


class SqlChatHistory:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def recent(self, user_ref: str, *, limit: int = 20, channel: str = "web") -> list[Line]:
        """The last `limit` lines of this conversation, oldest first (see `bot.core.chathistory`)."""
        depth = max(1, limit) * 4  # enough rows for `limit` lines: silent "start" presses and multi-part replies
        with self.sessions() as s:
            inbox = s.execute(select(InboxRow.id, InboxRow.received_at, InboxRow.kind, InboxRow.text, InboxRow.action,
                                     InboxRow.platform_msg_id)
                              .where(InboxRow.channel == channel, InboxRow.user_ref == user_ref)
                              .order_by(InboxRow.id.desc()).limit(depth)).all()
            outbox = s.execute(select(OutboxRow.id, OutboxRow.created_at, OutboxRow.inbox_id, OutboxRow.seq,
                                      OutboxRow.payload)
                               .where(OutboxRow.channel == channel, OutboxRow.user_ref == user_ref,
                                      OutboxRow.status == "sent")
                               .order_by(OutboxRow.id.desc()).limit(depth)).all()
        prefix = f"{user_ref}:"  # bot.web.routes.chat scopes the page's message ids to the session
        said = [Said(int(i), _aware(at), str(kind), str(text or ""), str(action or ""),
                     mid[len(prefix):] if mid.startswith(prefix) else "")
                for i, at, kind, text, action, mid in inbox]
        sent = [Sent(int(i), _aware(at), int(ib) if ib is not None else None, int(seq),
                     Reply.from_dict(dict(payload.get("reply") or {})))
                for i, at, ib, seq, payload in outbox]
        return transcript(said, sent, limit=limit)
