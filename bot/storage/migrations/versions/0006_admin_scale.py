"""admin console and scale-out (issues 7, 9)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    _upgrade_admin()


# ---- issue 7: admin console (bot settings overrides, unanswered-question triage, knowledge-base jobs) ----
def _upgrade_admin() -> None:
    op.create_table(
        "bot_settings",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "question_triage",
        sa.Column("question_id", sa.Integer(), sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("doc_id", sa.String(200), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_table(
        "kb_jobs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ, nullable=True),
    )
    op.create_index("ix_kb_jobs_status", "kb_jobs", ["status", "id"])


def _downgrade_admin() -> None:
    op.drop_index("ix_kb_jobs_status", table_name="kb_jobs")
    op.drop_table("kb_jobs")
    op.drop_table("question_triage")
    op.drop_table("bot_settings")
# ---- end of issue 7 ----


def downgrade() -> None:
    _downgrade_admin()
