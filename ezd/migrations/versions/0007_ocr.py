"""OCR of scans: the recognised text of a document

Revision ID: 0007_ocr
Revises: 0006_clerk
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_ocr"
down_revision = "0006_clerk"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "document_text",
        sa.Column("id", BigId, nullable=False),
        sa.Column("document_id", BigId, nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_document_text_document_id_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_text")),
        sa.UniqueConstraint("document_id", name=op.f("uq_document_text_document_id")),
    )


def downgrade() -> None:
    op.drop_table("document_text")
