"""Full-text search (FTS5 over title, company, description) with simple field filters."""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlite_utils

from store.models import Posting
from store.names import company_key
from store.places import place_keys, resolve_place
from store.writer import row_to_posting


def fts_query(text: str) -> str:
    """Quote every word so user input is never FTS syntax (no column filters, no NEAR)."""
    words = [w.replace('"', '""') for w in text.split() if w.strip()]
    return " ".join(f'"{w}"' for w in words)


def search(
    db: sqlite_utils.Database,
    query: str,
    *,
    limit: int = 20,
    include_all: bool = False,
    companies: Sequence[str] = (),
    locations: Sequence[str] = (),
    categories: Sequence[str] = (),
    internships_only: bool = False,
) -> list[Posting]:
    """Postings matching every word of `query`, newest first.

    `companies` and `locations` follow the rules of saved filters (SPEC §2): companies
    compare by :func:`store.names.company_key` ("palantir" finds "Palantir Technologies
    Inc."), places resolve through the one place table ("UK", "GB", "United Kingdom" and
    "London" find a London posting); an unknown place raises
    :class:`store.places.UnknownPlaceError` naming it. A posting that states no place is
    not found by a location.

    Newest first (FTS5 rowid order, which is first-seen order) rather than bm25: a student
    wants the latest openings, and ranking every match of a common word by bm25 took up to
    150 ms over 100,000 postings, while walking rowids backwards stops at `limit`.
    """
    match = fts_query(query)
    if not match:
        return []
    where = ["postings_fts MATCH ?"]
    params: list[object] = [match]
    if not include_all:
        where.append("p.kind = 'posting' AND p.closed_at IS NULL")
    if internships_only:
        where.append("p.is_internship = 1")
    if companies:
        db.register_function(company_key, deterministic=True, replace=True)
        where.append(f"company_key(p.company) IN ({','.join('?' * len(companies))})")
        params.extend(company_key(c) for c in companies)
    sql = (
        "SELECT p.* FROM postings_fts JOIN postings p ON p.rowid = postings_fts.rowid"
        f" WHERE {' AND '.join(where)} ORDER BY postings_fts.rowid DESC LIMIT ?"
    )
    wanted_locations: set[str] = set()
    for entry in locations:
        wanted_locations |= resolve_place(entry)
    wanted_categories = set(categories)
    out: list[Posting] = []
    fetch = limit if not (wanted_locations or wanted_categories) else limit * 20
    for row in db.query(sql, [*params, fetch]):
        if wanted_categories and not wanted_categories & set(json.loads(row["categories"] or "[]")):
            continue
        posting = row_to_posting(row)
        if wanted_locations and wanted_locations.isdisjoint(
            place_keys(posting.locations, posting.remote)
        ):
            continue
        out.append(posting)
        if len(out) >= limit:
            break
    return out
