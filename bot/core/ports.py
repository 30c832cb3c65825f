"""Ports: the interfaces the core needs from the outside world (typing.Protocol)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from bot.core.handoff import OpenedTicket, TicketSummary
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


class Redactor(Protocol):
    """Removes personal data (ID, phone, OTP, card numbers …) from text before it is stored."""

    def redact(self, text: str) -> str: ...


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


class PersonalData(Protocol):
    """Everything kept about one citizen, across features (issue 8: /dulieu and /xoa)."""

    def export(self, channel: str, user_ref: str) -> dict[str, list[dict[str, object]]]:
        """Records per feature ("messages", "conversation", "tickets" …), JSON-able, nothing secret."""
        ...

    def erase(self, channel: str, user_ref: str, *, actor: str = "") -> dict[str, int]:
        """Delete (or anonymise for statistics) everything; rows touched per feature. Audited."""
        ...
