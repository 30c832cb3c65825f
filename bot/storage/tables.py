"""SQLAlchemy table definitions. ORM rows never leave `bot.storage`."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # guide | faq | procedure | document
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    topic: Mapped[str] = mapped_column(String(40), default="")
    source_path: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    meta: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="published")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ChunkRow(Base):
    __tablename__ = "chunks"

    id: Mapped[str] = mapped_column(String(240), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)


class EmbeddingRow(Base):
    """Embedding cache keyed by (model id, chunk content hash): unchanged text is never embedded twice."""

    __tablename__ = "embedding_cache"

    model_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QuestionRow(Base):
    """One answered question. `question` is stored already redacted of personal data."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_asked_at", "asked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    channel: Mapped[str] = mapped_column(String(20))
    question: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[float] = mapped_column(Float)
    covered: Mapped[bool] = mapped_column(Boolean)
    source_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    topic: Mapped[str] = mapped_column(String(40), default="")
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    feedback: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # grounded generation (issue 10; migration 0007): who wrote the answer, why a model answer was not used
    answer_mode: Mapped[str] = mapped_column(String(12), default="extractive", server_default="extractive")
    fallback_reason: Mapped[str] = mapped_column(String(40), default="", server_default="")
    llm_tokens: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class IndexBuildRow(Base):
    __tablename__ = "index_builds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    build_id: Mapped[str] = mapped_column(String(80))
    model_id: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


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


# ---- tickets, volunteer accounts, sessions, FAQ proposals (issue 5; migration 0003) --------------------


class UserRow(Base):
    """A volunteer, editor, viewer or admin. Passwords are argon2 hashes; no citizen is ever a user."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))  # admin | editor | volunteer | viewer
    password_hash: Mapped[str] = mapped_column(Text)
    province_level: Mapped[bool] = mapped_column(Boolean, default=False)  # sees every commune
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    telegram_chat_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    link_code_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    link_code_expires: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UserCommuneRow(Base):
    __tablename__ = "user_communes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    commune: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class SessionRow(Base):
    """A logged-in browser: only the SHA-256 of the cookie's token is stored."""

    __tablename__ = "auth_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TicketRow(Base):
    """A citizen's request for a human. Status: open -> claimed -> closed, or expired / cancelled."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status", "status", "created_at"),
        Index("ix_tickets_citizen", "channel", "user_ref", "status"),
        Index("ix_tickets_commune", "commune", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    priority: Mapped[str] = mapped_column(String(10), default="normal")  # normal | urgent
    reason: Mapped[str] = mapped_column(String(40))
    commune: Mapped[str] = mapped_column(String(20), default="")
    channel: Mapped[str] = mapped_column(String(20))
    user_ref: Mapped[str | None] = mapped_column(String(128), nullable=True)  # None once anonymised
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    summary: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    pooled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_citizen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    close_reason: Mapped[str] = mapped_column(String(40), default="")
    close_note: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)


class TicketMessageRow(Base):
    """One relayed message (redacted). `source_msg_id` makes a redelivered message a no-op."""

    __tablename__ = "ticket_messages"
    __table_args__ = (UniqueConstraint("ticket_id", "source_msg_id", name="uq_ticket_messages_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(20))  # citizen | volunteer | system
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    source_msg_id: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TicketEventRow(Base):
    """Every transition of a ticket (opened, pooled, claimed, replied, reminded, closed …) with its time."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    detail: Mapped[str] = mapped_column(Text, default="")


class FaqProposalRow(Base):
    """A question + answer proposed by a volunteer when closing a ticket, waiting for an admin's review."""

    __tablename__ = "faq_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    group_id: Mapped[int] = mapped_column(Integer, default=0, index=True)  # near-duplicates share a group
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | approved | rejected
    review_reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    doc_id: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# ---- learning: profiles, xAPI statements, certificates, denominators (issue 6; migration 0004) --------


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



# ---- privacy: consent records, audit log (issue 8; migration 0005) -------------------------------------


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


# ---- admin console and scale-out (issues 7, 9; migration 0006) -----------------------------------------
# -- issue 7 (admin console): bot settings overrides, unanswered-question triage, knowledge-base jobs --


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
# -- end of issue 7 --


class WebChatSessionRow(Base):
    """A web-chat session the server issued (migration 0008): only the SHA-256 of the token is stored;
    `user_ref` is the conversation key derived from the token (bot/core/websession.py)."""

    __tablename__ = "web_chat_sessions"
    __table_args__ = (Index("ix_web_chat_sessions_seen", "last_seen_at"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_ref: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# -- issue 20 (scam checker): reported domains and numbers, anonymous check statistics (migration 0009) --
class ScamReportRow(Base):
    """A domain or phone number reported as used by scammers (an advisory, a volunteer's confirmation).
    `value` is normalised: a lower-case host without `www.`, or a phone number as digits (a leading `+`
    kept for foreign numbers). These are the scammers' numbers, never a citizen's."""

    __tablename__ = "scam_reports"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_scam_reports_kind_value"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # domain | phone
    value: Mapped[str] = mapped_column(String(253))
    source: Mapped[str] = mapped_column(Text, default="")  # the advisory's title or URL, or who confirmed it
    reported_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    added_by: Mapped[str] = mapped_column(String(128), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScamCheckRow(Base):
    """One message checked in the chat or by the API, for the dashboard: the ISO week, the channel, the
    verdict and the look-alike or reported host when one matched — never the text or a phone number."""

    __tablename__ = "scam_checks"
    __table_args__ = (Index("ix_scam_checks_week", "week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    week: Mapped[date] = mapped_column(Date)  # the Monday of the check's week (local time)
    channel: Mapped[str] = mapped_column(String(20))
    verdict: Mapped[str] = mapped_column(String(12))
    host: Mapped[str] = mapped_column(String(253), default="")
# issue 21: the outreach tables live in their own module (registered on Base.metadata here)
from bot.storage import outreach_tables as _outreach_tables  # noqa: F401
from bot.storage import tables_helpdesk as _tables_helpdesk  # noqa: F401  issue 22
