"""Export postings as JSON (SPEC §4 records), CSV, Markdown or RSS."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from email.utils import format_datetime
from xml.sax.saxutils import escape

import sqlite_utils

from config.clock import parse_instant
from store.models import Posting
from store.writer import row_to_posting


def load_postings(db: sqlite_utils.Database, *, include_all: bool = False) -> list[Posting]:
    """Open postings (kind posting, not closed), newest first; every row with `include_all`."""
    where = "" if include_all else "WHERE kind = 'posting' AND closed_at IS NULL"
    rows = db.query(
        f"SELECT * FROM postings {where} ORDER BY coalesce(posted_at, first_seen) DESC, id"
    )
    return [row_to_posting(r) for r in rows]


def render_export(postings: Sequence[Posting], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([p.export() for p in postings], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(postings)
    if fmt == "md":
        return _markdown(postings)
    if fmt == "rss":
        return _rss(postings)
    raise ValueError(f"unknown export format {fmt!r}")


def _flat(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _csv(postings: Sequence[Posting]) -> str:
    out = io.StringIO()
    fields = list(Posting.model_fields)
    fields[fields.index("graduation")] = "graduation"
    writer = csv.DictWriter(out, fieldnames=[f for f in fields if f != "description"])
    writer.writeheader()
    for posting in postings:
        row = posting.export()
        writer.writerow({k: _flat(row.get(k)) for k in writer.fieldnames})
    return out.getvalue()


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def place_text(posting: Posting) -> str:
    """Where the job is, for people: normalised places (else the source's own strings), at
    most four, with remote or hybrid said; shared by exports and alert messages."""
    places = []
    for loc in posting.locations:
        parts = [p for p in (loc.city, loc.region, loc.country) if p]
        if parts:
            places.append(", ".join(dict.fromkeys(parts)))
    if not places:
        places = list(posting.raw_locations)
    text = "; ".join(places[:4]) + (" …" if len(places) > 4 else "")
    if posting.remote == "remote":
        text = f"Remote{' (' + text + ')' if text else ''}"
    elif posting.remote == "hybrid":
        text = f"{text} (hybrid)" if text else "Hybrid"
    return text or "location not stated"


def _markdown(postings: Sequence[Posting]) -> str:
    lines = ["| Company | Role | Location | Posted | Link |", "|---|---|---|---|---|"]
    for p in postings:
        places = place_text(p)
        lines.append(
            f"| {_md_cell(p.company)} | {_md_cell(p.title)} | {_md_cell(places)} |"
            f" {(p.posted_at or p.first_seen or '')[:10]} | [apply]({p.apply_url or p.url}) |"
        )
    return "\n".join(lines) + "\n"


def _rss(postings: Sequence[Posting]) -> str:
    items = []
    for p in postings:
        when = p.posted_at or p.first_seen
        date = f"<pubDate>{format_datetime(parse_instant(when))}</pubDate>" if when else ""
        items.append(
            f"<item><title>{escape(p.title)} at {escape(p.company)}</title>"
            f'<link>{escape(p.url)}</link><guid isPermaLink="false">{escape(p.id)}</guid>'
            f"{date}<description>{escape(p.description[:500])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>internwatch postings</title><link>https://github.com/internwatch</link>"
        "<description>Internship postings collected by internwatch</description>"
        + "".join(items)
        + "</channel></rss>\n"
    )
