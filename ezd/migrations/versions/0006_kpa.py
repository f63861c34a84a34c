"""cases whose sealed reply was dispatched and awaits its receipt read "sent" (wysłana)

Revision ID: 0006_kpa
Revises: 0005_kpa
"""

from __future__ import annotations

from alembic import op

revision = "0006_kpa"
down_revision = "0005_kpa"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # before the `sent` state a dispatched case stayed `in_approval` until its delivery receipt;
    # move exactly those (a reply in the outgoing register, no receipt yet) so staff and the
    # resident read "wysłana" for cases already on their way too
    op.execute(
        "UPDATE case_file SET state = 'sent' WHERE state = 'in_approval' AND id IN "
        "(SELECT case_id FROM outgoing_item WHERE delivered_at IS NULL)"
    )


def downgrade() -> None:
    op.execute("UPDATE case_file SET state = 'in_approval' WHERE state = 'sent'")
