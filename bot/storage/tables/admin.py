"""The admin console: bot settings overrides, unanswered-question triage, knowledge-base jobs (issue 7; migration
0006)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, utcnow


class BotSettingRow(Base):
    """An override of one citizen-facing setting (service hours, SLA minutes, greeting) made in the admin
    console; the running services read these without a restart. Absent key = the config.yaml value."""

    __tablename__ = "bot_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(128), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QuestionTriageRow(Base):
    """What an editor did with a poorly answered question: ignored, linked to a guide, or a new guide."""

    __tablename__ = "question_triage"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    action: Mapped[str] = mapped_column(String(20))  # ignored | linked | guide
    doc_id: Mapped[str] = mapped_column(String(200), default="")
    actor: Mapped[str] = mapped_column(String(128), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class KbJobRow(Base):
    """A knowledge-base job (re-index, publish …) run in the background; its progress is polled."""

    __tablename__ = "kb_jobs"
    __table_args__ = (Index("ix_kb_jobs_status", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(30))
    target: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | done | failed
    phase: Mapped[str] = mapped_column(String(20), default="")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(128), default="")
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
