"""A posting's location strings -> ``Location(city, region, country)``, read with the one
place table (:mod:`store.places`), the same one filters and search resolve places with.

Contract of :func:`parse_location` (one location string as an API gives it):

- ``country`` is ISO 3166 alpha-2; ``region`` is the full subdivision name ("California",
  "England", "Ontario", "Tasmania", "Karnataka") when the string names it, or, for a known
  city of the US, GB, CA or AU, the city's first-level subdivision from geonames.
- ``city`` is kept as written, except abbreviations ("NYC", "SF", "Bay Area" are shown as
  "New York", "San Francisco") and common misspellings ("Banglore" is "Bengaluru"): we do
  not rename "Bangalore" to "Bengaluru" (filters match either, through the table's aliases).
- A bare city name is accepted only when geonames knows it and its most populous namesake
  dominates (3x the next one and at least 100k people): "London" is GB, "Cambridge" stays
  unknown (GB, CA and US all have one). On a board's own location line a name geonames
  knows only one city by is accepted too ("Bad Oeynhausen"), and so is a town of 5,000-15,000
  people geonames knows only one of ("Dietmannsried"); a board line that is only an ISO
  code in capitals is that country ("IN", "GB"; not US state codes but IN and DE, not "NA").
  "St." is read as "Saint"; "Brisbane CBD" is Brisbane, "Greater London" London.
- "Remote", "Hybrid", "Anywhere" and similar words are removed before parsing; what is
  left ("Remote (Canada)" -> Canada) is the place.
- Codes after a comma are read as US states first, then Canadian provinces, then
  Australian states ("Palo Alto, CA" is California). Codes in parentheses are read as
  Australian states first ("Hobart (TAS)", the Workday AU convention).
- Anything not understood gives ``None``: a wrong place is worse than none.
"""

from __future__ import annotations

import re

from store.models import Location
from store.names import fold
from store.places import (
    CITY_STATES,
    GB_NATIONS,
    City,
    cities_named,
    city_shown,
    country_code,
    region_in,
    region_of_city,
    regions_named,
    towns_named,
)

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
# "PAN India" is all of India.
_NOISE = re.compile(r"\((?:hq|headquarters|main\s+office)\)|\bonly\b|\bour\b|\bpan(?=\s+india\b)|"
                    r"\s(?:cbd|city\s+cent(?:re|er)|metro(?:politan)?\s+area)\b|"
                    r"\([^)]*\d[^)]*\)",  # "Brisbane CBD", "(3 days on-site)"
                    re.IGNORECASE)
_PAREN = re.compile(r"\(([^)]*)\)")


def _fold(text: str) -> str:
    return fold(text).strip()


_SAINT = re.compile(r"^st\.?\s+", re.IGNORECASE)


def _known_city(name: str, country: str | None, board: bool = False) -> City | None:
    """The city called ``name``: in ``country`` if given, else its dominant namesake (on a
    board's own location line, also a city no other place shares its name with)."""
    namesakes = cities_named(name) or (
        cities_named(_SAINT.sub("Saint ", name)) if _SAINT.match(name) else [])
    if not namesakes and (board or country is not None) and _looks_like_city(name):
        # a town too small for the table, named by the board's line or with its country
        namesakes = towns_named(name)
        if country is None and len(namesakes) != 1:
            return None
    if not namesakes:
        return None
    if country is not None:
        return next((c for c in namesakes if c.country == country), None)
    if board and len(namesakes) == 1:
        return namesakes[0]
    top = namesakes[0]
    runner_up = namesakes[1].population if len(namesakes) > 1 else 0
    if top.population >= 100_000 and top.population >= 3 * runner_up:
        return top
    return None


def _looks_like_city(text: str) -> bool:
    """A name, not a phrase: no digit, at most 40 characters and 5 words, not lower case first
    ("this role you can work from" is not a city)."""
    return (bool(text) and not any(ch.isdigit() for ch in text) and len(text) <= 40
            and text.count(" ") < 5 and not text[0].islower())


def _resolve_tail(part: str, paren: bool) -> tuple[str | None, str | None]:
    """Read a trailing part as (country, region); (None, None) when it is neither."""
    folded = _fold(part)
    if folded in GB_NATIONS:
        return "GB", GB_NATIONS[folded]
    if folded in _SHORT_COUNTRIES:
        return _SHORT_COUNTRIES[folded], None
    order = _CODE_ORDER_PAREN if paren else _CODE_ORDER_COMMA
    is_code = len(folded) <= 3
    if is_code:
        for country in order:
            region = region_in(country, part)
            if region is not None:
                return country, region
    named = country_code(part)
    if named is not None:
        return named, None
    if not is_code:
        hits = regions_named(folded)
        if len(hits) == 1:
            return hits[0]
    return None, None


