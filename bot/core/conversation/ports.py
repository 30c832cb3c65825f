"""Ports of the conversation: what it needs from the outside world (typing.Protocol)."""

from __future__ import annotations

from typing import Protocol

from bot.core.handoff import OpenedTicket, TicketSummary


class HandoffDesk(Protocol):
    """Volunteer tickets, as the citizen's conversation sees them (the volunteer side is in the storage
    adapter and the web/Telegram consoles). Every text handed in is already redacted."""

    def request(self, *, channel: str, user_ref: str, reason: str, summary: TicketSummary, commune: str,
                priority: str = "normal", lang: str = "vi") -> OpenedTicket:
        """Open a ticket (or return the citizen's open one) and notify the commune's volunteers."""
        ...

    def active(self, channel: str, user_ref: str) -> tuple[int, str] | None:
        """(ticket id, status) of the citizen's open or claimed ticket, if any."""
        ...

    def from_citizen(self, ticket_id: int, text: str, *, source_msg_id: str) -> None:
        """Relay a citizen's message to the ticket (idempotent per source message)."""
        ...

    def cancel(self, channel: str, user_ref: str) -> bool:
        """Cancel the citizen's open or claimed ticket; True when there was one."""
        ...

    def rate(self, ticket_id: int, channel: str, user_ref: str, rating: int) -> bool:
        """Record the citizen's 1–5 rating of a closed ticket of theirs."""
        ...
