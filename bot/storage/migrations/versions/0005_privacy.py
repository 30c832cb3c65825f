"""privacy: consent records, audit log (issue 8)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("user_ref", sa.String(128), nullable=False),
        sa.Column("choice", sa.String(20), nullable=False),
        sa.Column("notice_version", sa.String(40), nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_index("ix_consent_subject", "consent_records", ["channel", "user_ref", "id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_at", "audit_log", ["at"])
    op.create_index("ix_audit_target", "audit_log", ["target"])
    # fair inbox claiming (each person's oldest pending message first) and per-person export/erasure
    op.create_index("ix_inbox_subject", "inbox", ["channel", "user_ref", "id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_subject", table_name="inbox")
    op.drop_table("audit_log")
    op.drop_table("consent_records")
