"""Metryka: append entries to hash chains and verify them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ezd.db.base import utcnow
from ezd.db.tables import AccessLog, MetrykaChain, MetrykaEntry
from records.metryka import GENESIS, ChainBreak, Entry, seal, verify_chain


def case_chain(case_id: int) -> str:
    return f"case:{case_id}"


def item_chain(tenant_code: str, rpw_sign: str) -> str:
    return f"rpw:{tenant_code}:{rpw_sign}"


def tenant_chain(tenant_code: str) -> str:
    """Events not about one item or case: JRWA imports, user admin, fixity audits."""
    return f"tenant:{tenant_code}"


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
) -> MetrykaEntry:
    """Append one entry. The chain-head row lock serialises concurrent appends to one chain."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(MetrykaChain)
        .values(chain_key=chain_key, tenant_id=tenant_id, last_seq=0, last_hash=GENESIS)
        .on_conflict_do_nothing(index_elements=["chain_key"])
    )
    head = session.execute(
        select(MetrykaChain).where(MetrykaChain.chain_key == chain_key).with_for_update()
    ).scalar_one()
    entry = seal(
        Entry(
            chain_key=chain_key,
            seq=head.last_seq + 1,
            prev_hash=head.last_hash,
            at=utcnow(),
            actor=actor,
            on_behalf_of=on_behalf_of,
            action=action,
            document_ref=document_ref,
            details=details or {},
        )
    )
    row = MetrykaEntry(
        chain_key=chain_key,
        seq=entry.seq,
        prev_hash=entry.prev_hash,
        hash=entry.hash,
        at=entry.at,
        tenant_id=tenant_id,
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=action,
        case_id=case_id,
        document_ref=document_ref,
        details=dict(entry.details),
    )
    session.add(row)
    head.last_seq = entry.seq
    head.last_hash = entry.hash
    return row


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
