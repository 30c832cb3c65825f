"""learning: learner profiles, xAPI statements, certificates, denominators (issue 6)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "learners",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(120), nullable=False, server_default=""),
        sa.Column("name_choice", sa.String(10), nullable=False, server_default=""),
        sa.Column("commune", sa.String(10), nullable=False, server_default=""),
        sa.Column("learner_group", sa.String(20), nullable=False, server_default=""),
        sa.Column("age_band", sa.String(10), nullable=False, server_default=""),
        sa.Column("lang", sa.String(8), nullable=False, server_default="vi"),
        sa.Column("profile_asked", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("reminders", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("position", sa.JSON(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_active_at", TZ, nullable=True),
        sa.Column("reminded_at", TZ, nullable=True),
        sa.UniqueConstraint("key", name="uq_learners_key"),
        sa.UniqueConstraint("code", name="uq_learners_code"),
    )
    op.create_index("ix_learners_commune", "learners", ["commune"])
    op.create_table(
        "learner_links",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("user_ref", sa.String(128), nullable=False),
        sa.Column("linked_at", TZ, nullable=False),
        sa.UniqueConstraint("channel", "user_ref", name="uq_learner_links_channel_user"),
    )
    op.create_index("ix_learner_links_learner_id", "learner_links", ["learner_id"])
    op.create_table(
        "learning_statements",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
        sa.Column("verb", sa.String(20), nullable=False),
        sa.Column("object_kind", sa.String(10), nullable=False),
        sa.Column("object_id", sa.String(300), nullable=False),
        sa.Column("module_id", sa.String(80), nullable=False, server_default=""),
        sa.Column("lesson_id", sa.String(80), nullable=False, server_default=""),
        sa.Column("item_id", sa.String(80), nullable=False, server_default=""),
        sa.Column("success", sa.Boolean(), nullable=True),
        sa.Column("score_scaled", sa.Float(), nullable=True),
        sa.Column("channel", sa.String(20), nullable=False, server_default=""),
        sa.Column("timestamp", TZ, nullable=False),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.UniqueConstraint("statement_id", name="uq_learning_statements_statement_id"),
    )
    op.create_index("ix_learning_statements_learner", "learning_statements", ["learner_id", "verb"])
    op.create_index("ix_learning_statements_at", "learning_statements", ["timestamp"])
    op.create_table(
        "learning_reviews",
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("item_id", sa.String(80), primary_key=True),
        sa.Column("stage", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("due_at", TZ, nullable=False),
    )
    op.create_table(
        "certificates",
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scope", sa.String(80), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False, server_default=""),
        sa.Column("issued_at", TZ, nullable=False),
        sa.UniqueConstraint("learner_id", "scope", name="uq_certificates_learner_scope"),
    )
    op.create_table(
        "population_denominators",
        sa.Column("commune", sa.String(10), primary_key=True),
        sa.Column("learner_group", sa.String(20), primary_key=True),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("imported_at", TZ, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("population_denominators")
    op.drop_table("certificates")
    op.drop_table("learning_reviews")
    op.drop_index("ix_learning_statements_at", table_name="learning_statements")
    op.drop_index("ix_learning_statements_learner", table_name="learning_statements")
    op.drop_table("learning_statements")
    op.drop_index("ix_learner_links_learner_id", table_name="learner_links")
    op.drop_table("learner_links")
    op.drop_index("ix_learners_commune", table_name="learners")
    op.drop_table("learners")
