"""What a hand-off request that cannot be done raises: the shared domain errors (bot/core/errors.py, mapped to
HTTP statuses in one place, bot/web/errors.py). `message` is safe to show to the volunteer or admin who asked."""

from __future__ import annotations

from bot.core.errors import Conflict, Forbidden, Invalid, NotFound


class TicketError(Invalid):
    """A ticket request that cannot be done as asked (an empty reply, a FAQ proposal without an answer…).
    The other refusals are the shared domain errors NotFound, Forbidden and Conflict."""


__all__ = ["Conflict", "Forbidden", "NotFound", "TicketError"]
