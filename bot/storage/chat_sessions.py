"""Web-chat sessions issued by the server (issue 25, finding 3): issue, resolve, revoke, expire.

Only the SHA-256 of each token is stored (`web_chat_sessions.token_hash`). A session unused for
`idle_days` is expired: it resolves to nothing and the periodic job deletes it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.core.websession import new_token, token_hash, user_ref_for, well_formed
from bot.storage.tables.base import utcnow
from bot.storage.tables.messaging import WebChatSessionRow

TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute per session


def _aware(d: datetime) -> datetime:
    from datetime import UTC

    return d if d.tzinfo is not None else d.replace(tzinfo=UTC)


class SqlChatSessions:
    def __init__(self, sessions: sessionmaker[Session], *, idle_days: float = 30.0) -> None:
        self.sessions = sessions
        self.idle = timedelta(days=idle_days)

    def issue(self) -> tuple[str, str]:
        """A new session: (token for the client, user_ref of its conversation)."""
        token = new_token()
        now = utcnow()
        with self.sessions.begin() as s:
            s.add(WebChatSessionRow(token_hash=token_hash(token), user_ref=user_ref_for(token),
                                    created_at=now, last_seen_at=now))
        return token, user_ref_for(token)

    def resolve(self, token: str) -> str | None:
        """The user_ref of a live issued session, or None (never issued, malformed, revoked or idle too long).
        Refreshes its last-seen time."""
        if not well_formed(token):
            return None
        now = utcnow()
        with self.sessions.begin() as s:
            row = s.get(WebChatSessionRow, token_hash(token))
            if row is None:
                return None
            seen = _aware(row.last_seen_at)
            if seen + self.idle < now:
                s.delete(row)
                return None
            if now - seen > TOUCH_EVERY:
                row.last_seen_at = now
            return row.user_ref

    def revoke(self, token: str) -> bool:
        """End a session (its token stops working). True when there was one."""
        if not well_formed(token):
            return False
        with self.sessions.begin() as s:
            res = s.execute(delete(WebChatSessionRow).where(WebChatSessionRow.token_hash == token_hash(token)))
            return bool(res.rowcount)  # type: ignore[attr-defined]

    def purge_expired(self) -> int:
        """Delete sessions idle longer than the expiry; the number deleted."""
        with self.sessions.begin() as s:
            res = s.execute(delete(WebChatSessionRow).where(WebChatSessionRow.last_seen_at < utcnow() - self.idle))
            return int(res.rowcount or 0)  # type: ignore[attr-defined]
