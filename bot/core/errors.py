"""Domain errors: a request the rules refuse. The core (and the repositories that enforce its rules) raise
them; the web layer maps each `kind` to an HTTP status in one place (bot/web/errors.py), the CLI prints the
message, a volunteer's Telegram chat answers it. `message` is safe to show to the person who asked.

    Invalid 400 · Forbidden 403 · NotFound 404 · Conflict 409 · TooLarge 413 · Unprocessable 422

A report-like error (a refused upload with its list of problems) overrides `detail()` to return a dict."""

from __future__ import annotations

from typing import Literal

Kind = Literal["invalid", "forbidden", "not_found", "conflict", "too_large", "unprocessable"]
KINDS: tuple[Kind, ...] = ("invalid", "forbidden", "not_found", "conflict", "too_large", "unprocessable")


class DomainError(Exception):
    """A request that cannot be done as asked. `kind` (class default, or per instance) says why."""

    kind: Kind = "invalid"

    def __init__(self, message: str, *, kind: Kind | None = None) -> None:
        super().__init__(message)
        self.message = message
        if kind is not None:
            self.kind = kind  # one instance may refine its class's kind

    def detail(self) -> str | dict[str, object]:
        """What the client is told (the `detail` of the JSON error body)."""
        return self.message


class Invalid(DomainError):
    """The request itself is wrong (an empty text, a bad code, a policy the input breaks)."""

    kind = "invalid"


class Forbidden(DomainError):
    """The request is well-formed but this person may not do it."""

    kind = "forbidden"


class NotFound(DomainError):
    kind = "not_found"


class Conflict(DomainError):
    """The thing is not in a state that allows it (already claimed, already reviewed, changed meanwhile)."""

    kind = "conflict"


class TooLarge(DomainError):
    kind = "too_large"


class Unprocessable(DomainError):
    """Understood, but its content breaks a rule (a guide with errors, a file that cannot be parsed)."""

    kind = "unprocessable"
