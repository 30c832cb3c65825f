"""grounded generation: answer mode and fallback reasons (issue 10)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("questions") as b:
        b.add_column(sa.Column("answer_mode", sa.String(12), nullable=False, server_default="extractive"))
        b.add_column(sa.Column("fallback_reason", sa.String(40), nullable=False, server_default=""))
        b.add_column(sa.Column("llm_tokens", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("questions") as b:
        b.drop_column("llm_tokens")
        b.drop_column("fallback_reason")
        b.drop_column("answer_mode")
