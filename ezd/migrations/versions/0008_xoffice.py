"""requests between partner offices (art. 106 KPA)

Revision ID: 0008_xoffice
Revises: 0007_ocr
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_xoffice"
down_revision = "0007_ocr"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "opinion_request",
        sa.Column("id", BigId, nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("from_tenant_id", BigId, nullable=False),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("to_tenant_id", BigId, nullable=False),
        sa.Column("rpw_there", sa.String(length=30), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("delay_until", sa.Date(), nullable=True),
        sa.Column("delay_reason", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("unit_there", sa.String(length=30), nullable=True),
        sa.Column("answer_text", sa.String(length=4000), nullable=True),
        sa.Column("answer_by", sa.String(length=64), nullable=True),
        sa.Column("answer_sha256", sa.String(length=64), nullable=True),
        sa.Column("answer_document_uid", sa.String(length=36), nullable=True),
        sa.Column("forwarded_to", sa.String(length=20), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_tenant_id"], ["tenant.id"], name=op.f("fk_opinion_request_from_tenant_id_tenant")
        ),
        sa.ForeignKeyConstraint(
            ["to_tenant_id"], ["tenant.id"], name=op.f("fk_opinion_request_to_tenant_id_tenant")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_opinion_request_case_id_case_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinion_request")),
        sa.UniqueConstraint("token", name=op.f("uq_opinion_request_token")),
    )
    for column in ("from_tenant_id", "case_id", "to_tenant_id"):
        op.create_index(op.f(f"ix_opinion_request_{column}"), "opinion_request", [column])


def downgrade() -> None:
    op.drop_table("opinion_request")
