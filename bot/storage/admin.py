"""Storage of the admin console (issue 7): citizen-facing setting overrides, the unanswered-question
triage, knowledge-base job progress, and read-only views of the catalogue (documents and their chunks).

Every change made by a person is written together with its audit entry in ONE transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.answering.triage import AskedQuestion
from bot.storage.audit import audit
from bot.storage.tables.admin import BotSettingRow, KbJobRow, QuestionTriageRow
from bot.storage.tables.base import utcnow
from bot.storage.tables.knowledge import ChunkRow, DocumentRow, QuestionRow

TRIAGE_ACTIONS = ("ignored", "linked", "guide")


def _aware(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


class BotSettingsStore:
    """Overrides of citizen-facing settings (key -> JSON value)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def overrides(self) -> dict[str, object]:
        with self.sessions() as s:
            return {r.key: r.value for r in s.scalars(select(BotSettingRow))}

    def save(self, changes: dict[str, object | None], actor: str) -> tuple[dict[str, object], dict[str, object]]:
        """Apply changes (None removes an override); returns the overrides before and after."""
        now = utcnow()
        with self.sessions.begin() as s:
            before = {r.key: r.value for r in s.scalars(select(BotSettingRow))}
            for key, value in changes.items():
                row = s.get(BotSettingRow, key)
                if value is None:
                    if row is not None:
                        s.delete(row)
                elif row is None:
                    s.add(BotSettingRow(key=key, value=value, updated_by=actor[:128], updated_at=now))
                else:
                    row.value, row.updated_by, row.updated_at = value, actor[:128], now
            s.flush()
            after = {r.key: r.value for r in s.scalars(select(BotSettingRow))}
            audit(s, actor, "settings.update", "bot_settings", {"keys": sorted(changes)},
                  content={"before": {k: before.get(k) for k in changes}, "after": {k: after.get(k) for k in changes}})
        return before, after


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    kind: str
    title: str
    url: str
    lang: str
    topic: str
    source_path: str
    meta: dict[str, object]
    chunks: int
    updated_at: datetime


@dataclass(frozen=True)
class ChunkInfo:
    id: str
    ordinal: int
    heading: str
    text: str


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    target: str
    status: str
    phase: str
    done: int
    total: int
    actor: str
    detail: dict[str, object]
    started_at: datetime
    finished_at: datetime | None

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "target": self.target, "status": self.status, "phase": self.phase,
                "done": self.done, "total": self.total, "actor": self.actor, "detail": self.detail,
                "started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None}


def _job(r: KbJobRow) -> Job:
    return Job(r.id, r.kind, r.target, r.status, r.phase, r.done, r.total, r.actor, dict(r.detail or {}),
               _aware(r.started_at) or r.started_at, _aware(r.finished_at))


