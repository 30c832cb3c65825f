"""Ports of the privacy feature: redaction of personal data, and everything kept about one citizen
(typing.Protocol)."""

from __future__ import annotations

from typing import Protocol


class Redactor(Protocol):
    """Removes personal data (ID, phone, OTP, card numbers …) from text before it is stored."""

    def redact(self, text: str) -> str: ...


class PersonalData(Protocol):
    """Everything kept about one citizen, across features (issue 8: /dulieu and /xoa)."""

    def export(self, channel: str, user_ref: str) -> dict[str, list[dict[str, object]]]:
        """Records per feature ("messages", "conversation", "tickets" …), JSON-able, nothing secret."""
        ...

    def erase(self, channel: str, user_ref: str, *, actor: str = "") -> dict[str, int]:
        """Delete (or anonymise for statistics) everything; rows touched per feature. Audited."""
        ...
