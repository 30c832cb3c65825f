"""Ports: the interfaces the core needs from the outside world (typing.Protocol)."""

from __future__ import annotations

from typing import Protocol

from bot.core.types import QuestionRecord, Retrieval


class Retriever(Protocol):
    """Finds the passages that answer a question."""

    def retrieve(self, question: str, *, limit: int = 5) -> Retrieval:
        """Return ranked passages, one per document, best first. Never raises on odd text."""
        ...

    def twin(self, doc_id: str, lang: str) -> str | None:
        """The id of the same guide in another language, when the index holds it."""
        ...


class QuestionLog(Protocol):
    """Keeps a (redacted) record of every answered question for the dashboards."""

    def record(self, item: QuestionRecord) -> None: ...


class Redactor(Protocol):
    """Removes personal data (ID, phone, OTP, card numbers …) from text before it is stored."""

    def redact(self, text: str) -> str: ...
