"""What the hand-off extras need from storage (implemented by bot.storage.helpdesk.SqlHelpdesk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.helpdesk.queue import Estimate


@dataclass(frozen=True)
class QueueStatus:
    """Where a citizen's ticket stands, ready to be told."""

    ticket_id: int
    status: str  # open | claimed
    position: int  # 0 when claimed
    estimate: Estimate
    open_now: bool  # the ticket's team is on duty
    next_open: datetime | None  # local time the team is back (None: on duty now, or never)
    volunteer: str = ""  # display name of the claiming volunteer


class HelpdeskStore(Protocol):
    def queue_status(self, channel: str, user_ref: str) -> QueueStatus | None:
        """The citizen's open or claimed ticket, with its place and estimate; None when there is none."""
        ...

    def told(self, ticket_id: int, position: int) -> None:
        """Remember the position the citizen was last told (so updates are sent only when it moves)."""
        ...

    def leave_question(self, ticket_id: int) -> None:
        """The citizen chose to leave the question for the team's next duty hours."""
        ...

    def record_score(self, ticket_id: int, channel: str, user_ref: str, score: int) -> str:
        """Store a 1–5 score for the citizen's closed ticket: "ok", "already" or "refused"; a low score
        opens a review item in the same transaction."""
        ...

    def record_comment(self, ticket_id: int, channel: str, user_ref: str, comment: str) -> bool:
        """The optional comment after a score (already redacted)."""
        ...

    def attach(self, ticket_id: int, channel: str, ref: str, *, caption: str, source_msg_id: str) -> str:
        """Fetch, check, clean and store a picture the citizen sent to their ticket: "ok" or the reason it
        was refused (too_large, type, pixels, broken, failed)."""
        ...

    def attach_voice(self, ticket_id: int, channel: str, token: str, *, caption: str, source_msg_id: str) -> str:
        """Move a voice note the recogniser kept (`token`; only when `voice.retention_s` > 0) onto the citizen's
        active ticket, for the volunteer to play while it is open: "ok" or why not (off, gone, type, no_ticket)."""
        ...
