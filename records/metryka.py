"""Metryka sprawy as a hash chain.

Every action is an entry in a chain.  Each entry's hash covers its own content and the hash of
the previous entry, so editing an entry breaks its hash, deleting one breaks the ``seq`` run and
the next entry's ``prev_hash``, and reordering breaks ``prev_hash`` links.  Chains are per subject
(an incoming item until it joins a case, then the case), so appends to different cases never
contend for the same chain head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Entry:
    chain_key: str
    seq: int
    prev_hash: str
    at: datetime  # naive UTC
    actor: str
    on_behalf_of: str | None
    action: str
    document_ref: str | None
    details: Mapping[str, Any] = field(default_factory=dict)
    hash: str = ""


def canonical_time(at: datetime) -> str:
    if at.tzinfo is not None:
        raise ValueError("metryka timestamps are naive UTC")
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def entry_hash(
    *,
    chain_key: str,
    seq: int,
    prev_hash: str,
    at: datetime,
    actor: str,
    on_behalf_of: str | None,
    action: str,
    document_ref: str | None,
    details: Mapping[str, Any],
) -> str:
    payload = json.dumps(
        [chain_key, seq, prev_hash, canonical_time(at), actor, on_behalf_of, action, document_ref, details],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def seal(entry: Entry) -> Entry:
    h = entry_hash(
        chain_key=entry.chain_key,
        seq=entry.seq,
        prev_hash=entry.prev_hash,
        at=entry.at,
        actor=entry.actor,
        on_behalf_of=entry.on_behalf_of,
        action=entry.action,
        document_ref=entry.document_ref,
        details=entry.details,
    )
    return Entry(**{**_fields(entry), "hash": h})


def _fields(entry: Entry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in Entry.__slots__}


@dataclass(frozen=True, slots=True)
class ChainBreak:
    chain_key: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"metryka chain {self.chain_key!r} broken at entry {self.seq}: {self.reason}"


def verify_chain(entries: Iterable[Entry]) -> ChainBreak | None:
    """Check one chain given in storage order (by seq). Return the first break or None."""
    expected_seq = 1
    prev = GENESIS
    key = None
    for e in entries:
        key = e.chain_key
        if e.seq != expected_seq:
            return ChainBreak(
                e.chain_key, e.seq, f"expected entry {expected_seq} (an entry is missing or moved)"
            )
        if e.prev_hash != prev:
            return ChainBreak(
                e.chain_key, e.seq, "previous-hash link does not match (entries removed or reordered)"
            )
        if seal(e).hash != e.hash:
            return ChainBreak(e.chain_key, e.seq, "entry content does not match its hash (entry edited)")
        prev = e.hash
        expected_seq += 1
    del key
    return None
