"""Privacy: consent records, the audit log (issue 8; migration 0005)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, utcnow


class ConsentRow(Base):
    """One answer to the privacy notice: which notice version was shown, the choice, and when."""

    __tablename__ = "consent_records"
    __table_args__ = (Index("ix_consent_subject", "channel", "user_ref", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_ref: Mapped[str] = mapped_column(String(128))
    choice: Mapped[str] = mapped_column(String(20))  # given | declined
    notice_version: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditRow(Base):
    """Who did what to which record, and when. `details` never holds personal data (counts, ids, reasons);
    a citizen is named by a pseudonym (see `bot.storage.audit.subject_pseudonym`)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_at", "at"), Index("ix_audit_target", "target"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))  # "citizen:<pseudonym>", "user:<id>", "system:retention" …
    action: Mapped[str] = mapped_column(String(60))  # e.g. privacy.erase, privacy.export, privacy.purge
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
