"""cases whose sealed reply was dispatched and awaits its receipt read "sent" (wysłana);
"do wiadomości" copies of decreed items; approval rules per JRWA class

Revision ID: 0009_kpa_web
Revises: 0008_xoffice
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_kpa_web"
down_revision = "0008_xoffice"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "decree_copy",
        sa.Column("id", BigId, nullable=False),
        sa.Column("item_id", BigId, nullable=False),
        sa.Column("unit_id", BigId, nullable=True),
        sa.Column("user_id", BigId, nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["incoming_item.id"], name=op.f("fk_decree_copy_item_id_incoming_item")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_decree_copy_unit_id_unit")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_decree_copy_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decree_copy")),
    )
    op.create_index(op.f("ix_decree_copy_item_id"), "decree_copy", ["item_id"], unique=False)
    op.create_table(
        "jrwa_approval_rule",
        sa.Column("id", BigId, nullable=False),
        sa.Column("jrwa_class_id", BigId, nullable=False),
        sa.Column("chains", sa.String(length=300), nullable=False),
        sa.Column("required_opinions", sa.String(length=300), nullable=False),
        sa.Column("extra_opinions", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["jrwa_class_id"], ["jrwa_class.id"], name=op.f("fk_jrwa_approval_rule_jrwa_class_id_jrwa_class")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jrwa_approval_rule")),
        sa.UniqueConstraint("jrwa_class_id", name=op.f("uq_jrwa_approval_rule_jrwa_class_id")),
    )
    # before the `sent` state a dispatched case stayed `in_approval` until its delivery receipt;
    # move exactly those (a reply in the outgoing register, no receipt yet) so staff and the
    # resident read "wysłana" for cases already on their way too
    op.execute(
        "UPDATE case_file SET state = 'sent' WHERE state = 'in_approval' AND id IN "
        "(SELECT case_id FROM outgoing_item WHERE delivered_at IS NULL)"
    )


def downgrade() -> None:
    op.drop_table("jrwa_approval_rule")
    op.drop_index(op.f("ix_decree_copy_item_id"), table_name="decree_copy")
    op.drop_table("decree_copy")
    op.execute("UPDATE case_file SET state = 'in_approval' WHERE state = 'sent'")
