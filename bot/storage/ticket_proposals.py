"""FAQ proposals in the database: a volunteer proposes a question and answer when closing a ticket, an
editor approves or rejects it (the rules: bot/core/handoff/proposals.py). Part of `SqlTicketDesk`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.handoff import proposals as faq
from bot.core.handoff.errors import NotFound
from bot.core.handoff.lifecycle import Volunteer
from bot.core.handoff.proposals import Proposal
from bot.core.privacy.redaction import redact
from bot.storage.tables.accounts import UserRow
from bot.storage.tables.tickets import FaqProposalRow


def _aware(d: datetime) -> datetime:
    return d.replace(tzinfo=UTC) if d.tzinfo is None else d


class FaqProposals:
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime]

    # ---- FAQ proposals ---------------------------------------------------------------------------
    def _propose(self, s: Session, question: str, answer: str, *, ticket_id: int | None, user_id: int | None) -> int:
        question, answer = redact(question.strip()), redact(answer.strip())
        faq.check_proposal(question, answer)
        pending = s.execute(select(FaqProposalRow.id, FaqProposalRow.group_id, FaqProposalRow.question)
                            .where(FaqProposalRow.status == "pending"))
        group = faq.group_of(question, ((int(p), int(g or 0), str(q)) for p, g, q in pending))
        row = FaqProposalRow(ticket_id=ticket_id, proposed_by=user_id, question=question, answer=answer,
                             group_id=group, status="pending", review_reason="", doc_id="", created_at=self.clock())
        s.add(row)
        s.flush()
        if not group:
            row.group_id = row.id
        return int(row.id)

    def proposals(self, *, status: str | None = "pending", proposal_id: int | None = None) -> list[Proposal]:
        with self.sessions() as s:
            q = select(FaqProposalRow, UserRow.username).outerjoin(UserRow, UserRow.id == FaqProposalRow.proposed_by)
            if status:
                q = q.where(FaqProposalRow.status == status)
            if proposal_id is not None:
                q = q.where(FaqProposalRow.id == proposal_id)
            return [Proposal(p.id, p.ticket_id, p.question, p.answer, p.group_id, p.status, name or "",
                             p.review_reason, p.doc_id, _aware(p.created_at))
                    for p, name in s.execute(q.order_by(FaqProposalRow.group_id, FaqProposalRow.id))]

    def proposal(self, proposal_id: int) -> Proposal:
        found = self.proposals(status=None, proposal_id=proposal_id)
        if not found:
            raise NotFound("no such proposal")
        return found[0]

    def review(self, proposal_id: int, reviewer: Volunteer, *, approve: bool, reason: str = "", doc_id: str = "",
               question: str | None = None, answer: str | None = None) -> Proposal:
        with self.sessions.begin() as s:
            p = s.get(FaqProposalRow, proposal_id)
            if p is None:
                raise NotFound("no such proposal")
            faq.check_review(p.status, approve=approve, reason=reason)
            if question is not None:
                p.question = question.strip()[:faq.MAX_QUESTION]
            if answer is not None:
                p.answer = answer.strip()[:faq.MAX_ANSWER]
            p.status = "approved" if approve else "rejected"
            p.review_reason, p.reviewed_by, p.reviewed_at, p.doc_id = (reason.strip()[:faq.MAX_REASON], reviewer.id,
                                                                      self.clock(), doc_id)
        return self.proposal(proposal_id)
