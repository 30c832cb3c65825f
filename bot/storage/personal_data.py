"""Everything kept about one citizen, feature by feature: export (/dulieu), erasure (/xoa) and retention.

A citizen is known by `(channel, user_ref)` (the platform's chat id, or the web chat's session id).
Each feature that keeps data about citizens registers one `Handler` here; `SqlPersonalData` runs all
of them — erasure in ONE transaction together with its audit entry, so it happens completely or not at
all.

How to register your feature (tickets, learning records …) — at import time of your storage module
(bootstrap imports it when it builds your repository, so the handler is in place before serving):

    from bot.storage.personal_data import register

    def _export(s: Session, channel: str, user_ref: str) -> list[dict[str, object]]:
        rows = s.scalars(select(MyRow).where(MyRow.channel == channel, MyRow.user_ref == user_ref))
        return [{"at": r.created_at, "text": r.text} for r in rows]      # datetimes are fine

    def _erase(s: Session, channel: str, user_ref: str) -> int:          # rows deleted or anonymised
        return s.execute(delete(MyRow).where(MyRow.channel == channel, MyRow.user_ref == user_ref)).rowcount

    def _purge(s: Session, before: datetime) -> int:                     # optional: retention
        return s.execute(delete(MyRow).where(MyRow.created_at < before)).rowcount

    register("my_feature", export=_export, erase=_erase, purge=_purge)

Rules: `export` returns JSON-able records (no secrets: password hashes, tokens); `erase` deletes the rows,
or anonymises those kept for statistics (user_ref set to NULL/"" and free text emptied); it must not
delete the inbox row being processed (the inbox handler below blanks it instead). Handlers run in
registration order; re-registering a name replaces it. The readable summary in chat uses the text
`pd_<name>` of bot/core/texts.py when it exists ("Tin nhắn bạn đã gửi: 12"), else the name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.audit import audit, subject_pseudonym
from bot.storage.db import scrub_deleted, vacuum_tables
from bot.storage.tables.base import utcnow
from bot.storage.tables.knowledge import QuestionRow
from bot.storage.tables.messaging import ConversationRow, InboxRow, OutboxRow
from bot.storage.tables.privacy import ConsentRow

log = logging.getLogger(__name__)

Exporter = Callable[[Session, str, str], list[dict[str, object]]]
Eraser = Callable[[Session, str, str], int]
Purger = Callable[[Session, datetime], int]


@dataclass(frozen=True)
class Handler:
    name: str
    export: Exporter
    erase: Eraser
    purge: Purger | None = None


_REGISTRY: dict[str, Handler] = {}


def register(name: str, *, export: Exporter, erase: Eraser, purge: Purger | None = None) -> None:
    """Register (or replace) the personal-data handler of one feature."""
    _REGISTRY[name] = Handler(name, export, erase, purge)


def handlers() -> list[Handler]:
    return list(_REGISTRY.values())


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


class SqlPersonalData:
    """Implements the core's `PersonalData` port over every registered handler, plus the retention purge
    and the consent records."""

    # tables whose rows hold citizens' text: VACUUMed on PostgreSQL after an erasure or a purge
    TEXT_TABLES = ("inbox", "outbox", "conversations", "questions", "consent_records", "tickets",
                   "ticket_messages", "faq_proposals", "learners", "learner_links", "learning_statements")

    def __init__(self, sessions: sessionmaker[Session], *, pseudonym_key: bytes, retention_days: int = 90) -> None:
        self.sessions = sessions
        self.pseudonym_key = pseudonym_key
        self.retention_days = retention_days
        self.vacuum_due = False  # an erasure or purge happened since the last `vacuum` (PostgreSQL)

    def _scrub(self) -> None:
        """Deleted text must not outlive the erasure in the database files (SQLite: checkpoint the WAL;
        secure_delete zeroed the freed cells). PostgreSQL: the next `vacuum` job removes dead tuples."""
        engine = self.sessions.kw.get("bind")
        if engine is None:
            return
        self.vacuum_due = True
        if not scrub_deleted(engine):
            log.warning("WAL checkpoint after erasure blocked by a reader; the next one will complete it")

    def vacuum(self) -> dict[str, int]:
        """Periodic job: VACUUM the text tables on PostgreSQL once after any erasure or purge (plain
        VACUUM, not FULL: no exclusive lock; see docs/security/sec-c.md for what it does and does not do)."""
        engine = self.sessions.kw.get("bind")
        if not self.vacuum_due or engine is None or engine.dialect.name != "postgresql":
            return {}
        self.vacuum_due = False
        vacuum_tables(engine, self.TEXT_TABLES)
        return {"vacuumed_tables": len(self.TEXT_TABLES)}

    def export(self, channel: str, user_ref: str) -> dict[str, list[dict[str, object]]]:
        out: dict[str, list[dict[str, object]]] = {}
        with self.sessions.begin() as s:
            for h in handlers():
                records = h.export(s, channel, user_ref)
                if records:
                    out[h.name] = _jsonable(records)
            who = subject_pseudonym(channel, user_ref, self.pseudonym_key)
            audit(s, f"citizen:{who}", "privacy.export", who, {k: len(v) for k, v in out.items()})
        return out

    def erase(self, channel: str, user_ref: str, *, actor: str = "") -> dict[str, int]:
        """Delete (or anonymise) everything about the citizen in one transaction, audited without data."""
        who = subject_pseudonym(channel, user_ref, self.pseudonym_key)
        counts: dict[str, int] = {}
        with self.sessions.begin() as s:
            for h in handlers():
                counts[h.name] = int(h.erase(s, channel, user_ref) or 0)
            audit(s, actor or f"citizen:{who}", "privacy.erase", who, {"rows": counts})
        log.info("personal data erased for %s: %s", who, counts)
        self._scrub()
        return counts

    def purge(self, *, days: int | None = None, now: datetime | None = None) -> dict[str, int]:
        """Retention: conversation text older than `days` (default: the configured retention) is deleted."""
        days = self.retention_days if days is None else days
        before = (now or utcnow()) - timedelta(days=days)
        counts: dict[str, int] = {}
        with self.sessions.begin() as s:
            for h in handlers():
                if h.purge is not None:
                    counts[h.name] = int(h.purge(s, before) or 0)
            if any(counts.values()):
                audit(s, "system:retention", "privacy.purge", "", {"days": days, "rows": counts})
        if any(counts.values()):
            self._scrub()
        return {k: v for k, v in counts.items() if v}

    def record_consent(self, channel: str, user_ref: str, choice: str, notice_version: str,
                       at: datetime | None = None) -> None:
        with self.sessions.begin() as s:
            s.add(ConsentRow(channel=channel, user_ref=user_ref[:128], choice=choice[:20],
                             notice_version=notice_version[:40], at=at or utcnow()))

    def forget_text(self, inbox_id: int) -> None:
        """Blank an answered message's text (the citizen declined consent: nothing of it is kept)."""
        with self.sessions.begin() as s:
            s.execute(update(InboxRow).where(InboxRow.id == inbox_id, InboxRow.status == "done")
                      .values(text=""))


