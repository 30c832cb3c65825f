"""The durable inbox and outbox, and conversation state (channel tokens: bot/storage/tokens.py).

Claims use `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (several workers never take the same row)
and a lease (`locked_until`) everywhere, so a row taken by a worker that died is taken again later.
On SQLite a claim starts with `BEGIN IMMEDIATE` (the database's write lock), so threads and processes
take turns. A completion is refused when its claim is no longer the current one (see `complete`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, insert, or_, select, text, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.core.messages import ConversationState, InboundMessage, Reply
from bot.storage.db import relaxed_commit
from bot.storage.locks import lock_key
from bot.storage.outbox import delivered_payload, enqueue_in, write_outbox
from bot.storage.tables.base import aware, utcnow
from bot.storage.tables.messaging import ConversationRow, InboxRow, OutboxRow

OUTBOX_CLAIM_LOCK = lock_key("outbox-claim")
@dataclass(frozen=True)
class InboxItem:
    id: int
    message: InboundMessage
    attempts: int
    state: ConversationState | None = None  # the person's conversation, when read with the claim (store_claimed)


@dataclass(frozen=True)
class OutboxItem:
    id: int
    channel: str
    user_ref: str
    reply: Reply
    attempts: int
    meta: dict[str, object]
    # the row was being sent (request on its way to the platform) when its worker died: it may or may not
    # have been delivered. The outbox worker decides by the channel's policy (at-least-once by default)
    was_in_flight: bool = False


class MessageStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._pg = sessions.kw["bind"].dialect.name == "postgresql" if sessions.kw.get("bind") else False

    def _serialise(self, s: Session) -> None:
        """SQLite: take the database's write lock before the first read of a read-then-write transaction.
        Without it pysqlite runs the SELECT outside any transaction, so two threads (the inbox worker and a
        web-chat request) could both claim the same row. PostgreSQL locks rows instead (FOR UPDATE)."""
        if not self._pg:
            s.execute(text("BEGIN IMMEDIATE"))

    # ---- inbox -----------------------------------------------------------------------------------
    def _insert_inbound(self, msg: InboundMessage, *, with_state: bool = False,
                        **state: object) -> tuple[int, ConversationState | None] | None:
        # one Core INSERT … RETURNING (the webhook's whole database work: no ORM unit of work); `with_state`
        # also reads the person's conversation in the same transaction (the web chat answers at once)
        try:
            with self.sessions.begin() as s:
                if with_state:  # answered at once: made durable by the completion's commit (db.relaxed_commit)
                    relaxed_commit(s)
                inbox_id = s.scalar(insert(InboxRow).values(
                    channel=msg.channel, platform_msg_id=msg.platform_msg_id[:128], user_ref=msg.user_ref[:128],
                    kind=msg.kind, text=msg.text, action=msg.action[:200], meta=dict(msg.meta),
                    received_at=msg.received_at, error="", **state).returning(InboxRow.id))
                if inbox_id is None or not with_state:
                    return None if inbox_id is None else (int(inbox_id), None)
                saved = s.scalar(select(ConversationRow.state).where(
                    ConversationRow.channel == msg.channel, ConversationRow.user_ref == msg.user_ref[:128]))
                return int(inbox_id), ConversationState.from_dict(saved)
        except IntegrityError:
            return None

    def store_inbound(self, msg: InboundMessage) -> int | None:
        """Store a verified, parsed, redacted message. Returns its id, or None for a redelivery."""
        stored = self._insert_inbound(msg, status="pending", attempts=0)
        return None if stored is None else stored[0]

    def store_claimed(self, msg: InboundMessage, *, lease_s: float = 120.0) -> InboxItem | None:
        """Store a message already claimed by the caller, who answers it at once (the web chat): no worker
        can take it meanwhile, yet it is taken again if the caller dies (the lease). None for a redelivery.
        The person's conversation state is read in the same transaction (`InboxItem.state`)."""
        stored = self._insert_inbound(msg, with_state=True, status="processing", attempts=1,
                                      locked_until=utcnow() + timedelta(seconds=lease_s))
        if stored is None:
            return None
        return InboxItem(stored[0], replace(msg, platform_msg_id=msg.platform_msg_id[:128], user_ref=msg.user_ref[:128],
                                            action=msg.action[:200]), 1, stored[1])

    def find_inbound(self, channel: str, platform_msg_id: str, *, user_ref: str | None = None) -> int | None:
        """The inbox id of a stored message; with `user_ref`, only when it is that person's message (a web
        chat session must never get another session's replies by naming its message id)."""
        q = select(InboxRow.id).where(InboxRow.channel == channel, InboxRow.platform_msg_id == platform_msg_id[:128])
        if user_ref is not None:
            q = q.where(InboxRow.user_ref == user_ref)
        with self.sessions() as s:
            return s.scalar(q)

    def claim_inbox(self, *, limit: int = 10, lease_s: float = 120.0, only_id: int | None = None) -> list[InboxItem]:
        """Claim pending messages, fairly: only each person's oldest unfinished message is claimable (one
        person's messages are never processed in parallel, and a flood from one person takes one slot per
        batch), and within the batch people with fewer waiting messages go first."""
        now = utcnow()
        with self.sessions.begin() as s:
            self._serialise(s)
            q = select(InboxRow).where(or_(
                InboxRow.status == "pending",
                and_(InboxRow.status == "processing", InboxRow.locked_until < now),
            ))
            if only_id is not None:
                q = q.where(InboxRow.id == only_id)
            else:
                earlier = aliased(InboxRow)
                q = q.where(~exists().where(earlier.channel == InboxRow.channel, earlier.user_ref == InboxRow.user_ref,
                                            earlier.id < InboxRow.id, earlier.status.in_(("pending", "processing"))))
            q = q.order_by(InboxRow.id).limit(limit)
            if self._pg:
                q = q.with_for_update(skip_locked=True)
            rows = list(s.scalars(q))
            if len(rows) > 1:
                waiting = dict(((c, u), int(n)) for c, u, n in s.execute(
                    select(InboxRow.channel, InboxRow.user_ref, func.count())
                    .where(InboxRow.status == "pending",
                           tuple_(InboxRow.channel, InboxRow.user_ref).in_([(r.channel, r.user_ref) for r in rows]))
                    .group_by(InboxRow.channel, InboxRow.user_ref)))
                rows.sort(key=lambda r: (waiting.get((r.channel, r.user_ref), 0), r.id))
            out = []
            for r in rows:
                r.status, r.locked_until, r.attempts = "processing", now + timedelta(seconds=lease_s), r.attempts + 1
                meta = {str(k): str(v) for k, v in (r.meta or {}).items()}
                out.append(InboxItem(r.id, InboundMessage(
                    channel=r.channel, user_ref=r.user_ref, platform_msg_id=r.platform_msg_id,
                    received_at=aware(r.received_at) or now, kind=r.kind, text=r.text, action=r.action,
                    meta=meta), r.attempts))
            return out

    def complete(self, item: InboxItem, state: ConversationState, replies: list[Reply],
                 *, deliver_now: bool = False, question_id: int | None = None) -> list[int] | None:
        """In one transaction: save the state, queue the replies, mark the message done. Returns the
        outbox ids, or None (and changes nothing) when this claim is no longer ours: the lease expired and
        another worker took the message again (its attempt count moved on) or already finished it.

        `deliver_now` marks the replies as sent at once (the web chat returns them in its response).
        `question_id`: the question logged for this message, remembered in its meta so that /xoa erases it too
        (in this transaction: one round trip less than a separate update, and never a done message without it)."""
        m = item.message
        now = utcnow()
        done: dict[str, object] = {"status": "done", "processed_at": now, "locked_until": None, "error": ""}
        if question_id:  # only the privacy link writes an inbox row's meta after the insert
            done["meta"] = {**m.meta, "question_id": int(question_id)}
        # Core statements (the ORM's unit of work was a quarter of the web chat's Python time, py-spy)
        with self.sessions.begin() as s:
            self._serialise(s)
            ours = s.scalar(update(InboxRow).where(  # the row lock also makes a rival completion wait, then miss
                InboxRow.id == item.id, InboxRow.status == "processing", InboxRow.attempts == item.attempts)
                .values(**done).returning(InboxRow.id))
            if ours is None:
                return None
            saved = s.scalar(update(ConversationRow).where(
                ConversationRow.channel == m.channel, ConversationRow.user_ref == m.user_ref)
                .values(state=state.as_dict(), updated_at=now).returning(ConversationRow.id))
            if saved is None:
                s.execute(insert(ConversationRow).values(channel=m.channel, user_ref=m.user_ref,
                                                         state=state.as_dict(), created_at=now, updated_at=now))
            return write_outbox(s, m.channel, m.user_ref, replies, meta=m.meta, inbox_id=item.id, now=now,
                                sent=deliver_now)

    def fail_inbound(self, item: InboxItem, error: str, *, max_attempts: int = 5) -> None:
        with self.sessions.begin() as s:
            self._serialise(s)
            inbox = s.get(InboxRow, item.id, with_for_update=self._pg)
            if inbox is not None and inbox.status == "processing" and inbox.attempts == item.attempts:
                inbox.status = "failed" if item.attempts >= max_attempts else "pending"
                inbox.error, inbox.locked_until = error[:2000], None

    def previous_text(self, channel: str, user_ref: str, *, within_s: float) -> tuple[int, str] | None:
        """The (redacted) text of the person's latest message if it came in the last `within_s` seconds."""
        with self.sessions() as s:
            row = s.execute(select(InboxRow.id, InboxRow.text, InboxRow.received_at)
                            .where(InboxRow.channel == channel, InboxRow.user_ref == user_ref[:128])
                            .order_by(InboxRow.id.desc()).limit(1)).first()
        if row is None or not row.text:
            return None
        at = aware(row.received_at)
        if at is None or (utcnow() - at).total_seconds() > within_s:
            return None
        return int(row.id), str(row.text)

    def replace_text(self, inbox_id: int, text: str) -> None:
        """Correct a stored message's text (a number it began was completed by the next message)."""
        with self.sessions.begin() as s:
            s.execute(update(InboxRow).where(InboxRow.id == inbox_id).values(text=text))

    def last_inbound_at(self, channel: str, user_ref: str) -> datetime | None:
        with self.sessions() as s:
            return aware(s.scalar(select(func.max(InboxRow.received_at)).where(
                InboxRow.channel == channel, InboxRow.user_ref == user_ref)))

    # ---- conversation state ----------------------------------------------------------------------
    def load_state(self, channel: str, user_ref: str) -> ConversationState:
        with self.sessions() as s:
            conv = s.scalar(select(ConversationRow).where(ConversationRow.channel == channel,
                                                          ConversationRow.user_ref == user_ref))
            return ConversationState.from_dict(conv.state if conv else None)

    # ---- outbox ----------------------------------------------------------------------------------
    def claim_outbox(self, *, channels: tuple[str, ...], limit: int = 20, lease_s: float = 60.0,
                     per_recipient: int = 4) -> list[OutboxItem]:
        """Claim due replies, at most `per_recipient` per person per batch (replies to a flooding person
        never hold back everybody else's), oldest first."""
        now = utcnow()
        earlier = aliased(OutboxRow)
        with self.sessions.begin() as s:
            self._serialise(s)
            if self._pg:
                # One claim at a time across processes (held to this short transaction's commit; sending
                # happens after it). Otherwise a second process, skipping the rows a first one has locked
                # but not yet committed, sees that person's earlier reply as still "pending and due", not
                # as leased, and claims the later reply: the two would then be sent out of order.
                s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": OUTBOX_CLAIM_LOCK})
            due = (
                OutboxRow.channel.in_(channels),
                or_(and_(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now),
                    and_(OutboxRow.status.in_(("sending", "inflight")), OutboxRow.next_attempt_at <= now)),
                # per-recipient order: never overtake an earlier reply that is still unsent
                ~exists().where(earlier.channel == OutboxRow.channel, earlier.user_ref == OutboxRow.user_ref,
                                earlier.id < OutboxRow.id, earlier.status.in_(("pending", "sending", "inflight")),
                                earlier.next_attempt_at > now),
            )
            ranked = select(OutboxRow.id, func.row_number().over(
                partition_by=(OutboxRow.channel, OutboxRow.user_ref), order_by=OutboxRow.id).label("rn")
            ).where(*due).subquery()
            fair = select(ranked.c.id).where(ranked.c.rn <= per_recipient).order_by(ranked.c.id).limit(limit)
            q = select(OutboxRow).where(OutboxRow.id.in_(fair), *due).order_by(OutboxRow.id)
            if self._pg:
                q = q.with_for_update(skip_locked=True)
            out = []
            for r in s.scalars(q):
                in_flight = r.status == "inflight"
                r.status, r.attempts = "sending", r.attempts + 1
                r.next_attempt_at = now + timedelta(seconds=lease_s)  # the lease
                payload = r.payload or {}
                reply = payload.get("reply") or {}
                meta = payload.get("meta") or {}
                assert isinstance(reply, dict) and isinstance(meta, dict)
                out.append(OutboxItem(r.id, r.channel, r.user_ref, Reply.from_dict(reply), r.attempts, meta,
                                      was_in_flight=in_flight))
            return out

    def mark_in_flight(self, outbox_id: int, *, lease_s: float) -> bool:
        """Just before the request goes to the platform: the row is `inflight` (a claimed row that was
        never started is `sending`, and is resent after a crash without any risk of a duplicate). False
        when the claim is no longer ours (the lease expired and another worker took it): do not send."""
        with self.sessions.begin() as s:
            done = s.execute(update(OutboxRow).where(OutboxRow.id == outbox_id, OutboxRow.status == "sending")
                             .values(status="inflight", next_attempt_at=utcnow() + timedelta(seconds=lease_s)))
            return bool(getattr(done, "rowcount", 0))

    def heartbeat(self, outbox_ids: list[int], *, lease_s: float) -> int:
        """Extend the lease of rows this worker still holds (a live worker is never overtaken, so the
        lease can be short and a dead worker's rows come back soon)."""
        if not outbox_ids:
            return 0
        with self.sessions.begin() as s:
            done = s.execute(update(OutboxRow).where(OutboxRow.id.in_(outbox_ids),
                                                     OutboxRow.status.in_(("sending", "inflight")))
                             .values(next_attempt_at=utcnow() + timedelta(seconds=lease_s)))
            return int(getattr(done, "rowcount", 0) or 0)

    def mark_sent(self, outbox_id: int, platform_msg_id: str = "") -> None:
        with self.sessions.begin() as s:
            r = s.get(OutboxRow, outbox_id)
            if r is not None:
                r.status, r.sent_at, r.platform_msg_id, r.error = "sent", utcnow(), platform_msg_id[:128], ""
                r.payload = delivered_payload(r.payload) or r.payload

    def mark_retry(self, outbox_id: int, error: str, delay_s: float, *, give_up: bool = False) -> None:
        with self.sessions.begin() as s:
            r = s.get(OutboxRow, outbox_id)
            if r is not None:
                r.error = error[:2000]
                if give_up:
                    r.status = "failed"
                    r.payload = delivered_payload(r.payload) or r.payload
                else:
                    r.status, r.next_attempt_at = "pending", utcnow() + timedelta(seconds=delay_s)

    def release(self, outbox_id: int) -> None:
        """Give a claimed row back untouched (an earlier reply to the same person failed)."""
        with self.sessions.begin() as s:
            r = s.get(OutboxRow, outbox_id)
            if r is not None and r.status in ("sending", "inflight"):
                r.status, r.attempts, r.next_attempt_at = "pending", max(0, r.attempts - 1), utcnow()

    def enqueue(self, channel: str, user_ref: str, reply: Reply) -> int:
        """A reply not caused by an inbound message (e.g. a volunteer's answer)."""
        with self.sessions.begin() as s:
            return enqueue_in(s, channel, user_ref, reply)

    def take_web_updates(self, user_ref: str) -> list[Reply]:
        """Pending replies for a web-chat session, marked sent as they are handed over."""
        with self.sessions.begin() as s:
            self._serialise(s)
            q = select(OutboxRow).where(OutboxRow.channel == "web", OutboxRow.user_ref == user_ref,
                                        OutboxRow.status == "pending").order_by(OutboxRow.id)
            if self._pg:
                q = q.with_for_update(skip_locked=True)
            rows = list(s.scalars(q))
            out = [Reply.from_dict(r.payload["reply"]) for r in rows]  # type: ignore[arg-type]  # as typed
            for r in rows:
                r.status, r.sent_at = "sent", utcnow()
                r.payload = delivered_payload(r.payload) or r.payload
            return out

    def queue_depth(self) -> dict[str, int]:
        """Rows per queue and status, e.g. {"inbox_pending": 3, "outbox_sending": 1} (for /metrics)."""
        from bot.storage.tables.tickets import TicketRow

        out: dict[str, int] = {}
        queues: list[tuple[str, Any, tuple[str, ...]]] = [
            ("inbox", InboxRow, ("pending", "processing", "failed")),
            ("outbox", OutboxRow, ("pending", "sending", "inflight", "failed")),
            ("tickets", TicketRow, ("open", "claimed")),
        ]
        with self.sessions() as s:
            for name, table, statuses in queues:
                for status in statuses:
                    out[f"{name}_{status}"] = 0
                rows = s.execute(select(table.status, func.count()).where(table.status.in_(statuses))
                                 .group_by(table.status))
                for status, n in rows:
                    out[f"{name}_{status}"] = int(n)
        return out

    def replies_for(self, inbox_id: int) -> list[Reply]:
        with self.sessions() as s:
            rows = s.scalars(select(OutboxRow).where(OutboxRow.inbox_id == inbox_id).order_by(OutboxRow.seq))
            return [Reply.from_dict(r.payload["reply"]) for r in rows]  # type: ignore[arg-type]
