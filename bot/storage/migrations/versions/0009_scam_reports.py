"""scam checker: reported domains / phone numbers and anonymous check statistics (issue 20)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "scam_reports",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("value", sa.String(253), nullable=False),
        sa.Column("source", sa.Text(), nullable=False, server_default=""),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("added_by", sa.String(128), nullable=False, server_default=""),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("added_at", TZ, nullable=False),
        sa.UniqueConstraint("kind", "value", name="uq_scam_reports_kind_value"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "scam_checks",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("verdict", sa.String(12), nullable=False),
        sa.Column("host", sa.String(253), nullable=False, server_default=""),
    )
    op.create_index("ix_scam_checks_week", "scam_checks", ["week"])


def downgrade() -> None:
    op.drop_index("ix_scam_checks_week", table_name="scam_checks")
    op.drop_table("scam_checks")
    op.drop_table("scam_reports")
