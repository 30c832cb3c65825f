"""Messaging: conversation state, the inbox and outbox, channel tokens (migrations 0001, 0002), web-chat sessions
(migration 0008)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, utcnow


class ConversationRow(Base):
    """The engine's state for one citizen on one channel (JSON; no raw personal data)."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "user_ref", name="uq_conversations_channel_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_ref: Mapped[str] = mapped_column(String(128))
    state: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InboxRow(Base):
    """Every inbound message, stored (redacted) before the webhook answers 200; a redelivery is a no-op."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "platform_msg_id", name="uq_inbox_channel_msg"),
        Index("ix_inbox_status", "status", "id"),
        Index("ix_inbox_subject", "channel", "user_ref", "id"),  # migration 0005 (privacy, fair claiming)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    platform_msg_id: Mapped[str] = mapped_column(String(128))
    user_ref: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(String(200), default="")
    meta: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|processing|done|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")


class OutboxRow(Base):
    """A reply waiting to be sent (or fetched, for the web chat); unique per (inbox message, position)."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("inbox_id", "seq", name="uq_outbox_inbox_seq"),
        Index("ix_outbox_status_due", "status", "next_attempt_at"),
        Index("ix_outbox_recipient", "channel", "user_ref", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inbox_id: Mapped[int | None] = mapped_column(ForeignKey("inbox.id", ondelete="SET NULL"), nullable=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(20))
    user_ref: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|sending|inflight|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    platform_msg_id: Mapped[str] = mapped_column(String(128), default="")
    error: Mapped[str] = mapped_column(Text, default="")


class ChannelTokenRow(Base):
    """OAuth tokens of a channel (Zalo OA): the rotating refresh token is saved before it is used."""

    __tablename__ = "channel_tokens"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebChatSessionRow(Base):
    """A web-chat session the server issued (migration 0008): only the SHA-256 of the token is stored;
    `user_ref` is the conversation key derived from the token (bot/core/websession.py)."""

    __tablename__ = "web_chat_sessions"
    __table_args__ = (Index("ix_web_chat_sessions_seen", "last_seen_at"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_ref: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
