"""What a hand-off request that cannot be done raises. `status` is the HTTP status the web layer maps it to;
`message` is safe to show to the volunteer or admin who asked."""

from __future__ import annotations


class TicketError(Exception):
    """A volunteer or admin request that cannot be done; `status` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(TicketError):
    status = 404


class Forbidden(TicketError):
    status = 403


class Conflict(TicketError):
    status = 409
