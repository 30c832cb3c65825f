"""web-chat sessions issued by the server (issue 25, finding 3)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_chat_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_ref", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
    )
    op.create_index("ix_web_chat_sessions_seen", "web_chat_sessions", ["last_seen_at"])


def downgrade() -> None:
    op.drop_index("ix_web_chat_sessions_seen", table_name="web_chat_sessions")
    op.drop_table("web_chat_sessions")
