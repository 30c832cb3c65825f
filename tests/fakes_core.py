"""In-memory fakes of the core's ports for unit tests: a hand-written retriever, a recording question log,
a hand-off desk, and a conversation engine built from them (no model, no index, no database)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.answering.service import AnswerService, Calibration
from bot.core.conversation.engine import ConversationService
from bot.core.handoff import OpenedTicket
from bot.core.types import Passage, QueryAnalysis, QuestionRecord, Retrieval

STEPS = "## Các bước\n" + "\n".join(f"{i}. Bước số {i}: " + "làm việc này cẩn thận " * 6 for i in range(1, 15))


def passage(doc_id: str, score: float, *, lang: str = "vi", text: str = STEPS, dense: float = 0.9) -> Passage:
    return Passage(doc_id=doc_id, chunk_id=f"{doc_id}#0", title=f"Tiêu đề {doc_id}", url=f"https://x.gov.vn/{doc_id}",
                   text=text, lang=lang, topic="vneid", kind="guide", score=score, dense=dense,
                   lead="Câu trả lời ngắn gọn.")


@dataclass
class FakeRetriever:
    passages: tuple[Passage, ...]
    coverage: float = 1.0
    lang: str = "vi"
    seen: list[str] = field(default_factory=list)

    def retrieve(self, question: str, *, limit: int = 5) -> Retrieval:
        self.seen.append(question)
        q = QueryAnalysis(question, question, question, tuple(question.split()), "accented", self.lang)
        passages = self.passages[:limit]
        # as the real retriever: runners-up whose title no word of the question tells apart from the first's
        words = set(q.folded_tokens)
        first = set(passages[0].title.split()) if passages else set()
        confusable = tuple(p.doc_id for p in passages[1:] if not words & (set(p.title.split()) ^ first))
        return Retrieval(query=q, passages=passages, coverage=self.coverage, margin=0.2, confusable=confusable)

    def twin(self, doc_id: str, lang: str) -> str | None:
        return doc_id + "-en" if lang == "en" else doc_id.removesuffix("-en")

    def document(self, doc_id: str) -> Passage | None:
        return next((p for p in self.passages if p.doc_id == doc_id), None)

    def titles(self, topic: str, lang: str, *, limit: int = 5) -> list[tuple[str, str]]:
        return [(p.doc_id, p.title) for p in self.passages if p.lang == lang][:limit]


@dataclass
class RecordingLog:
    records: list[QuestionRecord] = field(default_factory=list)

    def record(self, item: QuestionRecord) -> None:
        self.records.append(item)


CAL = Calibration(weights=(-6.0, 0.0, 12.0, 0.0), threshold=0.5)  # confidence driven by coverage


@dataclass
class Desk:
    """An in-memory HandoffDesk (the core's port) for unit tests."""

    requests: list[dict[str, object]] = field(default_factory=list)
    status: str = ""
    relayed: list[str] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    def request(self, **kw: object) -> OpenedTicket:
        self.requests.append(kw)
        existing = bool(self.status)
        self.status = self.status or "open"
        return OpenedTicket(len(self.requests), str(kw.get("priority", "normal")), str(kw.get("commune", "")),
                            existing, 12.0, None)

    def active(self, channel: str, user_ref: str) -> tuple[int, str] | None:
        return (len(self.requests), self.status) if self.status in ("open", "claimed") else None

    def from_citizen(self, ticket_id: int, text: str, *, source_msg_id: str) -> None:
        self.relayed.append(text)

    def cancel(self, channel: str, user_ref: str) -> bool:
        had, self.status = self.status in ("open", "claimed"), "cancelled"
        return had

    def rate(self, ticket_id: int, channel: str, user_ref: str, rating: int) -> bool:
        self.ratings.append(rating)
        return True


def engine(coverage: float = 1.0, lang: str = "vi") -> tuple[ConversationService, RecordingLog, Desk]:
    log, desk = RecordingLog(), Desk()
    r = FakeRetriever((passage("a", 0.9), passage("b", 0.8)), coverage=coverage, lang=lang)
    svc = AnswerService(r, calibration=Calibration((-6.0, 0.0, 12.0, 0.0), 0.5), question_log=log)
    return ConversationService(svc, handoff=desk), log, desk

