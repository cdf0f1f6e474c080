"""Export postings as JSON (SPEC §4 records), CSV, Markdown or RSS.

Every scraped value is made harmless first (store/harmless.py, SPEC §5): no tag, no control
character, links http(s) only (else null, or left out); then escaped for the format. Markdown
shows a link as its own address (`<https://...>`), CSV cells never start a formula, and RSS
is built by lxml, so it is well-formed XML.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from email.utils import format_datetime
from typing import Any

import sqlite_utils
from lxml import etree

from config.clock import parse_instant
from store.harmless import csv_cell, http_url, text
from store.models import Posting
from store.writer import row_to_posting

URL_FIELDS = frozenset({"url", "apply_url"})
_MD_SPECIAL = re.compile(r"([\\`*_\[\]~<>|])")


def load_postings(db: sqlite_utils.Database, *, include_all: bool = False) -> list[Posting]:
    """Open postings (kind posting, not closed), newest first; every row with `include_all`."""
    where = "" if include_all else "WHERE kind = 'posting' AND closed_at IS NULL"
    rows = db.query(
        f"SELECT * FROM postings {where} ORDER BY coalesce(posted_at, first_seen) DESC, id"
    )
    return [row_to_posting(r) for r in rows]


def render_export(postings: Sequence[Posting], fmt: str) -> str:
    if fmt == "json":
        records = [export_record(p) for p in postings]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(postings)
    if fmt == "md":
        return _markdown(postings)
    if fmt == "rss":
        return _rss(postings)
    raise ValueError(f"unknown export format {fmt!r}")


def _harmless(key: str, value: Any) -> Any:
    if isinstance(value, str):
        if key in URL_FIELDS:
            return http_url(value)
        return text(value, multiline=key == "description")
    if isinstance(value, list):
        return [_harmless(key, v) for v in value]
    if isinstance(value, dict):
        return {k: _harmless(k, v) for k, v in value.items()}
    return value


def export_record(posting: Posting) -> dict[str, Any]:
    """The SPEC §4 record with every string made harmless (a non-http(s) link becomes null)."""
    return {k: _harmless(k, v) for k, v in posting.export().items()}


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
        row = export_record(posting)
        writer.writerow({k: csv_cell(_flat(row.get(k))) for k in writer.fieldnames})
    return out.getvalue()


def _md_cell(value: str | None) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text(value))


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
        link = http_url(p.apply_url) or http_url(p.url)
        lines.append(
            f"| {_md_cell(p.company)} | {_md_cell(p.title)} | {_md_cell(place_text(p))} |"
            f" {_md_cell((p.posted_at or p.first_seen or '')[:10])} |"
            f" {'<' + link + '>' if link else ''} |"
        )
    return "\n".join(lines) + "\n"


def _rss(postings: Sequence[Posting]) -> str:
    rss = etree.Element("rss", version="2.0")
    channel = etree.SubElement(rss, "channel")
    for tag, value in (
        ("title", "internwatch postings"),
        ("link", "https://github.com/internwatch"),
        ("description", "Internship postings collected by internwatch"),
    ):
        etree.SubElement(channel, tag).text = value
    for p in postings:
        item = etree.SubElement(channel, "item")
        etree.SubElement(item, "title").text = f"{text(p.title)} at {text(p.company)}"
        link = http_url(p.url)
        if link:
            etree.SubElement(item, "link").text = link
        guid = etree.SubElement(item, "guid", isPermaLink="false")
        guid.text = text(p.id)
        when = p.posted_at or p.first_seen
        if when:
            etree.SubElement(item, "pubDate").text = format_datetime(parse_instant(when))
        etree.SubElement(item, "description").text = text(p.description[:500], multiline=True)
    body = etree.tostring(rss, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
