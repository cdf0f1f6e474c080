"""Build real SQLite stores with postings and subscriptions for alert tests (in process)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from alerts.filters import Filter
from config.clock import parse_instant
from config.loader import parse_subscription
from config.models import Settings
from store.db import open_db
from store.models import Location, Posting
from store.writer import write_batch


def at(text: str) -> datetime:
    return parse_instant(text)


def posting(n: int, company: str = "Acme", title: str = "Data Science Intern", **extra: Any) -> Posting:
    data: dict[str, Any] = {
        "id": f"src:{n}",
        "source": "src",
        "company": company,
        "title": title,
        "url": f"https://jobs.example.org/{company.lower()}/{n}",
        "is_internship": True,
        "description": extra.pop("description", f"{title} at {company}. Apply now."),
        "locations": [Location(city="Singapore", country="SG")],
    }
    data.update(extra)
    return Posting(**data)


def store_postings(db: sqlite_utils.Database, postings: list[Posting], when: str) -> None:
    from store.dedup import assign_clusters

    written = write_batch(db, "src", [(p, p.content_hash()) for p in postings], [], at(when),
                          complete=False)
    assign_clusters(db, written.new_ids + written.updated_ids)  # as store.ingest does


def new_db(tmp_path: Path) -> sqlite_utils.Database:
    return open_db(tmp_path / "alerts.db")


def subscription(name: str, notify: list[str], flt: dict[str, Any] | None = None, **extra: Any) -> Any:
    raw = {"name": name, "notify": notify, "filter": flt or {}, **extra}
    return parse_subscription(raw, "test", Filter)


def settings(**overrides: Any) -> Settings:
    return Settings(**{"allow_private_hosts": ["127.0.0.1"], **overrides})
