"""Ports of the learning feature: what it needs from the outside world (typing.Protocol)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.core.learning.curriculum import Module
from bot.core.learning.model import Certificate, Learner, Progress, Statement


class Curriculum(Protocol):
    """The learning modules (knowledge/lessons), in order."""

    def modules(self) -> list[Module]: ...


class LearningStore(Protocol):
    """Learners (one per person, linked to any number of channel accounts), their append-only statements,
    spaced-review items and certificates."""

    def find(self, channel: str, user_ref: str) -> Learner | None: ...

    def create(self, channel: str, user_ref: str) -> Learner:
        """A new learner (fresh pseudonymous key and learner code) linked to this channel account."""
        ...

    def by_code(self, code: str) -> Learner | None: ...

    def link(self, learner_id: int, channel: str, user_ref: str) -> None:
        """Link this channel account to the learner (moving it from another; an unused learner left without
        links or statements is dropped)."""
        ...

    def save(self, learner: Learner) -> None: ...

    def record(self, statements: Sequence[Statement]) -> None:
        """Append statements (never updated)."""
        ...

    def commit(self, learner: Learner, statements: Sequence[Statement]) -> None:
        """The end of a turn, in ONE transaction: save the learner and append the statements, skipping any
        whose id is already stored (a message redelivered after a crash re-emits the same ids)."""
        ...

    def progress(self, learner_id: int) -> Progress: ...

    def reviews_due(self, learner_id: int, now: datetime) -> list[tuple[str, int]]:
        """(quiz item id, stage) of the review items due at `now`, oldest first."""
        ...

    def set_review(self, learner_id: int, item_id: str, stage: int, due_at: datetime | None) -> None:
        """Schedule (or, with None, drop) one review item."""
        ...

    def issue_certificate(self, cert: Certificate) -> Certificate:
        """Store a certificate; the existing one when this learner already has one for the scope."""
        ...
