"""hand-off extras (issue 22): team schedules, volunteer presence, queue notes, satisfaction, review items,
snippets, ticket files

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

Other branches add an 0008 at the same time (chat sessions, reported scam items, outreach): the coordinator
re-chains `down_revision` at merge.
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "team_schedules",
        sa.Column("team", sa.String(20), primary_key=True),
        sa.Column("hours", sa.String(11), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("days_off", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "volunteer_profiles",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("presence", sa.String(10), nullable=False),
        sa.Column("team_lead", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "queue_notes",
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("told_position", sa.Integer(), nullable=False),
        sa.Column("told_at", TZ, nullable=True),
        sa.Column("left_question_at", TZ, nullable=True),
        sa.Column("seen_at", TZ, nullable=True),
    )
    op.create_table(
        "csat_responses",
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("commune", sa.String(20), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_csat_created", "csat_responses", ["created_at"])
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("commune", sa.String(20), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("resolved_by", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("resolved_at", TZ, nullable=True),
    )
    op.create_index("ix_review_items_commune", "review_items", ["commune"])
    op.create_table(
        "snippets",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
        sa.Column("team", sa.String(20), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_snippets_owner_id", "snippets", ["owner_id"])
    op.create_table(
        "ticket_files",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("ticket_messages.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("sender", sa.String(12), nullable=False),
        sa.Column("mime", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_ticket_files_ticket_id", "ticket_files", ["ticket_id"])
    op.create_index("ix_ticket_files_created_at", "ticket_files", ["created_at"])


def downgrade() -> None:
    for name in ("ticket_files", "snippets", "review_items", "csat_responses", "queue_notes", "volunteer_profiles",
                 "team_schedules"):
        op.drop_table(name)
