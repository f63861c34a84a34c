"""disposal requests and transfer lists numbered by the gapless counters: seed them from the numbers given

Revision ID: 0010_archive_counters
Revises: 0009_kpa_web, 0002_archive
"""

from __future__ import annotations

from alembic import op

revision = "0010_archive_counters"
# the disposal tables come from the archive branch (0002), which runs beside 0005 from 0001
down_revision = ("0009_kpa_web", "0002_archive")
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Requests and lists were numbered max+1 before; each counter must go on from the last
    # number of its office and year, or the next one would collide with (tenant, year, number).
    op.execute(
        "INSERT INTO counter (tenant_id, kind, scope, year, last) "
        "SELECT tenant_id, 'BRAK', '', year, MAX(number) FROM disposal_request GROUP BY tenant_id, year"
    )
    op.execute(
        "INSERT INTO counter (tenant_id, kind, scope, year, last) "
        "SELECT tenant_id, 'SPIS', '', year, MAX(number) FROM transfer_list GROUP BY tenant_id, year"
    )


def downgrade() -> None:
    op.execute("DELETE FROM counter WHERE kind IN ('BRAK', 'SPIS')")
