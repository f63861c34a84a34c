"""Duplicate registrations: the same letter registered twice gets two RPW numbers otherwise.

A letter looks like one already registered when, within DUPLICATE_WINDOW_DAYS, the office
registered the same content (SHA-256 of the original bytes) or a letter from the same sender
with the same sender's reference (znak pisma). The clerk is warned with the earlier item; the
registration still goes ahead when they give a reason, which is kept on the item and in the
metryka.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ezd.clock import office_date, polish_date
from ezd.db.tables import DocumentVersion, IncomingItem
from ezd.records.errors import ConflictError

DUPLICATE_WINDOW_DAYS = 30


@dataclass(frozen=True)
class EarlierItem:
    sign: str
    registered_at: datetime
    same_content: bool

    @property
    def why(self) -> str:
        return "ta sama treść" if self.same_content else "ten sam nadawca i znak pisma"


class DuplicateSuspected(ConflictError):
    """Registration stopped for a confirmation: the letter looks like ``earlier``."""

    def __init__(self, earlier: EarlierItem) -> None:
        self.earlier = earlier
        super().__init__(
            f"ta przesyłka wygląda na zarejestrowaną już jako {earlier.sign} ({earlier.why}, "
            f"{polish_date(office_date(earlier.registered_at))}); aby mimo to ją zarejestrować, "
            "podaj powód ponownej rejestracji"
        )


def find_earlier(
    session: Session,
    *,
    tenant_id: int,
    sha256: str,
    sender: str | None,
    sender_reference: str | None,
    now: datetime,
) -> EarlierItem | None:
    """The most recent item of the window matching by content, else by sender + reference."""
    since = now - timedelta(days=DUPLICATE_WINDOW_DAYS)
    same_content = (
        select(DocumentVersion.id)
        .where(DocumentVersion.document_id == IncomingItem.document_id, DocumentVersion.sha256 == sha256)
        .exists()
    )
    matches: list[ColumnElement[bool]] = [same_content]
    reference = (sender_reference or "").strip()
    if reference and sender and sender.strip():
        # the sender's name as typed may differ in case and spacing; the reference is exact
        matches.append(
            and_(
                func.lower(func.trim(IncomingItem.sender)) == sender.strip().lower(),
                func.trim(IncomingItem.sender_reference) == reference,
            )
        )
    row = session.execute(
        select(IncomingItem.sign, IncomingItem.registered_at, same_content)
        .where(
            IncomingItem.tenant_id == tenant_id,
            IncomingItem.registered_at >= since,
            or_(*matches),
        )
        .order_by(same_content.desc(), IncomingItem.registered_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return EarlierItem(row[0], row[1], bool(row[2]))