# ---- the handlers of the conversation runtime ---------------------------------------------------------
def _n(result: Any) -> int:
    """Rows matched by an UPDATE or DELETE."""
    return int(getattr(result, "rowcount", 0) or 0)


def _subject(table: Any, channel: str, user_ref: str) -> Any:
    return (table.channel == channel) & (table.user_ref == user_ref)


def _question_ids(s: Session, channel: str, user_ref: str) -> list[int]:
    ids = []
    for meta in s.scalars(select(InboxRow.meta).where(_subject(InboxRow, channel, user_ref))):
        qid = (meta or {}).get("question_id")
        if isinstance(qid, int):
            ids.append(qid)
    return ids


def _export_questions(s: Session, channel: str, user_ref: str) -> list[dict[str, object]]:
    ids = _question_ids(s, channel, user_ref)
    if not ids:
        return []
    rows = s.scalars(select(QuestionRow).where(QuestionRow.id.in_(ids), QuestionRow.question != "")
                     .order_by(QuestionRow.id))
    return [{"at": r.asked_at, "question": r.question, "covered": r.covered, "feedback": r.feedback or ""}
            for r in rows]


def _erase_questions(s: Session, channel: str, user_ref: str) -> int:
    """The question log keeps its statistics (confidence, topic, feedback); the text goes."""
    ids = _question_ids(s, channel, user_ref)
    if not ids:
        return 0
    return _n(s.execute(update(QuestionRow).where(QuestionRow.id.in_(ids)).values(question="")))


