"""outreach: subscriptions, consents, announcements, recipients, pacing, community classes (issue 21)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outreach_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(20), nullable=False), sa.Column("user_ref", sa.String(128), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False), sa.Column("commune", sa.String(10), nullable=False),
        sa.Column("learner_group", sa.String(20), nullable=False), sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False), sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("channel", "user_ref", name="uq_outreach_subscriptions_subject"))
    op.create_index("ix_outreach_subscriptions_commune", "outreach_subscriptions", ["commune"])
    op.create_table(
        "outreach_consents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(20), nullable=False), sa.Column("user_ref", sa.String(128), nullable=False),
        sa.Column("choice", sa.String(10), nullable=False), sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False), sa.Column("version", sa.String(40), nullable=False),
        sa.Column("at", TZ, nullable=False))
    op.create_index("ix_outreach_consents_subject", "outreach_consents", ["channel", "user_ref", "id"])
    op.create_table(
        "outreach_campaigns",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False), sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False), sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False), sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False), sa.Column("send_at", TZ, nullable=False),
        sa.Column("requested_at", TZ, nullable=True), sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", TZ, nullable=False), sa.Column("started_at", TZ, nullable=True),
        sa.Column("finished_at", TZ, nullable=True), sa.Column("class_id", sa.Integer(), nullable=True))
    op.create_index("ix_outreach_campaigns_due", "outreach_campaigns", ["status", "send_at"])
    op.create_table(
        "outreach_recipients",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("outreach_campaigns.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("channel", sa.String(20), nullable=False), sa.Column("user_ref", sa.String(128), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False), sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False), sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", TZ, nullable=False), sa.Column("clicked_at", TZ, nullable=True),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.UniqueConstraint("campaign_id", "channel", "user_ref", name="uq_outreach_recipients"))
    op.create_index("ix_outreach_recipients_work", "outreach_recipients", ["campaign_id", "status", "id"])
    op.create_index("ix_outreach_recipients_subject", "outreach_recipients", ["channel", "user_ref"])
    op.create_index("ix_outreach_recipients_outbox_id", "outreach_recipients", ["outbox_id"])
    op.create_table(
        "outreach_pace",
        sa.Column("channel", sa.String(20), primary_key=True), sa.Column("next_slot_at", TZ, nullable=False))
    op.create_table(
        "community_classes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(200), nullable=False), sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("module", sa.String(80), nullable=False), sa.Column("commune", sa.String(10), nullable=False),
        sa.Column("serves", sa.JSON(), nullable=False), sa.Column("place", sa.String(300), nullable=False),
        sa.Column("starts_at", TZ, nullable=False), sa.Column("ends_at", TZ, nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False), sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False), sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False), sa.Column("created_at", TZ, nullable=False))
    op.create_index("ix_community_classes_start", "community_classes", ["status", "starts_at"])
    op.create_index("ix_community_classes_commune", "community_classes", ["commune"])
    op.create_table(
        "class_registrations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("class_id", sa.Integer(), sa.ForeignKey("community_classes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False), sa.Column("user_ref", sa.String(128), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False), sa.Column("commune", sa.String(10), nullable=False),
        sa.Column("learner_group", sa.String(20), nullable=False), sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False), sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("class_id", "channel", "user_ref", name="uq_class_registrations"))
    op.create_index("ix_class_registrations_class", "class_registrations", ["class_id", "status", "id"])
    op.create_table(
        "class_reminders",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("class_id", sa.Integer(), sa.ForeignKey("community_classes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False), sa.Column("due_at", TZ, nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.UniqueConstraint("class_id", "kind", name="uq_class_reminders"))
    op.create_index("ix_class_reminders_due_at", "class_reminders", ["due_at"])


def downgrade() -> None:
    for table in ("class_reminders", "class_registrations", "community_classes", "outreach_pace",
                  "outreach_recipients", "outreach_campaigns", "outreach_consents", "outreach_subscriptions"):
        op.drop_table(table)
