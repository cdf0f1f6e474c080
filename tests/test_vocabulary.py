"""One vocabulary (SPEC §2): every room gives the same answer for a company or a place.

Company names compare by one rule in filters, search and de-duplication; place names
resolve by one table in enrichment, filters and search. Each case goes through the real
code of each room: enrichment reads the posting's location string, the posting is written
to a real SQLite file and found (or not) by ``store.search``, a saved filter matches it (or
not), and de-duplication clusters two copies (or not).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from alerts.filters import Filter
from spiders.enrich import enrich
from store.db import open_db
from store.dedup import assign_clusters
from store.dedup_eval import load_store
from store.dedup_text import title_info
from store.models import Posting
from store.names import company_key
from store.places import UnknownPlaceError, resolve_place
from store.search import search
from store.writer import write_batch
from tests.test_dedup import make

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
DESCRIPTION = (
    "Write production code for the payments team in Python and Go with a mentor.\n"
    "Review designs, debug distributed systems and own one feature from start to end.\n"
    "Pursuing a degree in computer science with strong fundamentals in data structures.\n"
)


def posting(pid: str, **fields: Any) -> Posting:
    return make(pid, description=DESCRIPTION, seasons=[], **fields)


def found_by_search(tmp_path: Path, stored: Posting, **query: Any) -> bool:
    db = open_db(tmp_path / "search.db")
    try:
        write_batch(db, stored.source, [(stored, "h")], [], NOW, complete=False)
        return [p.id for p in search(db, "intern", **query)] == [stored.id]
    finally:
        db.close()


# (what a student writes, the company a posting names, the same employer?)
COMPANIES = [
    ("Palantir", "Palantir Technologies", True),
    ("Palantir", "Palantir Technologies Inc.", True),
    ("palantir technologies", "PALANTIR", True),
    ("Two Sigma", "Two Sigma Investments, LP", True),
    ("Stripe", "Stripe, Inc.", True),
    ("Nestle", "Nestlé S.A.", True),
    ("AT&T", "AT and T", True),
    ("Orsted", "Ørsted", True),  # Ø: no combining mark to drop
    ("Ørsted", "Orsted", True),
    ("Trade Desk", "The Trade Desk", True),
    ("Jane Street", "Jane Street Capital", True),
    ("Jane Street", "Two Sigma", False),
    ("Capital One", "Capital", False),
    ("Capital One", "One", False),
    ("Goldman Sachs", "Goldman", False),
    ("Meta", "Metabase", False),
]


@pytest.mark.parametrize(("written", "named", "same"), COMPANIES)
def test_company_rule_is_one_rule(tmp_path: Path, written: str, named: str, same: bool) -> None:
    stored = posting("board:1", company=named)
    assert Filter(companies=[written]).matches(stored, NOW) is same, "filter"
    assert found_by_search(tmp_path, stored, companies=[written]) is same, "search"
    # De-duplication: the same role on two sources joins one cluster only for one employer.
    other = posting("mirror:1", company=written, url="https://mirror.example.org/1")
    db = load_store(tmp_path / "dedup.db", [stored, other])
    clusters = assign_clusters(db, [stored.id, other.id])
    db.close()
    assert (clusters[stored.id] == clusters[other.id]) is same, "dedup"
    assert (company_key(written) == company_key(named)) is same


def test_company_key_never_empties_a_name() -> None:
    assert company_key("Capital One") == "capitalone"
    assert company_key("Group") == "group"  # a generic word alone is still a name
    assert company_key("字节跳动") == "字节跳动"  # no Latin letters: keyed on itself
    assert company_key("...") == ""  # nothing to match: filters reject it at load


# (what a student writes, a posting's location string as a board gives it, found?)
PLACES = [
    ("United Kingdom", "London, UK", True),
    ("UK", "London, UK", True),
    ("GB", "London, UK", True),
    ("Great Britain", "London, UK", True),
    ("England", "London, UK", True),
    ("London", "London, UK", True),
    ("London", "London", True),
    ("UK", "London", True),
    ("Scotland", "London, UK", False),
    ("Germany", "London, UK", False),
    ("USA", "Palo Alto, CA", True),
    ("US", "Palo Alto, CA", True),
    ("United States", "Palo Alto, CA", True),
    ("America", "Palo Alto, CA", True),
    ("California", "Palo Alto, CA", True),
    ("Bay Area", "San Francisco, CA", True),
    ("SF", "San Francisco, California", True),
    ("San Francisco", "SF", True),
    ("NYC", "New York, NY", True),
    ("New York", "NYC", True),
    ("LA", "Los Angeles, CA", True),
    ("Bengaluru", "Bangalore, India", True),
    ("Hong Kong", "Hong Kong", True),
    ("HK", "Hong Kong SAR", True),
    ("SG", "Singapore", True),
    ("Singapore", "Singapore", True),
    ("Zurich", "Zürich, Switzerland", True),
    ("Lodz", "Łódź, Poland", True),  # Ł: a letter NFKD leaves whole, folded by store.names
    ("Łódź", "Lodz, Poland", True),
    ("Canada", "Palo Alto, CA", False),
    ("NYC", "San Francisco, CA", False),
]


@pytest.mark.parametrize(("written", "raw", "found"), PLACES)
def test_place_table_is_one_table(tmp_path: Path, written: str, raw: str, found: bool) -> None:
    stored = enrich(posting("board:1", raw_locations=[raw]), NOW)
    assert stored.locations, f"enrichment could not read {raw!r}"
    assert Filter(locations=[written], strict=True).matches(stored, NOW) is found, "filter"
    assert found_by_search(tmp_path, stored, locations=[written]) is found, "search"


# A lone two-letter country code on a posting's location line stays unread by enrichment
# ("CA" may be Canada or California, "IN" India or Indiana); US and UK are the exceptions.
LONE_CODES = {"GB", "HK", "SG"}


@pytest.mark.parametrize(
    "written", sorted({w for w, _, found in PLACES if found and w not in LONE_CODES})
)
def test_what_a_student_writes_is_a_place_enrichment_reads(written: str) -> None:
    """A posting whose location line is the student's own words is found by them."""
    stored = enrich(posting("board:1", raw_locations=[written]), NOW)
    assert Filter(locations=[written], strict=True).matches(stored, NOW)


@pytest.mark.parametrize(
    "suffix", ["London", "United Kingdom", "New York", "NYC", "San Francisco", "Bay Area",
               "Singapore", "Hong Kong", "USA", "UK"],
)
def test_dedup_strips_the_tables_place_names_from_titles(suffix: str) -> None:
    bare = title_info("Software Engineer Intern", "Acme", frozenset())
    assert title_info(f"Software Engineer Intern - {suffix}", "Acme", frozenset()) == bare


def test_search_names_an_unknown_place(tmp_path: Path) -> None:
    db = open_db(tmp_path / "s.db")
    with pytest.raises(UnknownPlaceError, match="Narnia"):
        search(db, "intern", locations=["Narnia"])
    db.close()
    assert "c:CA" in resolve_place("CA") and "r:US:california" not in resolve_place("CA")
