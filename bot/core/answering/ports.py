"""Ports of the answering feature: what it needs from the outside world (typing.Protocol), and the error a
language-model adapter raises."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from bot.core.types import Generation, GenerationRequest, Passage, QuestionRecord, Retrieval


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


class GenerationError(Exception):
    """A language model call that produced no usable reply. `reason` is a short code for the question log
    and the metrics: timeout | unreachable | server_error | client_error | error."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


class Generator(Protocol):
    """Writes an answer from numbered passages with a language model, and rewrites questions for search."""

    streams: bool  # True when `generate` reports the text piece by piece through `on_delta`

    def generate(self, request: GenerationRequest, *, timeout_s: float,
                 on_delta: Callable[[str], None] | None = None) -> Generation:
        """The model's reply to the grounded prompt. Raises `GenerationError` (never anything else)."""
        ...

    def rewrite(self, question: str, history: Sequence[str], *, timeout_s: float) -> str:
        """One standalone search question (tone marks restored, abbreviations expanded, a follow-up resolved
        with `history`, the conversation's previous questions). Raises `GenerationError`."""
        ...


class GenerationMonitor(Protocol):
    """Receives what the dashboards need about language-model answers (latency, tokens, fallbacks)."""

    def observe(self, *, latency_s: float, prompt_tokens: int, completion_tokens: int) -> None: ...

    def fallback(self, reason: str) -> None: ...

    def refusal(self) -> None: ...
