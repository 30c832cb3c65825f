"""Tables of outreach (issue 21; migration 0010): subscriptions and their consent records,
announcements (campaigns) with one row per recipient, the per-channel send pacing, community classes,
registrations and class reminders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, utcnow

TZ = DateTime(timezone=True)


class SubscriptionRow(Base):
    """A citizen's opt-in on one channel: topics (JSON list), commune, group and language for audiences."""

    __tablename__ = "outreach_subscriptions"
    __table_args__ = (UniqueConstraint("channel", "user_ref", name="uq_outreach_subscriptions_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_ref: Mapped[str] = mapped_column(String(128))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    commune: Mapped[str] = mapped_column(String(10), default="", index=True)
    learner_group: Mapped[str] = mapped_column(String(20), default="")
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(TZ, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZ, default=utcnow)


class SubscriptionConsentRow(Base):
    """Every opt-in and opt-out, with the exact text the citizen agreed to (or the command used) and when."""

    __tablename__ = "outreach_consents"
    __table_args__ = (Index("ix_outreach_consents_subject", "channel", "user_ref", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_ref: Mapped[str] = mapped_column(String(128))
    choice: Mapped[str] = mapped_column(String(10))  # in | out
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[str] = mapped_column(String(40), default="")
    at: Mapped[datetime] = mapped_column(TZ, default=utcnow)


class CampaignRow(Base):
    """An announcement: text, buttons, audience, when it may start (never in quiet hours), its status."""

    __tablename__ = "outreach_campaigns"
    __table_args__ = (Index("ix_outreach_campaigns_due", "status", "send_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20), default="announcement")  # announcement | class_reminder
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    buttons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    audience: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    send_at: Mapped[datetime] = mapped_column(TZ)
    requested_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)  # before the quiet-hours shift
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(TZ, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    class_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class RecipientRow(Base):
    """One citizen of one campaign: unique, so nobody is queued twice; `outbox_id` once handed to the outbox."""

    __tablename__ = "outreach_recipients"
    __table_args__ = (UniqueConstraint("campaign_id", "channel", "user_ref", name="uq_outreach_recipients"),
                      Index("ix_outreach_recipients_work", "campaign_id", "status", "id"),
                      Index("ix_outreach_recipients_subject", "channel", "user_ref"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("outreach_campaigns.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    user_ref: Mapped[str] = mapped_column(String(128))
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    reason: Mapped[str] = mapped_column(Text, default="")
    outbox_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(TZ, default=utcnow)
    clicked_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    clicks: Mapped[int] = mapped_column(Integer, default=0)


class PaceRow(Base):
    """The next free send slot of a channel, shared by every worker (held FOR UPDATE while slots are taken)."""

    __tablename__ = "outreach_pace"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    next_slot_at: Mapped[datetime] = mapped_column(TZ)


class ClassRow(Base):
    __tablename__ = "community_classes"
    __table_args__ = (Index("ix_community_classes_start", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(40), default="")
    module: Mapped[str] = mapped_column(String(80), default="")
    commune: Mapped[str] = mapped_column(String(10), index=True)
    serves: Mapped[list[str]] = mapped_column(JSON, default=list)
    place: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(TZ)
    ends_at: Mapped[datetime] = mapped_column(TZ)
    seats: Mapped[int] = mapped_column(Integer)
    contact: Mapped[str] = mapped_column(String(200), default="")
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(TZ, default=utcnow)


class RegistrationRow(Base):
    __tablename__ = "class_registrations"
    __table_args__ = (UniqueConstraint("class_id", "channel", "user_ref", name="uq_class_registrations"),
                      Index("ix_class_registrations_class", "class_id", "status", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("community_classes.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    user_ref: Mapped[str] = mapped_column(String(128))
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    commune: Mapped[str] = mapped_column(String(10), default="")
    learner_group: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(20))  # registered | waiting | cancelled
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(TZ, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZ, default=utcnow)


class ClassReminderRow(Base):
    """A class reminder to be sent (as a campaign to the registrants) — unique per class and kind."""

    __tablename__ = "class_reminders"
    __table_args__ = (UniqueConstraint("class_id", "kind", name="uq_class_reminders"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("community_classes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # day_before | two_hours
    due_at: Mapped[datetime] = mapped_column(TZ, index=True)
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
