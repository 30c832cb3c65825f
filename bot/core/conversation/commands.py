"""What a citizen types that is not a question: a slash command, or asking for a person."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.text import fold, tokens

_HUMAN = re.compile(
    r"\b(gap|noi chuyen voi|lien he|goi|can|muon gap|cho toi gap|ket noi)\s+"
    r"(nguoi that|nguoi|can bo|tinh nguyen vien|tnv|nhan vien|tu van vien|ai do)\b"
    r"|\btinh nguyen vien\b|\bnguoi that\b|\b(talk|speak) to (a )?(human|person|volunteer|someone)\b"
)


@dataclass(frozen=True)
class Command:
    name: str
    arg: str = ""


def parse_command(text: str) -> Command | None:
    m = re.match(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", text.strip())
    return Command(m.group(1).lower(), (m.group(2) or "").strip()) if m else None


def wants_human(text: str) -> bool:
    return bool(_HUMAN.search(" ".join(tokens(fold(text)))))