def _purge_questions(s: Session, before: datetime) -> int:
    return _n(s.execute(update(QuestionRow).where(QuestionRow.asked_at < before, QuestionRow.question != "")
                         .values(question="")))


def _export_conversation(s: Session, channel: str, user_ref: str) -> list[dict[str, object]]:
    row = s.scalar(select(ConversationRow).where(_subject(ConversationRow, channel, user_ref)))
    if row is None:
        return []
    state = {k: v for k, v in (row.state or {}).items() if k != "options"}
    return [{"created_at": row.created_at, "updated_at": row.updated_at, "state": state}]


def _erase_conversation(s: Session, channel: str, user_ref: str) -> int:
    return _n(s.execute(delete(ConversationRow).where(_subject(ConversationRow, channel, user_ref))))


_STATE_TEXT = {"previous_questions": [], "turns": [], "pending_context": ""}


def _purge_conversations(s: Session, before: datetime) -> int:
    n = 0
    for row in s.scalars(select(ConversationRow).where(ConversationRow.updated_at < before)):
        state = dict(row.state or {})
        if any(state.get(k) for k in _STATE_TEXT):
            row.state = {**state, **_STATE_TEXT}
            n += 1
    return n


def _export_inbox(s: Session, channel: str, user_ref: str) -> list[dict[str, object]]:
    rows = s.scalars(select(InboxRow).where(_subject(InboxRow, channel, user_ref)).order_by(InboxRow.id))
    return [{"at": r.received_at, "kind": r.kind, "text": r.text, "button": r.action} for r in rows
            if r.text or r.action]


def _erase_inbox(s: Session, channel: str, user_ref: str) -> int:
    """Every message is deleted, except the one being processed (the /xoa confirmation itself), which is
    blanked: the runtime still has to mark it done and queue the reply."""
    subject = _subject(InboxRow, channel, user_ref)
    n = _n(s.execute(delete(InboxRow).where(subject, InboxRow.status != "processing")))
    n += _n(s.execute(update(InboxRow).where(subject, InboxRow.status == "processing")
                   .values(text="", action="", meta={}, error="")))
    return int(n)


def _purge_inbox(s: Session, before: datetime) -> int:
    return _n(s.execute(delete(InboxRow).where(InboxRow.received_at < before,
                                                InboxRow.status.in_(("done", "failed")))))


def _export_outbox(s: Session, channel: str, user_ref: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for r in s.scalars(select(OutboxRow).where(_subject(OutboxRow, channel, user_ref)).order_by(OutboxRow.id)):
        reply = (r.payload or {}).get("reply") or {}
        if not isinstance(reply, dict) or reply.get("kind") == "export":  # earlier exports: not again
            continue
        out.append({"at": r.created_at, "kind": reply.get("kind", ""), "text": reply.get("text", ""),
                    "status": r.status})
    return out


def _erase_outbox(s: Session, channel: str, user_ref: str) -> int:
    return _n(s.execute(delete(OutboxRow).where(_subject(OutboxRow, channel, user_ref))))


def _purge_outbox(s: Session, before: datetime) -> int:
    return _n(s.execute(delete(OutboxRow).where(
        OutboxRow.created_at < before,
        or_(OutboxRow.status.in_(("sent", "failed")), OutboxRow.next_attempt_at < before))))


def _export_consent(s: Session, channel: str, user_ref: str) -> list[dict[str, object]]:
    rows = s.scalars(select(ConsentRow).where(_subject(ConsentRow, channel, user_ref)).order_by(ConsentRow.id))
    return [{"at": r.at, "choice": r.choice, "notice_version": r.notice_version} for r in rows]


def _erase_consent(s: Session, channel: str, user_ref: str) -> int:
    return _n(s.execute(delete(ConsentRow).where(_subject(ConsentRow, channel, user_ref))))


# questions first: they are found through the inbox rows' links
register("questions", export=_export_questions, erase=_erase_questions, purge=_purge_questions)
register("conversation", export=_export_conversation, erase=_erase_conversation, purge=_purge_conversations)
register("messages", export=_export_inbox, erase=_erase_inbox, purge=_purge_inbox)
register("replies", export=_export_outbox, erase=_erase_outbox, purge=_purge_outbox)
register("consent", export=_export_consent, erase=_erase_consent)
