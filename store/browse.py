"""Browsing open postings by facets (the student site's search, SPEC §7).

Facet values come from the stored rows (company as stored, country as ISO code, category,
season, remote), so a value offered is a value that finds something. Results are walked
newest first and stop at the page size, like :func:`store.search.search`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from store.models import Posting
from store.search import fts_query
from store.writer import row_to_posting

#: what the site lists: open internship postings (the site is for students)
OPEN = "p.kind = 'posting' AND p.closed_at IS NULL AND p.is_internship = 1"
FACETS = ("company", "country", "category", "season", "remote")


@dataclass(frozen=True)
class Browse:
    """What a student asked for: words and one value per facet (None: any)."""

    q: str = ""
    company: str | None = None
    country: str | None = None
    category: str | None = None
    season: str | None = None
    remote: str | None = None


@dataclass
class FacetCounts:
    """Open postings per value of each facet, most common first."""

    values: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    total: int = 0


def browse(db: sqlite_utils.Database, want: Browse, *, limit: int = 20, offset: int = 0) -> list[Posting]:
    """Open internship postings matching every given facet (and every word of `q`), newest first."""
    where = [OPEN]
    params: list[object] = []
    source = "postings p"
    order = "p.rowid DESC"
    match = fts_query(want.q) if want.q.strip() else ""
    if match:
        source = "postings_fts JOIN postings p ON p.rowid = postings_fts.rowid"
        where.append("postings_fts MATCH ?")
        params.append(match)
        order = "postings_fts.rowid DESC"
    if want.company:
        where.append("p.company = ?")
        params.append(want.company)
    if want.remote:
        where.append("p.remote = ?")
        params.append(want.remote)
    if want.country:
        where.append(
            "EXISTS (SELECT 1 FROM json_each(p.locations) j WHERE json_extract(j.value, '$.country') = ?)"
        )
        params.append(want.country.upper())
    for column, value in (("categories", want.category), ("seasons", want.season)):
        if value:
            where.append(f"EXISTS (SELECT 1 FROM json_each(p.{column}) j WHERE j.value = ?)")
            params.append(value)
    sql = f"SELECT p.* FROM {source} WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ? OFFSET ?"
    return [row_to_posting(r) for r in db.query(sql, [*params, limit, offset])]


def facet_counts(db: sqlite_utils.Database, top: int = 30) -> FacetCounts:
    """Counts over every open posting (one pass per facet, in SQLite; cache the result)."""
    queries = {
        "company": f"SELECT p.company, count(*) FROM postings p WHERE {OPEN} GROUP BY 1",
        "remote": f"SELECT p.remote, count(*) FROM postings p WHERE {OPEN} AND p.remote IS NOT NULL"
        " GROUP BY 1",
        "country": "SELECT json_extract(j.value, '$.country') AS v, count(DISTINCT p.rowid)"
        f" FROM postings p, json_each(p.locations) j WHERE {OPEN} AND v IS NOT NULL GROUP BY 1",
        "category": "SELECT j.value, count(*) FROM postings p, json_each(p.categories) j"
        f" WHERE {OPEN} GROUP BY 1",
        "season": f"SELECT j.value, count(*) FROM postings p, json_each(p.seasons) j WHERE {OPEN} GROUP BY 1",
    }
    counts = FacetCounts()
    for name, sql in queries.items():
        rows = db.execute(f"{sql} ORDER BY 2 DESC, 1 LIMIT ?", [top]).fetchall()
        counts.values[name] = [(str(value), int(n)) for value, n in rows]
    counts.total = int(db.execute(f"SELECT count(*) FROM postings p WHERE {OPEN}").fetchone()[0])
    return counts


def get_posting(db: sqlite_utils.Database, posting_id: str) -> Posting | None:
    row = next(db.query("SELECT * FROM postings WHERE id = ?", [posting_id]), None)
    return row_to_posting(row) if row is not None else None
