"""Ports: the interfaces the core needs from the outside world (typing.Protocol)."""

from __future__ import annotations

from typing import Protocol

from bot.core.types import Passage, QuestionRecord, Retrieval


class Retriever(Protocol):
    """Finds the passages that answer a question."""

    def retrieve(self, question: str, *, limit: int = 5) -> Retrieval:
        """Return ranked passages, one per document, best first. Never raises on odd text."""
        ...

    def twin(self, doc_id: str, lang: str) -> str | None:
        """The id of the same guide in another language, when the index holds it."""
        ...

    def document(self, doc_id: str) -> Passage | None:
        """The opening passage of one document (its lead and first steps), or None."""
        ...

    def titles(self, topic: str, lang: str, *, limit: int = 5) -> list[tuple[str, str]]:
        """(doc_id, title) of guides in a topic and language, in catalogue order."""
        ...


class QuestionLog(Protocol):
    """Keeps a (redacted) record of every answered question for the dashboards."""

    def record(self, item: QuestionRecord) -> int | None:
        """Store the record; return its id (for feedback) when the store has one."""
        ...

    def feedback(self, question_id: int, value: str) -> None:
        """Attach 'helpful' or 'not_helpful' to a recorded question."""
        ...


class HandoffDesk(Protocol):
    """Takes a citizen's request to talk to a human volunteer."""

    def request(self, *, channel: str, user_ref: str, reason: str, summary: str, commune: str) -> None: ...


class Curriculum(Protocol):
    """The learning modules: (module id, title, English title, guide ids)."""

    def modules(self) -> list[tuple[str, str, str, list[str]]]: ...


class Redactor(Protocol):
    """Removes personal data (ID, phone, OTP, card numbers …) from text before it is stored."""

    def redact(self, text: str) -> str: ...
