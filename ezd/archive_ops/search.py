"""Archivist search: metadata filters + Polish inflection-aware full text, ranked and paginated.

Full text goes through the same stemmer at index and query time (``decyzja`` and ``decyzji``
both become ``decyzj``).  Every query word must match (AND).  Ranking: BM25 (SQLite FTS5) or
``ts_rank`` (PostgreSQL); without words, newest closed first.  Pages are fetched one row
beyond their size to tell whether there is a next page without counting every match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, column, func, literal_column, select, table
from sqlalchemy.orm import Session

from ezd.archive_ops.searchtext import facet, sender_facets
from ezd.archive_ops.stemmer import query_stems
from ezd.db.tables import Tenant
from ezd.db.tables_archive import ArchiveEntry
from ezd.records.errors import InvalidInput

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    tenant: str | None = None
    unit: str | None = None
    jrwa: str | None = None
    category: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    case_sign: str | None = None
    sender: str | None = None
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Hit:
    entry_id: int
    tenant: str
    case_sign: str
    title: str
    unit: str
    jrwa: str
    category: str
    year: int
    closed_on: date
    sender: str | None
    status: str
    location: str | None
    score: float


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    page: int
    per_page: int
    has_more: bool


def _facets(q: SearchQuery) -> list[str]:
    tokens: list[str] = []
    if q.tenant:
        tokens.append(facet("t", q.tenant))
    if q.unit:
        tokens.append(facet("u", q.unit))
    if q.jrwa:
        tokens.append(facet("j", q.jrwa))
    if q.category:
        tokens.append(facet("c", q.category))
    if q.year_from is not None and q.year_from == q.year_to:
        tokens.append(facet("y", q.year_from))
    tokens += sender_facets(q.sender)
    return tokens


def _filters(q: SearchQuery, session: Session) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if q.tenant:
        tenant_id = session.execute(select(Tenant.id).where(Tenant.code == q.tenant)).scalar_one_or_none()
        conds.append(ArchiveEntry.tenant_id == (tenant_id if tenant_id is not None else -1))
    if q.unit:
        conds.append(ArchiveEntry.unit_code == q.unit)
    if q.jrwa:
        conds.append(ArchiveEntry.jrwa_symbol == q.jrwa)
    if q.category:
        conds.append(ArchiveEntry.category == q.category.strip().upper().replace("BC", "Bc"))
    if q.year_from is not None:
        conds.append(ArchiveEntry.year >= q.year_from)
    if q.year_to is not None:
        conds.append(ArchiveEntry.year <= q.year_to)
    if q.case_sign:
        conds.append(ArchiveEntry.case_sign == q.case_sign)
    return conds


def _check(q: SearchQuery) -> None:
    if q.page < 1:
        raise InvalidInput("page numbers start at 1")
    if not 1 <= q.per_page <= MAX_PER_PAGE:
        raise InvalidInput(f"page size must be between 1 and {MAX_PER_PAGE}")
    if q.year_from is not None and q.year_to is not None and q.year_from > q.year_to:
        raise InvalidInput(f"year range {q.year_from}-{q.year_to} is empty")
    if len(q.text) > 500:
        raise InvalidInput("search text is limited to 500 characters")


def search(session: Session, q: SearchQuery) -> SearchPage:
    _check(q)
    words = query_stems(q.text)  # one group of keys per word: any key of each group must match
    tokens = words + [(f,) for f in _facets(q)]
    limit, offset = q.per_page + 1, (q.page - 1) * q.per_page
    conds = _filters(q, session)
    scored: list[tuple[int, float]]
    if not words and not q.sender:
        stmt = (
            select(ArchiveEntry.id)
            .where(*conds)
            .order_by(ArchiveEntry.closed_on.desc(), ArchiveEntry.id.desc())
            .limit(limit)
            .offset(offset)
        )
        scored = [(i, 0.0) for i in session.execute(stmt).scalars()]
    elif session.get_bind().dialect.name == "postgresql":
        scored = _search_postgres(session, tokens, words, conds, limit, offset)
    else:
        scored = _search_sqlite(session, tokens, conds, limit, offset)
    has_more = len(scored) > q.per_page
    scored = scored[: q.per_page]
    return SearchPage(_hits(session, scored), q.page, q.per_page, has_more)


_FTS = table("archive_fts", column("rowid"))
_TSV: ColumnElement[str] = literal_column("archive_entry.search_tsv")


def _search_sqlite(
    session: Session, tokens: list[tuple[str, ...]], conds: list[ColumnElement[bool]], limit: int, offset: int
) -> list[tuple[int, float]]:
    match = " AND ".join("(" + " OR ".join(f'"{k}"' for k in group) + ")" for group in tokens)
    score = func.bm25(literal_column("archive_fts"))  # lower is better
    stmt = (
        select(ArchiveEntry.id, score)
        .select_from(_FTS.join(ArchiveEntry.__table__, ArchiveEntry.id == _FTS.c.rowid))
        .where(literal_column("archive_fts").op("MATCH")(match), *conds)
        .order_by(score, ArchiveEntry.id)
        .limit(limit)
        .offset(offset)
    )
    return [(int(i), -float(r)) for i, r in session.execute(stmt).all()]


def _search_postgres(
    session: Session,
    tokens: list[tuple[str, ...]],
    words: list[tuple[str, ...]],
    conds: list[ColumnElement[bool]],
    limit: int,
    offset: int,
) -> list[tuple[int, float]]:
    # Rank on the words only (facet tokens are in every matching row); normalization 1 divides by
    # log(length) so that long extracted texts do not win by size alone.
    matches = _TSV.op("@@")(func.to_tsquery("simple", " & ".join("(" + " | ".join(g) + ")" for g in tokens)))
    score = func.ts_rank(
        _TSV, func.to_tsquery("simple", " | ".join(k for g in (words or tokens) for k in g)), 1
    )
    stmt = (
        select(ArchiveEntry.id, score)
        .where(matches, *conds)
        .order_by(score.desc(), ArchiveEntry.id)
        .limit(limit)
        .offset(offset)
    )
    return [(int(i), float(r)) for i, r in session.execute(stmt).all()]


def _hits(session: Session, scored: list[tuple[int, float]]) -> list[Hit]:
    if not scored:
        return []
    ids = [i for i, _ in scored]
    rows = {
        e.id: (e, code)
        for e, code in session.execute(
            select(ArchiveEntry, Tenant.code)
            .join(Tenant, Tenant.id == ArchiveEntry.tenant_id)
            .where(ArchiveEntry.id.in_(ids))
        ).all()
    }
    hits = []
    for entry_id, score in scored:
        e, code = rows[entry_id]
        hits.append(
            Hit(
                entry_id=e.id,
                tenant=code,
                case_sign=e.case_sign,
                title=e.title,
                unit=e.unit_code,
                jrwa=e.jrwa_symbol,
                category=e.category,
                year=e.year,
                closed_on=e.closed_on,
                sender=e.sender,
                status=e.status,
                location=e.location.code if e.location else None,
                score=round(score, 6),
            )
        )
    return hits
