"""The durable inbox and outbox, conversation state, hand-off requests and channel tokens.

Claims use `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (several workers never take the same row)
and a lease (`locked_until`) everywhere, so a row taken by a worker that died is taken again later.
SQLite serialises writers, so the same statements are safe there for one process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.core.messages import ConversationState, InboundMessage, Reply
from bot.storage.tables import (
    ChannelTokenRow,
    ConversationRow,
    HandoffRow,
    InboxRow,
    OutboxRow,
    utcnow,
)


@dataclass(frozen=True)
class InboxItem:
    id: int
    message: InboundMessage
    attempts: int


@dataclass(frozen=True)
class OutboxItem:
    id: int
    channel: str
    user_ref: str
    reply: Reply
    attempts: int
    meta: dict[str, object]


@dataclass(frozen=True)
class Token:
    access_token: str
    refresh_token: str
    expires_at: datetime


def _aware(d: datetime | None) -> datetime | None:
    if d is not None and d.tzinfo is None:
        return d.replace(tzinfo=UTC)
    return d


class MessageStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._pg = sessions.kw["bind"].dialect.name == "postgresql" if sessions.kw.get("bind") else False

    # ---- inbox -----------------------------------------------------------------------------------
    def store_inbound(self, msg: InboundMessage) -> int | None:
        """Store a verified, parsed, redacted message. Returns its id, or None for a redelivery."""
        try:
            with self.sessions.begin() as s:
                row = InboxRow(channel=msg.channel, platform_msg_id=msg.platform_msg_id[:128],
                               user_ref=msg.user_ref[:128], kind=msg.kind, text=msg.text, action=msg.action[:200],
                               meta=dict(msg.meta), received_at=msg.received_at, status="pending", attempts=0,
                               error="")
                s.add(row)
                s.flush()
                return int(row.id)
        except IntegrityError:
            return None

    def find_inbound(self, channel: str, platform_msg_id: str) -> int | None:
        with self.sessions() as s:
            return s.scalar(select(InboxRow.id).where(InboxRow.channel == channel,
                                                      InboxRow.platform_msg_id == platform_msg_id[:128]))

    def claim_inbox(self, *, limit: int = 10, lease_s: float = 120.0, only_id: int | None = None) -> list[InboxItem]:
        now = utcnow()
        with self.sessions.begin() as s:
            q = select(InboxRow).where(or_(
                InboxRow.status == "pending",
                and_(InboxRow.status == "processing", InboxRow.locked_until < now),
            ))
            if only_id is not None:
                q = q.where(InboxRow.id == only_id)
            q = q.order_by(InboxRow.id).limit(limit)
            if self._pg:
                q = q.with_for_update(skip_locked=True)
            rows = list(s.scalars(q))
            out = []
            for r in rows:
                r.status, r.locked_until, r.attempts = "processing", now + timedelta(seconds=lease_s), r.attempts + 1
                meta = {str(k): str(v) for k, v in (r.meta or {}).items()}
                out.append(InboxItem(r.id, InboundMessage(
                    channel=r.channel, user_ref=r.user_ref, platform_msg_id=r.platform_msg_id,
                    received_at=_aware(r.received_at) or now, kind=r.kind, text=r.text, action=r.action,
                    meta=meta), r.attempts))
            return out

    def complete(self, item: InboxItem, state: ConversationState, replies: list[Reply],
                 *, deliver_now: bool = False) -> list[int]:
        """In one transaction: save the state, queue the replies, mark the message done.

        `deliver_now` marks the replies as sent at once (the web chat returns them in its response)."""
        m = item.message
        now = utcnow()
        with self.sessions.begin() as s:
            conv = s.scalar(select(ConversationRow).where(ConversationRow.channel == m.channel,
                                                          ConversationRow.user_ref == m.user_ref))
            if conv is None:
                conv = ConversationRow(channel=m.channel, user_ref=m.user_ref, created_at=now)
                s.add(conv)
            conv.state, conv.updated_at = state.as_dict(), now
            ids = []
            for seq, reply in enumerate(replies):
                row = OutboxRow(inbox_id=item.id, seq=seq, channel=m.channel, user_ref=m.user_ref,
                                payload={"reply": reply.as_dict(), "meta": dict(m.meta)},
                                status="sent" if deliver_now else "pending", attempts=0,
                                next_attempt_at=now, created_at=now, sent_at=now if deliver_now else None,
                                platform_msg_id="", error="")
                s.add(row)
                s.flush()
                ids.append(int(row.id))
            inbox = s.get(InboxRow, item.id)
            assert inbox is not None
            inbox.status, inbox.processed_at, inbox.locked_until, inbox.error = "done", now, None, ""
            return ids

    def fail_inbound(self, item: InboxItem, error: str, *, max_attempts: int = 5) -> None:
        with self.sessions.begin() as s:
            inbox = s.get(InboxRow, item.id)
            if inbox is not None:
                inbox.status = "failed" if item.attempts >= max_attempts else "pending"
                inbox.error, inbox.locked_until = error[:2000], None

    def last_inbound_at(self, channel: str, user_ref: str) -> datetime | None:
        with self.sessions() as s:
            return _aware(s.scalar(select(func.max(InboxRow.received_at)).where(
                InboxRow.channel == channel, InboxRow.user_ref == user_ref)))

    # ---- conversation state ----------------------------------------------------------------------
    def load_state(self, channel: str, user_ref: str) -> ConversationState:
        with self.sessions() as s:
            conv = s.scalar(select(ConversationRow).where(ConversationRow.channel == channel,
                                                          ConversationRow.user_ref == user_ref))
            return ConversationState.from_dict(conv.state if conv else None)

    # ---- outbox ----------------------------------------------------------------------------------
    def claim_outbox(self, *, channels: tuple[str, ...], limit: int = 20, lease_s: float = 60.0) -> list[OutboxItem]:
        now = utcnow()
        earlier = aliased(OutboxRow)
        with self.sessions.begin() as s:
            q = select(OutboxRow).where(
                OutboxRow.channel.in_(channels),
                or_(and_(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now),
                    and_(OutboxRow.status == "sending", OutboxRow.next_attempt_at <= now)),
                # per-recipient order: never overtake an earlier reply that is still unsent
                ~exists().where(earlier.channel == OutboxRow.channel, earlier.user_ref == OutboxRow.user_ref,
                                earlier.id < OutboxRow.id, earlier.status.in_(("pending", "sending")),
                                earlier.next_attempt_at > now),
            ).order_by(OutboxRow.id).limit(limit)
            if self._pg:
                q = q.with_for_update(skip_locked=True)
            out = []
            for r in s.scalars(q):
                r.status, r.attempts = "sending", r.attempts + 1
                r.next_attempt_at = now + timedelta(seconds=lease_s)  # the lease
                payload = r.payload or {}
                reply = payload.get("reply") or {}
                meta = payload.get("meta") or {}
                assert isinstance(reply, dict) and isinstance(meta, dict)
                out.append(OutboxItem(r.id, r.channel, r.user_ref, Reply.from_dict(reply), r.attempts, meta))
            return out

    def mark_sent(self, outbox_id: int, platform_msg_id: str = "") -> None:
        with self.sessions.begin() as s:
            r = s.get(OutboxRow, outbox_id)
            if r is not None:
                r.status, r.sent_at, r.platform_msg_id, r.error = "sent", utcnow(), platform_msg_id[:128], ""

    def mark_retry(self, outbox_id: int, error: str, delay_s: float, *, give_up: bool = False) -> None:
        with self.sessions.begin() as s:
            r = s.get(OutboxRow, outbox_id)
            if r is not None:
                r.error = error[:2000]
                if give_up:
                    r.status = "failed"
                else:
                    r.status, r.next_attempt_at = "pending", utcnow() + timedelta(seconds=delay_s)

    def release(self, outbox_id: int) -> None:
        """Give a claimed row back untouched (an earlier reply to the same person failed)."""
        with self.sessions.begin() as s:
            r = s.get(OutboxRow, outbox_id)
            if r is not None and r.status == "sending":
                r.status, r.attempts, r.next_attempt_at = "pending", max(0, r.attempts - 1), utcnow()

    def enqueue(self, channel: str, user_ref: str, reply: Reply) -> int:
        """A reply not caused by an inbound message (e.g. a volunteer's answer)."""
        with self.sessions.begin() as s:
            row = OutboxRow(inbox_id=None, seq=0, channel=channel, user_ref=user_ref,
                            payload={"reply": reply.as_dict(), "meta": {}}, status="pending", attempts=0,
                            next_attempt_at=utcnow(), created_at=utcnow(), platform_msg_id="", error="")
            s.add(row)
            s.flush()
            return int(row.id)

    def take_web_updates(self, user_ref: str) -> list[Reply]:
        """Pending replies for a web-chat session, marked sent as they are handed over."""
        with self.sessions.begin() as s:
            q = select(OutboxRow).where(OutboxRow.channel == "web", OutboxRow.user_ref == user_ref,
                                        OutboxRow.status == "pending").order_by(OutboxRow.id)
            if self._pg:
                q = q.with_for_update(skip_locked=True)
            rows = list(s.scalars(q))
            for r in rows:
                r.status, r.sent_at = "sent", utcnow()
            return [Reply.from_dict(r.payload["reply"]) for r in rows]  # type: ignore[arg-type]

    def replies_for(self, inbox_id: int) -> list[Reply]:
        with self.sessions() as s:
            rows = s.scalars(select(OutboxRow).where(OutboxRow.inbox_id == inbox_id).order_by(OutboxRow.seq))
            return [Reply.from_dict(r.payload["reply"]) for r in rows]  # type: ignore[arg-type]



class SqlHandoffDesk:
    """Implements the core's `HandoffDesk` port by storing the request."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def request(self, *, channel: str, user_ref: str, reason: str, summary: str, commune: str) -> None:
        with self.sessions.begin() as s:
            s.add(HandoffRow(channel=channel, user_ref=user_ref, reason=reason, summary=summary[:2000],
                             commune=commune[:20], status="open", created_at=utcnow()))


class TokenStore:
    """Persisted OAuth tokens; `save` commits before the new access token is used."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def get(self, name: str) -> Token | None:
        with self.sessions() as s:
            r = s.get(ChannelTokenRow, name)
            if r is None:
                return None
            return Token(r.access_token, r.refresh_token, _aware(r.expires_at) or utcnow())

    def save(self, name: str, token: Token) -> None:
        with self.sessions.begin() as s:
            r = s.get(ChannelTokenRow, name)
            if r is None:
                r = ChannelTokenRow(name=name)
                s.add(r)
            r.access_token, r.refresh_token, r.expires_at, r.updated_at = (
                token.access_token, token.refresh_token, token.expires_at, utcnow())
