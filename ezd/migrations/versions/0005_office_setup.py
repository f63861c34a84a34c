"""office set-up: unit tree and closing, user e-mail, office address, office e-seals, BPMN ledger

Revision ID: 0005_office_setup
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_office_setup"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("tenant", sa.Column("address", sa.String(length=500), nullable=True))
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("email", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("home_tenant_id", _ID, nullable=True))
        batch.create_foreign_key(
            op.f("fk_app_user_home_tenant_id_tenant"), "tenant", ["home_tenant_id"], ["id"]
        )
    with op.batch_alter_table("unit") as batch:
        batch.add_column(sa.Column("parent_id", _ID, nullable=True))
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch.create_foreign_key(op.f("fk_unit_parent_id_unit"), "unit", ["parent_id"], ["id"])
    op.create_table(
        "office_seal",
        sa.Column("id", _ID, nullable=False),
        sa.Column("tenant_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("p12_path", sa.String(length=500), nullable=True),
        sa.Column("pkcs11_lib", sa.String(length=500), nullable=True),
        sa.Column("pkcs11_token", sa.String(length=100), nullable=True),
        sa.Column("pkcs11_key_label", sa.String(length=100), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("serial", sa.String(length=100), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=False),
        sa.Column("not_after", sa.DateTime(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_office_seal_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_seal")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_office_seal_tenant_id")),
    )
    op.create_table(
        "bpmn_deployment",
        sa.Column("id", _ID, nullable=False),
        sa.Column("engine", sa.String(length=300), nullable=False),
        sa.Column("process_key", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.String(length=200), nullable=False),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("deployed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bpmn_deployment")),
        sa.UniqueConstraint(
            "engine", "process_key", "version", name=op.f("uq_bpmn_deployment_engine_process_key_version")
        ),
    )
    deploy_lock = op.create_table(
        "deploy_lock",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_deploy_lock")),
    )
    # the row exists before any process starts, so that taking the lock is always an UPDATE
    op.bulk_insert(deploy_lock, [{"name": "bpmn", "taken_at": None}])


def downgrade() -> None:
    op.drop_table("deploy_lock")
    op.drop_table("bpmn_deployment")
    op.drop_table("office_seal")
    with op.batch_alter_table("unit") as batch:
        batch.drop_constraint(op.f("fk_unit_parent_id_unit"), type_="foreignkey")
        batch.drop_column("closed_on")
        batch.drop_column("parent_id")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint(op.f("fk_app_user_home_tenant_id_tenant"), type_="foreignkey")
        batch.drop_column("home_tenant_id")
        batch.drop_column("email")
    op.drop_column("tenant", "address")
