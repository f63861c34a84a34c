"""when an embedded engine's external task ran out of retries (the incidents page shows it)

Revision ID: 0006_clerk
Revises: 0006_mail
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_clerk"
down_revision = "0006_mail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # nullable, no foreign key: ALTER TABLE ADD COLUMN in place, also on SQLite
    op.add_column("wf_task", sa.Column("failed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wf_task") as batch:
        batch.drop_column("failed_at")
