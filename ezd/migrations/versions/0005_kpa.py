"""case handling by the law: matter kinds, term inputs, suspensions, duplicates, approval steps, notifications

Revision ID: 0005_kpa
Revises: 0005_office_setup
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_kpa"
down_revision = "0005_office_setup"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN (nullable, no foreign key) works in place on SQLite too;
    # batch mode would copy the tables, which other tables reference
    op.add_column("jrwa_class", sa.Column("matter_kind", sa.String(length=20), nullable=True))
    op.add_column("case_file", sa.Column("matter_kind", sa.String(length=20), nullable=True))
    op.add_column("case_file", sa.Column("term_start", sa.Date(), nullable=True))
    op.add_column("case_file", sa.Column("extension_notified", sa.Date(), nullable=True))
    op.add_column("case_file", sa.Column("extension_until", sa.Date(), nullable=True))
    op.add_column("incoming_item", sa.Column("duplicate_of", sa.String(length=30), nullable=True))
    op.add_column("incoming_item", sa.Column("duplicate_reason", sa.String(length=500), nullable=True))
    op.create_table(
        "case_pause",
        sa.Column("id", BigId, nullable=False),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"], name=op.f("fk_case_pause_case_id_case_file")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_pause")),
    )
    op.create_index(op.f("ix_case_pause_case_id"), "case_pause", ["case_id"], unique=False)
    op.create_table(
        "approval_step",
        sa.Column("id", BigId, nullable=False),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("document_id", BigId, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=30), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("on_behalf_of", sa.String(length=64), nullable=True),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_approval_step_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_approval_step_document_id_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_step")),
    )
    op.create_index(op.f("ix_approval_step_case_id"), "approval_step", ["case_id"], unique=False)
    # app_user.email comes with 0005_office_setup, which this revision follows
    op.create_table(
        "notification",
        sa.Column("id", BigId, nullable=False),
        sa.Column("tenant_id", BigId, nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("emailed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_notification_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_notification_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_notification_dedup_key")),
    )
    op.create_index(op.f("ix_notification_user_id"), "notification", ["user_id"], unique=False)
    op.create_index(op.f("ix_notification_emailed_at"), "notification", ["emailed_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_notification_emailed_at"), table_name="notification")
    op.drop_index(op.f("ix_notification_user_id"), table_name="notification")
    op.drop_table("notification")
    op.drop_index(op.f("ix_approval_step_case_id"), table_name="approval_step")
    op.drop_table("approval_step")
    op.drop_index(op.f("ix_case_pause_case_id"), table_name="case_pause")
    op.drop_table("case_pause")
    for table, column in (
        ("incoming_item", "duplicate_reason"),
        ("incoming_item", "duplicate_of"),
        ("case_file", "extension_until"),
        ("case_file", "extension_notified"),
        ("case_file", "term_start"),
        ("case_file", "matter_kind"),
        ("jrwa_class", "matter_kind"),
    ):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
