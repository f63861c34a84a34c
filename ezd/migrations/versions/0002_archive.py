"""archive: register, locations, transfer lists, loans, disposal, destruction records, search index

Revision ID: 0002_archive
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_archive"
down_revision = "0001"
branch_labels = None
depends_on = None

# Full-text index of archive_entry.search_text (already stemmed by ezd.archive_ops.stemmer, so the
# database only splits words: FTS5 "unicode61" on SQLite, the "simple" configuration on PostgreSQL).
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE archive_fts USING fts5(search_text, content='archive_entry', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0', detail='column')",
    "CREATE TRIGGER archive_entry_ai AFTER INSERT ON archive_entry BEGIN "
    "INSERT INTO archive_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER archive_entry_ad AFTER DELETE ON archive_entry BEGIN "
    "INSERT INTO archive_fts(archive_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER archive_entry_au AFTER UPDATE OF search_text ON archive_entry BEGIN "
    "INSERT INTO archive_fts(archive_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO archive_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
POSTGRES_FTS = [
    "ALTER TABLE archive_entry ADD COLUMN search_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX ix_archive_entry_search_tsv ON archive_entry USING gin (search_tsv)",
]


def upgrade() -> None:
    op.create_table(
        "archive_import",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("package_name", sa.String(length=300), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_archive_import_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_import")),
    )
    op.create_table(
        "archive_location",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_archive_location_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_location")),
        sa.UniqueConstraint("tenant_id", "code", name=op.f("uq_archive_location_tenant_id_code")),
    )
    op.create_table(
        "disposal_request",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("consent_sha256", sa.String(length=64), nullable=True),
        sa.Column("consent_date", sa.Date(), nullable=True),
        sa.Column("consent_ref", sa.String(length=100), nullable=True),
        sa.Column("executed_at", sa.DateTime(), nullable=True),
        sa.Column("protocol_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_disposal_request_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_request")),
        sa.UniqueConstraint(
            "tenant_id", "year", "number", name=op.f("uq_disposal_request_tenant_id_year_number")
        ),
    )
    op.create_table(
        "transfer_list",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_code", sa.String(length=30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("xml_sha256", sa.String(length=64), nullable=False),
        sa.Column("html_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_transfer_list_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_list")),
        sa.UniqueConstraint(
            "tenant_id", "year", "number", name=op.f("uq_transfer_list_tenant_id_year_number")
        ),
    )
    op.create_table(
        "destruction_record",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_sign", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column("jrwa_symbol", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=8), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=True),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("digests", sa.JSON(), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(), nullable=False),
        sa.Column("destroyed_by", sa.String(length=64), nullable=False),
        sa.Column("protocol_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["disposal_request.id"],
            name=op.f("fk_destruction_record_request_id_disposal_request"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_destruction_record_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_destruction_record")),
    )
    op.create_table(
        "archive_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("case_sign", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column("unit_code", sa.String(length=30), nullable=False),
        sa.Column("jrwa_symbol", sa.String(length=8), nullable=False),
        sa.Column("jrwa_title", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("sender", sa.String(length=1000), nullable=True),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("retention_until", sa.Date(), nullable=True),
        sa.Column("legal_hold", sa.Boolean(), nullable=False),
        sa.Column("hold_reason", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("location_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("transfer_list_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_archive_entry_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["archive_location.id"],
            name=op.f("fk_archive_entry_location_id_archive_location"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_archive_entry_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["transfer_list_id"],
            ["transfer_list.id"],
            name=op.f("fk_archive_entry_transfer_list_id_transfer_list"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_entry")),
        sa.UniqueConstraint("case_id", name=op.f("uq_archive_entry_case_id")),
        sa.UniqueConstraint("tenant_id", "case_sign", name=op.f("uq_archive_entry_tenant_id_case_sign")),
    )
    op.create_index(
        "ix_archive_entry_filters", "archive_entry", ["tenant_id", "category", "year"], unique=False
    )
    op.create_index("ix_archive_entry_jrwa", "archive_entry", ["tenant_id", "jrwa_symbol"], unique=False)
    op.create_index("ix_archive_entry_retention", "archive_entry", ["retention_until"], unique=False)
    op.create_index("ix_archive_entry_unit", "archive_entry", ["tenant_id", "unit_code"], unique=False)
    op.create_table(
        "archive_loan",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("borrower", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("lent_at", sa.DateTime(), nullable=False),
        sa.Column("lent_by", sa.String(length=64), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("returned_at", sa.DateTime(), nullable=True),
        sa.Column("returned_to", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["archive_entry.id"], name=op.f("fk_archive_loan_entry_id_archive_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_loan")),
    )
    op.create_index(op.f("ix_archive_loan_entry_id"), "archive_loan", ["entry_id"], unique=False)
    op.create_table(
        "archive_object",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column("document_uid", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["archive_entry.id"], name=op.f("fk_archive_object_entry_id_archive_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_object")),
        sa.UniqueConstraint(
            "entry_id", "sha256", "role", name=op.f("uq_archive_object_entry_id_sha256_role")
        ),
    )
    op.create_index(op.f("ix_archive_object_entry_id"), "archive_object", ["entry_id"], unique=False)
    op.create_index(op.f("ix_archive_object_sha256"), "archive_object", ["sha256"], unique=False)
    op.create_table(
        "disposal_item",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["archive_entry.id"], name=op.f("fk_disposal_item_entry_id_archive_entry")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["disposal_request.id"], name=op.f("fk_disposal_item_request_id_disposal_request")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_item")),
        sa.UniqueConstraint("request_id", "entry_id", name=op.f("uq_disposal_item_request_id_entry_id")),
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRES_FTS if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("archive_entry_au", "archive_entry_ad", "archive_entry_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS archive_fts")
    op.drop_table("disposal_item")
    op.drop_index(op.f("ix_archive_object_sha256"), table_name="archive_object")
    op.drop_index(op.f("ix_archive_object_entry_id"), table_name="archive_object")
    op.drop_table("archive_object")
    op.drop_index(op.f("ix_archive_loan_entry_id"), table_name="archive_loan")
    op.drop_table("archive_loan")
    op.drop_index("ix_archive_entry_unit", table_name="archive_entry")
    op.drop_index("ix_archive_entry_retention", table_name="archive_entry")
    op.drop_index("ix_archive_entry_jrwa", table_name="archive_entry")
    op.drop_index("ix_archive_entry_filters", table_name="archive_entry")
    op.drop_table("archive_entry")
    op.drop_table("destruction_record")
    op.drop_table("transfer_list")
    op.drop_table("disposal_request")
    op.drop_table("archive_location")
    op.drop_table("archive_import")
