"""The audit log: who did what to which record, and when — never the personal data itself.

    from bot.storage.audit import AuditLog, audit

    audit(session, "user:12", "ticket.close", "ticket:345", {"reason": "answered"})   # inside a transaction
    AuditLog(sessions).audit("system:retention", "privacy.purge", "", {"inbox": 120})  # its own transaction

String values in `details` are passed through the redactor (a safety net: callers put counts, ids and
reasons there, not text typed by citizens). Citizens are named by `subject_pseudonym(channel, user_ref, key)`:
a keyed hash (HMAC-SHA-256 under the deployment's pseudonym key, `bot.storage.keys.pseudonym_key`), so that
whoever reads the log cannot recover a chat id by hashing every possible one (Telegram and Zalo ids are short
numbers: an unkeyed hash of them is reversible by enumeration).

`content={"before": …, "after": …}` (admin console, issue 7) keeps knowledge-base text as it was and as it
became, NOT redacted (a changed hotline number must be visible) and up to `CONTENT_CHARS` per value: it is
only for curated, public content (guides, FAQ answers), never for what a citizen wrote.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.privacy.redaction import redact
from bot.storage.tables.base import utcnow
from bot.storage.tables.privacy import AuditRow


def subject_pseudonym(channel: str, user_ref: str, key: bytes) -> str:
    """A stable name for a citizen in the audit log: the channel and an HMAC-SHA-256 prefix (64 bits) of their
    platform id under the deployment's secret key. An administrator can recompute it (`binhdan privacy
    pseudonym`) to answer "was my data deleted?" without the log holding the id; without the key nobody can."""
    if len(key) < 16:
        raise ValueError("the pseudonym key must hold at least 16 bytes")
    digest = hmac.new(key, f"{channel}:{user_ref}".encode(), hashlib.sha256).hexdigest()[:16]
    return f"{channel}:{digest}"


def _clean(value: object) -> object:
    if isinstance(value, str):
        return redact(value)[:500]
    if isinstance(value, dict):
        return {str(k)[:60]: _clean(v) for k, v in list(value.items())[:50]}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in list(value)[:50]]
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return redact(str(value))[:500]


CONTENT_CHARS = 20_000


def _content(value: object) -> object:
    if isinstance(value, str):
        return value[:CONTENT_CHARS]
    if isinstance(value, dict):
        return {str(k)[:60]: _content(v) for k, v in list(value.items())[:50]}
    if isinstance(value, (list, tuple)):
        return [_content(v) for v in list(value)[:200]]
    return value if isinstance(value, (int, float, bool)) or value is None else str(value)[:CONTENT_CHARS]


def audit(s: Session, actor: str, action: str, target: str = "", details: dict[str, object] | None = None, *,
          content: dict[str, object] | None = None) -> None:
    """Add one audit entry in the caller's transaction."""
    cleaned = _clean(details or {})
    assert isinstance(cleaned, dict)
    if content:
        cleaned["content"] = _content(content)
    s.add(AuditRow(at=utcnow(), actor=actor[:128], action=action[:60], target=target[:200], details=cleaned))


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    details: dict[str, object]


class AuditLog:
    """The audit log as a small repository (the admin console lists it)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def audit(self, actor: str, action: str, target: str = "", details: dict[str, object] | None = None, *,
              content: dict[str, object] | None = None) -> None:
        with self.sessions.begin() as s:
            audit(s, actor, action, target, details, content=content)

    def recent(self, *, limit: int = 100, action: str | None = None, target: str | None = None,
               actor: str | None = None, prefix: str | None = None) -> list[AuditEntry]:
        """Newest first. `prefix` filters actions by their start (e.g. "kb." for knowledge-base changes)."""
        with self.sessions() as s:
            q = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
            if action:
                q = q.where(AuditRow.action == action)
            if prefix:
                q = q.where(AuditRow.action.startswith(prefix, autoescape=True))
            if target:
                q = q.where(AuditRow.target == target)
            if actor:
                q = q.where(AuditRow.actor == actor)
            return [AuditEntry(r.id, r.at, r.actor, r.action, r.target, dict(r.details or {})) for r in s.scalars(q)]
