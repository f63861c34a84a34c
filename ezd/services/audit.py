"""Metryka: append entries to hash chains and verify them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypedDict, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from typing_extensions import Unpack

from ezd.db.base import utcnow
from ezd.db.tables import AccessLog, CaseFile, IncomingItem, MetrykaChain, MetrykaEntry, Tenant
from ezd.records.metryka import GENESIS, ChainBreak, Entry, seal, verify_chain


def case_chain(case_id: int) -> str:
    return f"case:{case_id}"


def item_chain(tenant_code: str, rpw_sign: str) -> str:
    return f"rpw:{tenant_code}:{rpw_sign}"


def tenant_chain(tenant_code: str) -> str:
    """Events not about one item or case: JRWA imports, user admin, fixity audits."""
    return f"tenant:{tenant_code}"


_CHAIN = cast(Table, MetrykaChain.__table__)
_ENTRY = cast(Table, MetrykaEntry.__table__)
# Built once: an append is on every step's path.
_SET_HEAD_HASH = (
    update(_CHAIN).where(_CHAIN.c.chain_key == bindparam("key")).values(last_hash=bindparam("hash"))
)
_INSERT_ENTRY = insert(_ENTRY)
_ENTRY_COLUMNS = (
    "chain_key",
    "seq",
    "prev_hash",
    "hash",
    "at",
    "tenant_id",
    "actor",
    "on_behalf_of",
    "action",
    "case_id",
    "document_ref",
    "details",
)


def _insert_entry_and_set_head() -> Any:
    """PostgreSQL: the entry and the head's new hash in one statement (a data-modifying CTE),
    one round trip less on every step; SQLite runs the two statements."""
    entry = (
        insert(_ENTRY)
        .values({name: bindparam(f"e_{name}", type_=_ENTRY.c[name].type) for name in _ENTRY_COLUMNS})
        .returning(_ENTRY.c.chain_key, _ENTRY.c.hash)
        .cte("entry")
    )
    return update(_CHAIN).where(_CHAIN.c.chain_key == entry.c.chain_key).values(last_hash=entry.c.hash)


_APPEND_PG = _insert_entry_and_set_head()


def _bump_head(dialect: str) -> Any:
    """Create the chain head at seq 1, or add one to it; return the new seq and the previous hash.

    One upsert that also takes the head's row lock (PostgreSQL locks the conflicting row for
    the update; on SQLite the transaction already holds the database write lock), so concurrent
    appends to one chain queue here and each sees its predecessor's hash.
    """
    insert_for = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert_for(_CHAIN).values(
        chain_key=bindparam("key"), tenant_id=bindparam("tenant_id"), last_seq=1, last_hash=GENESIS
    )
    return stmt.on_conflict_do_update(
        index_elements=["chain_key"], set_={"last_seq": _CHAIN.c.last_seq + 1}
    ).returning(_CHAIN.c.last_seq, _CHAIN.c.last_hash)


_BUMP_HEAD = {name: _bump_head(name) for name in ("postgresql", "sqlite")}


def record(
    session: Session,
    *,
    chain_key: str,
    tenant_id: int,
    actor: str,
    action: str,
    on_behalf_of: str | None = None,
    case_id: int | None = None,
    document_ref: str | None = None,
    details: dict[str, Any] | None = None,
) -> Entry:
    """Append one entry to the chain ``chain_key`` (created on first use); return it sealed."""
    dialect = session.get_bind().dialect.name
    seq, prev_hash = session.execute(_BUMP_HEAD[dialect], {"key": chain_key, "tenant_id": tenant_id}).one()
    entry = seal(
        Entry(
            chain_key=chain_key,
            seq=seq,
            prev_hash=prev_hash,
            at=utcnow(),
            actor=actor,
            on_behalf_of=on_behalf_of,
            action=action,
            document_ref=document_ref,
            details=details or {},
        )
    )
    row = {
        "chain_key": chain_key,
        "seq": entry.seq,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
        "at": entry.at,
        "tenant_id": tenant_id,
        "actor": actor,
        "on_behalf_of": on_behalf_of,
        "action": action,
        "case_id": case_id,
        "document_ref": document_ref,
        "details": dict(entry.details),
    }
    if dialect == "postgresql":
        session.execute(_APPEND_PG, {f"e_{name}": value for name, value in row.items()})
    else:
        session.execute(_INSERT_ENTRY, row)
        session.execute(_SET_HEAD_HASH, {"key": chain_key, "hash": entry.hash})
    return entry


def on_case(
    session: Session,
    case: CaseFile,
    *,
    actor: str,
    action: str,
    on_behalf_of: str | None = None,
    document_ref: str | None = None,
    details: dict[str, Any] | None = None,
) -> Entry:
    """An entry in the case's metryka (the shape every case action writes)."""
    return record(
        session,
        chain_key=case_chain(case.id),
        tenant_id=case.tenant_id,
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=action,
        case_id=case.id,
        document_ref=document_ref,
        details=details,
    )


