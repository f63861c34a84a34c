"""engine outbox: remote-engine calls stored with the records and relayed after commit

Revision ID: 0004_engine_outbox
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_engine_outbox"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "engine_command",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("op", sa.String(length=30), nullable=False),
        sa.Column("business_key", sa.String(length=140), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engine_command")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_engine_command_dedup_key")),
    )
    op.create_index("ix_engine_command_pending", "engine_command", ["status", "id"], unique=False)
    op.create_index(op.f("ix_engine_command_business_key"), "engine_command", ["business_key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_engine_command_business_key"), table_name="engine_command")
    op.drop_index("ix_engine_command_pending", table_name="engine_command")
    op.drop_table("engine_command")
