"""FAQ proposals (pure): what a volunteer may propose when closing a ticket, how proposals of the same
question are grouped, and what a review may do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.core.handoff.errors import Conflict, TicketError
from bot.core.text import fold, tokens

MAX_QUESTION, MAX_ANSWER, MAX_REASON = 500, 4000, 1000
SAME_QUESTION = 0.6  # token-set overlap from which two pending proposals ask the same thing


@dataclass(frozen=True)
class Proposal:
    id: int
    ticket_id: int | None
    question: str
    answer: str
    group_id: int
    status: str
    proposed_by: str
    review_reason: str
    doc_id: str
    created_at: datetime

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "ticket_id": self.ticket_id, "question": self.question, "answer": self.answer,
                "group_id": self.group_id, "status": self.status, "proposed_by": self.proposed_by,
                "review_reason": self.review_reason, "doc_id": self.doc_id, "created_at": self.created_at.isoformat()}


def similar(a: str, b: str) -> float:
    """Token-set overlap of two questions (tone marks and case ignored)."""
    x, y = set(tokens(fold(a))), set(tokens(fold(b)))
    return len(x & y) / len(x | y) if x and y else 0.0


def check_proposal(question: str, answer: str) -> None:
    """Raises unless both are there and short enough (already stripped and redacted)."""
    if not question or not answer:
        raise TicketError("a FAQ proposal needs both a question and an answer")
    if len(question) > MAX_QUESTION or len(answer) > MAX_ANSWER:
        raise TicketError("a FAQ proposal's question is at most 500 and its answer 4000 characters")


def group_of(question: str, pending: Iterable[tuple[int, int, str]]) -> int:
    """The group of the first pending proposal (id, group id, question) asking the same thing; 0 = a new group."""
    for pid, gid, q in pending:
        if similar(q, question) >= SAME_QUESTION:
            return gid or pid
    return 0


def check_review(status: str, *, approve: bool, reason: str) -> None:
    if status != "pending":
        raise Conflict(f"proposal is already {status}")
    if not approve and not reason.strip():
        raise TicketError("a rejection needs a reason")