def _parse_one(text: str, board: bool = False) -> Location | None:
    paren = False
    match = _PAREN.search(text)
    if match:
        inner = match.group(1).strip()
        text = (text[: match.start()] + ("," + inner if inner else "") + text[match.end():])
        paren = True
    parts = [p.strip(" .-–") for p in text.split(",")]
    # postal codes ("Singapore, SG, 238891", "75008") are not places of their own
    parts = [p for p in parts if p and not p.replace(" ", "").isdigit()]
    if not parts or any(_NOT_A_PLACE.match(p) for p in parts):
        return None
    if len(parts) > 3:
        return None
    if len(parts) == 1:
        return _single(parts[0], board)
    if len(parts) == 3 and country_code(parts[2]) is None and country_code(parts[0]):
        parts.reverse()  # Workday style "US, CA, Santa Clara"
    if len(parts) == 3:
        country = country_code(parts[2])
        if country is None:
            return None
        # A region ISO 3166-2 does not name ("Bavaria" is "Bayern") is the city's own region.
        region = region_in(country, parts[1])
        if region is None:  # "Rotterdam, South Holland, Netherlands": the city's own region
            known = _known_city(parts[0], country)
            region = region_of_city(known) if known is not None else None
        return Location(city=city_shown(parts[0]), region=region, country=country)
    head, tail = parts
    country, region = _resolve_tail(tail, paren)
    if country is None:
        return None
    if region is None:
        # "City, Country" or "Region, Country".
        region_first = region_in(country, head)
        if region_first is not None and country != "GB" and _known_city(head, country) is None:
            return Location(city=None, region=region_first, country=country)
        if not _looks_like_city(head):
            return None
        if _fold(head) in GB_NATIONS and country == "GB":
            return Location(city=None, region=GB_NATIONS[_fold(head)], country="GB")
        known = _known_city(head, country)
        words = head.split()
        if known is None and 2 <= len(words) <= 4:
            # a site's name before the city: "Amazon Portland, US"
            for k in (2, 1):
                tail = " ".join(words[-k:])
                if k < len(words) and (known := _known_city(tail, country)) is not None:
                    head = tail
                    break
        region = region_of_city(known) if known is not None else None
    if not _looks_like_city(head):
        return None
    return Location(city=city_shown(head), region=region, country=country)


def board_code(part: str) -> str | None:
    """A board's location line that is only an ISO country code in capitals ("IN", "GB",
    "DE"): that country. Codes that are also US state codes are read as states elsewhere
    ("GA", "MA"), so they stay unknown here, except "IN" and "DE": a board that names
    only a state writes its cities too, and India and Germany are the usual readings."""
    if (len(part) != 2 or not part.isupper() or part == "NA"  # "N/A", not Namibia
            or (region_in("US", part) is not None and part not in ("IN", "DE"))):
        return None
    code = country_code(part)
    return code if code == part else None


def _single(part: str, board: bool = False) -> Location | None:
    folded = _fold(part)
    if folded in GB_NATIONS:
        return Location(city=None, region=GB_NATIONS[folded], country="GB")
    country = _SHORT_COUNTRIES.get(folded) or (country_code(part) if len(folded) > 2 else None)
    if country is not None:
        return Location(city=CITY_STATES.get(country), region=None, country=country)
    if len(folded) > 3:
        hits = regions_named(folded)
        if len(hits) == 1 and _known_city(part, None) is None:
            return Location(city=None, region=hits[0][1], country=hits[0][0])
    known = _known_city(part, None, board)
    if known is None and part[:8].lower() == "greater ":
        part = part[8:].strip()  # "Greater London" (but "Greater Noida" is a city of its own)
        known = _known_city(part, None, board)
    if known is None:
        return None
    if known.country in CITY_STATES:
        return Location(city=CITY_STATES[known.country], region=None, country=known.country)
    return Location(city=city_shown(part), region=region_of_city(known), country=known.country)


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


def parse_location(text: str, board: bool = False) -> list[Location]:
    """Every place named in one raw location string; [] when none is understood.

    ``board``: the string is the board's own location line, where a bare city name that
    no other place shares ("Bad Oeynhausen") is that city whatever its size."""
    if board:
        code = board_code(text.strip())
        if code is not None:
            return [Location(city=CITY_STATES.get(code), region=None, country=code)]
    found: list[Location] = []
    for chunk in _SPLIT_MULTI.split(_NOISE.sub(" ", text)):
        rest = strip_work_mode(chunk)
        if not rest:
            continue
        loc = _parse_one(rest, board)
        if loc is not None and loc not in found:
            found.append(loc)
    return found
