"""What every channel adapter shares: the Sender port, send errors, and text rendering helpers."""

from __future__ import annotations

from typing import Protocol

from bot.core.messages import Reply
from bot.core.texts import t


class SendError(Exception):
    """A send failed. `retry_after` (seconds) means "try again later"; None means permanent."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Sender(Protocol):
    channel: str

    async def send(self, user_ref: str, reply: Reply, meta: dict[str, object]) -> str:
        """Deliver one reply; return the platform's message id. Raises SendError."""
        ...


def split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph, then line, then word boundaries so each part is at most `limit` characters."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n\n", 0, limit)
        if cut < limit // 3:
            cut = rest.rfind("\n", 0, limit)
        if cut < limit // 3:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts or [""]


def numbered_options(reply: Reply, lang: str = "vi") -> str:
    """Buttons rendered as numbered options, for channels without buttons ("gõ 1, 2 hoặc 3")."""
    if not reply.buttons:
        return reply.text
    lines = [reply.text, ""]
    lines += [f"{i}. {b.title}" for i, b in enumerate(reply.buttons, 1)]
    n = len(reply.buttons)
    nums = "1" if n == 1 else ", ".join(str(i) for i in range(1, n)) + f" {t(lang, 'or')} {n}"
    lines.append(t(lang, "choose_number", numbers=nums))
    return "\n".join(lines)


def source_line(reply: Reply) -> str:
    """"Nguồn: <title> — <url>" for channels that show sources as text."""
    if not reply.sources:
        return ""
    s = reply.sources[0]
    return f"{t(reply.lang, 'source')}: {s.title}" + (f"\n{s.url}" if s.url else "")


def as_text(reply: Reply) -> str:
    """The reply as plain text with its source and numbered options (console, SMS-like channels)."""
    src = source_line(reply)
    body = numbered_options(Reply(reply.text + (f"\n\n{src}" if src else ""), reply.buttons, lang=reply.lang),
                            reply.lang)
    return body.replace("**", "")
