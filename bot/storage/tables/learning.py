"""Learning: profiles, channel links, xAPI statements, review items, certificates, denominators (issue 6;
migration 0004)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, utcnow


class LearnerRow(Base):
    """One learner (a person), whatever channels they use. `key` is the pseudonymous xAPI actor; `code` the
    "mã học viên" typed on another device; `name` only when given for certificates."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    name_choice: Mapped[str] = mapped_column(String(10), default="")
    commune: Mapped[str] = mapped_column(String(10), default="", index=True)
    learner_group: Mapped[str] = mapped_column(String(20), default="")
    age_band: Mapped[str] = mapped_column(String(10), default="")
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    profile_asked: Mapped[bool] = mapped_column(Boolean, default=False)
    reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_active_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LearnerLinkRow(Base):
    """A channel account (Telegram chat, Zalo user, web chat session) that belongs to a learner."""

    __tablename__ = "learner_links"
    __table_args__ = (UniqueConstraint("channel", "user_ref", name="uq_learner_links_channel_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_ref: Mapped[str] = mapped_column(String(128))
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StatementRow(Base):
    """An xAPI-style statement, append-only (deleted only with its learner, on erasure). The columns
    repeat what reports filter on; `statement` is the full xAPI JSON."""

    __tablename__ = "learning_statements"
    __table_args__ = (Index("ix_learning_statements_learner", "learner_id", "verb"),
                      Index("ix_learning_statements_at", "timestamp"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    verb: Mapped[str] = mapped_column(String(20))
    object_kind: Mapped[str] = mapped_column(String(10))
    object_id: Mapped[str] = mapped_column(String(300))
    module_id: Mapped[str] = mapped_column(String(80), default="")
    lesson_id: Mapped[str] = mapped_column(String(80), default="")
    item_id: Mapped[str] = mapped_column(String(80), default="")
    success: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    score_scaled: Mapped[float | None] = mapped_column(Float, nullable=True)
    channel: Mapped[str] = mapped_column(String(20), default="")
    timestamp: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    statement: Mapped[dict[str, object]] = mapped_column(JSON)


class ReviewRow(Base):
    """A missed quiz item coming back for review (stage 0, 1, 2 → after 1, 3, 7 days)."""

    __tablename__ = "learning_reviews"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    stage: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CertificateRow(Base):
    """A certificate for a module (or the whole curriculum); the random code is its proof."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("learner_id", "scope", name="uq_certificates_learner_scope"),)

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(120), default="")
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DenominatorRow(Base):
    """How many people of a group live in a commune (imported by admins), for coverage reports."""

    __tablename__ = "population_denominators"

    commune: Mapped[str] = mapped_column(String(10), primary_key=True)
    learner_group: Mapped[str] = mapped_column(String(20), primary_key=True)
    population: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
