"""What volunteers and admins read about a ticket (built by the repository, shown by web and Telegram)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TicketMessage:
    id: int
    sender: str
    author: str
    text: str
    at: datetime


@dataclass(frozen=True)
class TicketView:
    id: int
    status: str
    priority: str
    reason: str
    commune: str
    channel: str
    lang: str
    summary: dict[str, object]
    created_at: datetime
    pooled_at: datetime | None
    claimed_at: datetime | None
    claimed_by: int | None
    claimed_by_name: str
    first_response_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    rating: int | None
    messages: tuple[TicketMessage, ...] = ()
    events: tuple[tuple[str, datetime, str], ...] = ()

    def as_dict(self, *, full: bool = False) -> dict[str, object]:
        def iso(d: datetime | None) -> str | None:
            return d.isoformat() if d else None

        d: dict[str, object] = {
            "id": self.id, "status": self.status, "priority": self.priority, "reason": self.reason,
            "commune": self.commune, "commune_name": self.summary.get("commune_name", ""), "channel": self.channel,
            "lang": self.lang, "created_at": iso(self.created_at), "pooled": self.pooled_at is not None,
            "pooled_at": iso(self.pooled_at), "claimed_at": iso(self.claimed_at), "claimed_by": self.claimed_by,
            "claimed_by_name": self.claimed_by_name, "first_response_at": iso(self.first_response_at),
            "closed_at": iso(self.closed_at), "close_reason": self.close_reason, "rating": self.rating,
        }
        if full:
            d["summary"] = self.summary
            d["messages"] = [{"id": m.id, "sender": m.sender, "author": m.author, "text": m.text, "at": iso(m.at)}
                             for m in self.messages]
            d["events"] = [{"event": e, "at": iso(at), "detail": det} for e, at, det in self.events]
        return d
