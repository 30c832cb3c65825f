"""Tables of the hand-off extras (issue 22; migration 0011): team schedules, volunteer presence, queue
notes (position told, question left, read state), satisfaction answers and review items, quick-reply
snippets, and ticket attachments (metadata only: the bytes live in the file store)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, utcnow


class TeamScheduleRow(Base):
    """A team's duty hours: `team` is a commune code, or "province" for the province pool."""

    __tablename__ = "team_schedules"

    team: Mapped[str] = mapped_column(String(20), primary_key=True)
    hours: Mapped[str] = mapped_column(String(11))
    days: Mapped[list[int]] = mapped_column(JSON, default=list)
    days_off: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VolunteerProfileRow(Base):
    """available | busy | away (mirrored into users.available: away = not available), team lead flag."""

    __tablename__ = "volunteer_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    presence: Mapped[str] = mapped_column(String(10), default="available")
    team_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QueueNoteRow(Base):
    """Per ticket: the position the citizen was last told, a question left for later, read state."""

    __tablename__ = "queue_notes"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    told_position: Mapped[int] = mapped_column(Integer, default=0)
    told_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    left_question_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CsatRow(Base):
    """One satisfaction answer per ticket (asked once)."""

    __tablename__ = "csat_responses"
    __table_args__ = (Index("ix_csat_created", "created_at"),)

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    commune: Mapped[str] = mapped_column(String(20), default="")
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    topic: Mapped[str] = mapped_column(String(40), default="other")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewItemRow(Base):
    """A low score (≤ 2) for the team lead to look at."""

    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), unique=True)
    commune: Mapped[str] = mapped_column(String(20), default="", index=True)
    score: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | done
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SnippetRow(Base):
    """A quick reply: `scope` team (for `team`, "" = province-wide) or personal (for `owner_id`)."""

    __tablename__ = "snippets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(10))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True)
    team: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TicketFileRow(Base):
    """A picture or PDF on a ticket. `id` is random (144 bits), the only name the file is known by."""

    __tablename__ = "ticket_files"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_messages.id", ondelete="SET NULL"),
                                                   nullable=True)
    sender: Mapped[str] = mapped_column(String(12))  # citizen | volunteer
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