class ItemEntryFields(TypedDict, total=False):
    on_behalf_of: str | None
    document_ref: str | None
    details: dict[str, Any] | None


def on_item(
    session: Session,
    item: IncomingItem,
    *,
    tenant: str,
    actor: str,
    action: str,
    **more: Unpack[ItemEntryFields],
) -> Entry:
    """An entry in an incoming item's metryka (registration, decree, assignment, the workers'
    checks): the chain is the office's code and the RPW sign, as :func:`item_chain` keys it."""
    chain = item_chain(tenant, item.sign)
    return record(session, chain_key=chain, tenant_id=item.tenant_id, actor=actor, action=action, **more)


def on_office(
    session: Session,
    tenant: Tenant,
    *,
    actor: str,
    action: str,
    on_behalf_of: str | None = None,
    details: dict[str, Any] | None = None,
) -> Entry:
    """An entry in the office's own chain (user admin, JRWA imports, fixity audits)."""
    return record(
        session,
        chain_key=tenant_chain(tenant.code),
        tenant_id=tenant.id,
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=action,
        details=details,
    )


def _as_entry(r: MetrykaEntry) -> Entry:
    return Entry(
        chain_key=r.chain_key,
        seq=r.seq,
        prev_hash=r.prev_hash,
        at=r.at,
        actor=r.actor,
        on_behalf_of=r.on_behalf_of,
        action=r.action,
        document_ref=r.document_ref,
        details=r.details or {},
        hash=r.hash,
    )


def _chain_entries(session: Session, chain_key: str) -> Iterator[Entry]:
    rows = session.execute(
        select(MetrykaEntry)
        .where(MetrykaEntry.chain_key == chain_key)
        .order_by(MetrykaEntry.seq, MetrykaEntry.id)
    ).scalars()
    return (_as_entry(r) for r in rows)


def verify_all(session: Session) -> tuple[int, int, ChainBreak | None]:
    """Verify every chain; return (chains, entries, first break or None)."""
    chains = entries = 0
    for head in session.execute(select(MetrykaChain).order_by(MetrykaChain.chain_key)).scalars():
        chains += 1
        chain = list(_chain_entries(session, head.chain_key))
        entries += len(chain)
        brk = verify_chain(chain)
        if brk is not None:
            return chains, entries, brk
        last = chain[-1] if chain else None
        if (last.seq if last else 0) != head.last_seq or (last.hash if last else GENESIS) != head.last_hash:
            seq = (last.seq + 1) if last else 1
            return (
                chains,
                entries,
                ChainBreak(head.chain_key, seq, "entries at the end of the chain were removed"),
            )
    return chains, entries, None


def log_read(
    session: Session, *, actor: str, tenant_id: int | None, object_type: str, object_ref: str
) -> None:
    session.add(AccessLog(actor=actor, tenant_id=tenant_id, object_type=object_type, object_ref=object_ref))