class AdminStore:
    """The admin console's other records: question triage, KB jobs, catalogue views."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    # ---- the unanswered-question inbox -----------------------------------------------------------
    def unanswered(self, *, since: datetime | None = None, until: datetime | None = None,
                   limit: int = 3000) -> list[AskedQuestion]:
        """Questions answered "not covered" or marked "Chưa đúng", not yet triaged, newest first."""
        with self.sessions() as s:
            q = select(QuestionRow).where(
                or_(QuestionRow.covered.is_(False), QuestionRow.feedback == "not_helpful"),
                QuestionRow.question != "",
                QuestionRow.id.not_in(select(QuestionTriageRow.question_id)))
            if since is not None:
                q = q.where(QuestionRow.asked_at >= since)
            if until is not None:
                q = q.where(QuestionRow.asked_at < until)
            rows = s.scalars(q.order_by(QuestionRow.id.desc()).limit(limit))
            return [AskedQuestion(r.id, r.question, _aware(r.asked_at) or r.asked_at, r.channel, bool(r.covered),
                                  r.feedback, float(r.confidence), tuple(r.source_ids or ())) for r in rows]

    def triage(self, question_ids: Sequence[int], action: str, *, actor: str, doc_id: str = "",
               details: dict[str, object] | None = None) -> int:
        """Mark questions (ignored | linked | guide); returns how many were newly marked."""
        if action not in TRIAGE_ACTIONS:
            raise ValueError(f"action must be one of {TRIAGE_ACTIONS}")
        ids = sorted({int(i) for i in question_ids})[:5000]
        now = utcnow()
        with self.sessions.begin() as s:
            known = set(s.scalars(select(QuestionRow.id).where(QuestionRow.id.in_(ids)))) if ids else set()
            done = set(s.scalars(select(QuestionTriageRow.question_id).where(QuestionTriageRow.question_id.in_(ids)))) \
                if ids else set()
            new = [i for i in ids if i in known and i not in done]
            for i in new:
                s.add(QuestionTriageRow(question_id=i, action=action, doc_id=doc_id[:200], actor=actor[:128], at=now))
            audit(s, actor, f"unanswered.{action}", f"doc:{doc_id}" if doc_id else "questions",
                  {"questions": len(new), "ids": new[:50], **(details or {})})
        return len(new)

    def untriage(self, question_ids: Sequence[int]) -> None:
        with self.sessions.begin() as s:
            s.execute(delete(QuestionTriageRow).where(QuestionTriageRow.question_id.in_(list(question_ids))))

    def question_texts(self, question_ids: Sequence[int]) -> list[str]:
        with self.sessions() as s:
            return [t for t in s.scalars(select(QuestionRow.question).where(QuestionRow.id.in_(list(question_ids))))
                    if t]

    # ---- knowledge-base jobs ---------------------------------------------------------------------
    def start_job(self, kind: str, *, actor: str, target: str = "") -> Job:
        with self.sessions.begin() as s:
            r = KbJobRow(kind=kind[:30], target=target[:200], status="running", phase="queued", done=0, total=0,
                         actor=actor[:128], detail={}, started_at=utcnow())
            s.add(r)
            s.flush()
            return _job(r)

    def progress(self, job_id: int, phase: str, done: int, total: int) -> None:
        with self.sessions.begin() as s:
            s.execute(update(KbJobRow).where(KbJobRow.id == job_id, KbJobRow.status == "running")
                      .values(phase=phase[:20], done=done, total=total))

    def finish_job(self, job_id: int, *, ok: bool, detail: dict[str, object]) -> None:
        with self.sessions.begin() as s:
            r = s.get(KbJobRow, job_id)
            if r is not None:
                r.status, r.finished_at, r.detail = ("done" if ok else "failed"), utcnow(), detail
                r.phase = "done" if ok else r.phase

    def job(self, job_id: int) -> Job | None:
        with self.sessions() as s:
            r = s.get(KbJobRow, job_id)
            return _job(r) if r is not None else None

    def jobs(self, *, limit: int = 10) -> list[Job]:
        with self.sessions() as s:
            return [_job(r) for r in s.scalars(select(KbJobRow).order_by(KbJobRow.id.desc()).limit(limit))]

    def fail_stale_jobs(self, older_than: datetime) -> int:
        """Jobs left 'running' by a process that died are marked failed."""
        with self.sessions.begin() as s:
            res = s.execute(update(KbJobRow).where(KbJobRow.status == "running", KbJobRow.started_at < older_than)
                            .values(status="failed", finished_at=utcnow(), detail={"error": "interrupted"}))
            return int(res.rowcount or 0)  # type: ignore[attr-defined]

    # ---- the catalogue as last indexed -----------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        from sqlalchemy import func

        with self.sessions() as s:
            counts = {d: n for d, n in s.execute(select(ChunkRow.doc_id, func.count()).group_by(ChunkRow.doc_id))}
            return [DocumentInfo(d.id, d.kind, d.title, d.url, d.lang, d.topic, d.source_path, dict(d.meta or {}),
                                 int(counts.get(d.id, 0)), _aware(d.updated_at) or d.updated_at)
                    for d in s.scalars(select(DocumentRow).order_by(DocumentRow.topic, DocumentRow.id))]

    def document(self, doc_id: str) -> tuple[DocumentInfo, list[ChunkInfo]] | None:
        with self.sessions() as s:
            d = s.get(DocumentRow, doc_id)
            if d is None:
                return None
            chunks = [ChunkInfo(c.id, c.ordinal, c.heading, c.text) for c in s.scalars(
                select(ChunkRow).where(ChunkRow.doc_id == doc_id).order_by(ChunkRow.ordinal))]
            return DocumentInfo(d.id, d.kind, d.title, d.url, d.lang, d.topic, d.source_path, dict(d.meta or {}),
                                len(chunks), _aware(d.updated_at) or d.updated_at), chunks
