"""The one outbox writer (`write_outbox`) and the outbox payload rules, used inside the caller's
transaction by the message store (an inbound message's replies) and by every feature that queues a reply
(tickets, the helpdesk, classes, announcements, reminders)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from bot.core.messages import Reply
from bot.core.privacy.redaction import redact
from bot.storage.tables.base import utcnow
from bot.storage.tables.messaging import OutboxRow

# payload flag: the reply holds words typed by a person (a volunteer), kept as typed only until delivered
REDACT_AFTER_SEND = "redact_after_send"


def delivered_payload(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """The payload as it is kept once delivered (or given up): a flagged reply's text redacted."""
    if not payload or not payload.get(REDACT_AFTER_SEND):
        return None
    reply = dict(payload.get("reply") or {})
    reply["text"] = redact(str(reply.get("text", "")))
    return {k: v for k, v in payload.items() if k != REDACT_AFTER_SEND} | {"reply": reply}


def write_outbox(s: Session, channel: str, user_ref: str, replies: Sequence[Reply], *,
                 meta: Mapping[str, object] | None = None, inbox_id: int | None = None, now: datetime | None = None,
                 due: datetime | None = None, sent: bool = False, redact_after_send: bool = False) -> list[int]:
    """The one outbox writer: queue `replies` to one person inside the caller's transaction; their ids, in
    order. `inbox_id`: the inbound message they answer (its replies keep their order in `seq`); None for a
    reply not caused by one (a volunteer's answer, a reminder, an announcement). `sent`: handed over already
    (the web chat returns them in its response). `due`: not sent before then (send pacing).
    `redact_after_send`: the text holds words typed by a person (a volunteer), kept as typed only until it is
    delivered or given up (REDACT_AFTER_SEND). Pending ORM changes are flushed first, so ids follow them."""
    if not replies:
        return []
    now = now or utcnow()
    s.flush()
    rows = [{"inbox_id": inbox_id, "seq": seq if inbox_id is not None else 0, "channel": channel,
             "user_ref": user_ref,
             "payload": {"reply": reply.as_dict(), "meta": dict(meta or {})} | (
                 {REDACT_AFTER_SEND: True} if redact_after_send else {}),
             "status": "sent" if sent else "pending", "attempts": 0, "next_attempt_at": due or now,
             "created_at": now, "sent_at": now if sent else None, "platform_msg_id": "", "error": ""}
            for seq, reply in enumerate(replies)]
    return [int(i) for i in s.scalars(insert(OutboxRow).returning(OutboxRow.id, sort_by_parameter_order=True), rows)]


def enqueue_in(s: Session, channel: str, user_ref: str, reply: Reply, *, meta: Mapping[str, object] | None = None,
               due: datetime | None = None, now: datetime | None = None, redact_after_send: bool = False) -> int:
    """One reply not caused by an inbound message, inside the caller's transaction (an announcement is
    queued in the same transaction that marks its recipient handed over): `write_outbox` for one reply."""
    return write_outbox(s, channel, user_ref, [reply], meta=meta, due=due, now=now,
                        redact_after_send=redact_after_send)[0]


def cancel_pending(s: Session, ids: list[int]) -> int:
    """Withdraw outbox rows not yet taken by a sender (an opt-out, a cancelled announcement); returns how many.
    A row already being sent ("sending") is left to finish."""
    if not ids:
        return 0
    done = s.execute(update(OutboxRow).where(OutboxRow.id.in_(ids), OutboxRow.status == "pending")
                     .values(status="cancelled", error="withdrawn before sending"))
    return int(getattr(done, "rowcount", 0) or 0)
