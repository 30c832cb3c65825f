"""Publishing a volunteer's FAQ proposal as a guide of the knowledge base (the use case behind
`POST /api/faq-proposals/{id}/approve`).

The guide is written to the managed directory, the index is rebuilt (incremental: only the new text is
embedded) and this process switches to the new build; only then is the proposal marked approved. If the
re-index fails, the guide file is removed again and the proposal stays pending."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Generic, Protocol, TypeVar

from bot.core.handoff import Conflict, TicketError


class ProposalView(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def ticket_id(self) -> int | None: ...
    @property
    def status(self) -> str: ...
    @property
    def question(self) -> str: ...
    @property
    def answer(self) -> str: ...


class Reviewer(Protocol):
    @property
    def username(self) -> str: ...


P = TypeVar("P", bound=ProposalView)
R = TypeVar("R", bound=Reviewer)
P_co = TypeVar("P_co", bound=ProposalView, covariant=True)
R_contra = TypeVar("R_contra", bound=Reviewer, contravariant=True)


class ProposalDesk(Protocol[P_co, R_contra]):
    """The proposals of the volunteer desk (bot.storage.tickets.SqlTicketDesk)."""

    def proposal(self, proposal_id: int) -> P_co: ...

    def review(self, proposal_id: int, reviewer: R_contra, *, approve: bool, reason: str = "", doc_id: str = "",
               question: str | None = None, answer: str | None = None) -> P_co: ...


class GuideShelf(Protocol):
    """The managed guides (bot.storage.guides.ManagedGuides): a guide written as front matter + body."""

    def write(self, folder: str, doc_id: str, front: dict[str, object], body: str) -> None: ...

    def remove(self, folder: str, doc_id: str) -> None: ...


class FaqPublisher(Generic[P, R]):
    """`publish` approves a pending proposal as the guide `faq-tnv-<id>`. `reindex()` rebuilds the index from
    the knowledge base (raising on a broken document) and switches this process to it; `exclusive` keeps
    one publish or re-index at a time in this process."""

    folder = "faq"

    def __init__(self, desk: ProposalDesk[P, R], guides: GuideShelf, *, reindex: Callable[[], object],
                 exclusive: AbstractContextManager[object], today: Callable[[], _dt.date] = _dt.date.today) -> None:
        self.desk, self.guides, self.reindex = desk, guides, reindex
        self.exclusive, self.today = exclusive, today

    def publish(self, proposal_id: int, reviewer: R, *, question: str | None = None,
                answer: str | None = None) -> P:
        p = self.desk.proposal(proposal_id)
        if p.status != "pending":
            raise Conflict(f"proposal is already {p.status}")
        q = (question if question is not None else p.question).strip()
        a = (answer if answer is not None else p.answer).strip()
        if not q or not a:
            raise TicketError("question and answer must not be empty")
        doc_id = f"faq-tnv-{p.id}"
        with self.exclusive:
            self.guides.write(self.folder, doc_id, guide_front(doc_id, q, a, today=self.today(), ticket_id=p.ticket_id,
                                                               reviewer=reviewer.username), a)
            try:
                self.reindex()
            except Exception:
                self.guides.remove(self.folder, doc_id)
                raise
        return self.desk.review(proposal_id, reviewer, approve=True, doc_id=doc_id, question=q, answer=a)


def guide_front(doc_id: str, question: str, answer: str, *, today: _dt.date, ticket_id: int | None,
                reviewer: str) -> dict[str, object]:
    """The front matter of an approved FAQ (docs/KNOWLEDGE.md)."""
    return {"id": doc_id, "title": question[:200], "topic": "local", "audience": "all", "lang": "vi",
            "source_url": [], "reviewed_on": today.isoformat(), "tags": ["hỏi đáp", "tình nguyện viên"],
            "summary": answer.split("\n")[0][:300], "questions": [question],
            "origin": f"volunteer answer (ticket {ticket_id}), approved by {reviewer}"}
