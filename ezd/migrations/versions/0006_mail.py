"""intake by e-mail: the office's IMAP mailbox and the registered messages

Revision ID: 0006_mail
Revises: 0005_kpa
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_mail"
down_revision = "0005_kpa"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "office_mailbox",
        sa.Column("id", BigId, nullable=False),
        sa.Column("tenant_id", BigId, nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=255), nullable=False),
        sa.Column("security", sa.String(length=10), nullable=False),
        sa.Column("folder", sa.String(length=255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_office_mailbox_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_mailbox")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_office_mailbox_tenant_id")),
    )
    op.create_table(
        "email_intake",
        sa.Column("id", BigId, nullable=False),
        sa.Column("tenant_id", BigId, nullable=False),
        sa.Column("message_key", sa.String(length=300), nullable=False),
        sa.Column("rpw", sa.String(length=30), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_email_intake_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_intake")),
        sa.UniqueConstraint("tenant_id", "message_key", name=op.f("uq_email_intake_tenant_id_message_key")),
    )


def downgrade() -> None:
    op.drop_table("email_intake")
    op.drop_table("office_mailbox")
