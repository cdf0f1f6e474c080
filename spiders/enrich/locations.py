"""Where the job is: from the raw location strings, else from a location line of the text.

Text is read only when the raw location strings name no place we understand (none given,
or "North America Only", "Multiple Locations"), and only from lines that state
this job's place ("Location: Singapore", "Office location: ...", "This role is based in
London", "Based in London or remote (UK)"), else from "our team in Singapore" / "this
internship in Berlin" (a known place right after the opening's noun). Sentences about the company ("offices in
London, Dublin, Paris", "headquartered in Toronto") are never read.
A location heading alone on its line ("**Location**", "Locations for all SDE internships:",
"... one of the following locations:") is read from the lines under it, one place list a
line ("San Jose, San Francisco, Austin", "Austin, TX, USA | Cupertino, CA, USA",
"• CA (Berkeley, Cupertino)": a state and its cities), until a line names no place. A line
near the top made only of linked places ("[Bellevue, WA](...) • [Seattle, WA](...)") is a
location line too. A list of "City, ST." sentences ("Rahway, NJ. West Point, PA.") gives
every city. When the text lists the raw location's places and more, the text's list wins
(the board shows one of them).
A country-only entry is dropped when a more precise entry in the same country exists.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spiders.enrich.places import board_code, parse_location, strip_work_mode
from spiders.enrich.text import lines_with
from store.models import Location
from store.places import CITY_STATES, country_code, regions_named

# Labels of a location line in the languages of our sources: "Standort:", "Locatie:", "Lieu :".
_LABELS = (r"locations?|standort|arbeitsort|einsatzort|dienstort|arbeitsplatz|ort|locatie|"
           r"standplaats|werklocatie|werkplek|vestiging|plaats|lieu|localisation|ubicaci[oó]n|sede")
_LINE = re.compile(
    r"^[ \t*•\-]*(?:(?:potential|possible|available|internship|job|work|office|primary|position|"
    r"role|placement)\s+){0,2}"
    r"(?:" + _LABELS + r")\s*(?:\([^)]*\))?\s*[:\-–]"
    r"\s*(?P<a>[^\n]{2,120})$"
    r"|^[ \t*•\-]*(?:hybrid|remote|on-?site|in[- ]office)\s*(?:\([^)]*\))?\s*:\s*(?P<h>[^\n]{2,120})$"
    r"|\b(?:positions|roles|internships|jobs|interns|placements)\s+(?:are|will\s+be)\s+"
    r"(?:located|based)\s+(?:in|at|out\s+of)\s+(?:our\s+)?(?P<i>[^.\n;]{2,80})"
    r"|^[ \t*•\-]*(?:where|based\s+in)\s*:\s*(?P<b>[^\n]{2,120})$"
    r"|\b(?:this|the)\s+(?:role|position|internship|job|opportunity|placement)\s+(?:is|will\s+be)"
    r"\s+(?:located|based)\s+(?:in|at|out\s+of)\s+(?:our\s+)?(?P<c>[^.\n;]{2,80})"
    r"|\byou\s+will\s+be\s+based\s+(?:in|at|out\s+of)\s+(?:our\s+)?(?P<d>[^.\n;]{2,80})"
    r"|^[ \t*•\-]*based\s+in\s+(?P<e>[^.\n;]{2,80})"
    r"|\bbased\s+in\s+our\s+(?P<f>[A-Z][\w'’ -]{1,40}?)\s+(?:office|studio|hub)\b",
    re.IGNORECASE | re.MULTILINE,
)
# "join our payments team in Singapore", "this internship in Berlin": a capitalised place
# right after the opening's own noun (tried only when no location line names a place).
_IN_PLACE = re.compile(
    r"\b(?i:team|internship|position|role|job|opportunity|placement|office|kantoor|büro)\s+"
    r"(?:(?:is\s+)?(?:located|based)\s+)?in\s+(?P<g>[A-Z][\w'’-]+(?:[ ,]+[A-Z][\w'’-]+){0,2})"
)
_OFFICE_WORDS = re.compile(r"\b(?:office|offices|hq|headquarters|campus|studio|our)\b\s*",
                           re.IGNORECASE)
# A period ends a sentence unless it ends "St." / "Mt." / "Ft." ("St. Petersburg, FL").
_NOT_ABBR = r"(?<!\bSt)(?<!\bMt)(?<!\bFt)"
_SENTENCE_END = re.compile(_NOT_ABBR + r"\.\s+[A-Z]|\.$")
_SENTENCES = re.compile(_NOT_ABBR + r"\.\s+(?=[A-Z])")
# A heading with nothing after it: the places are on the lines below.
_HEADING = re.compile(
    r"^[\W_]*(?:(?:potential|possible|available|internship|job|work|office|primary)\s+){0,2}"
    r"(?:" + _LABELS + r")[\W_]*$"
    r"|^[\W_]*locations?\b[^\n]{0,60}:[\W_]*$"
    r"|\bfollowing\s+(?:office\s+)?locations?\s*:[\W_]*$",
    re.IGNORECASE,
)
# "CA (Berkeley, Culver City)" / "Texas (Austin)": a region and its cities.
_REGION_CITIES = re.compile(r"^(?P<r>[A-Z][A-Za-z .]{1,30}?)\s*\((?P<c>[^)]{2,400})\)$")
_MD_LINK = re.compile(r"\[([^\]]{1,80})\]\([^)]*\)")
_BULLETS = re.compile(r"^[\s*•\-#>]+|[\s*]+$")
# "In this role you can work from Remote, United States": the places follow the verb.
_LEAD_IN = re.compile(r"^[^,:\n]{0,60}?\b(?:work|be\s+based|be\s+located|live)\s+(?:from|in|at|out\s+of)\s+",
                      re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*(?:•|\||;|\s/\s)\s*")


def _dedupe(found: list[Location]) -> list[Location]:
    precise = {loc.country for loc in found if loc.city or loc.region}
    out: list[Location] = []
    for loc in found:
        if not (loc.city or loc.region) and loc.country in precise:
            continue
        if loc not in out:
            out.append(loc)
    return out


_POSTCODE = re.compile(r"[\s,–-]+\d{4,6}\s*$")


@lru_cache(maxsize=4096)
def _parse_phrase(phrase: str, board: bool = False) -> tuple[Location, ...]:
    """The places a phrase names. Cached: a board repeats the same few location strings,
    parsing one costs ~50 µs, and the result depends on the phrase alone (frozen Locations)."""
    code = board_code(phrase.strip()) if board else None
    if code is not None:  # a board's line that is only a country code: "IN", "GB"
        return (Location(city=CITY_STATES.get(code), region=None, country=code),)
    phrase = _POSTCODE.sub("", phrase)  # "Pune – 411015"
    sentences = [s.strip(" .") for s in _SENTENCES.split(phrase)]
    if len(sentences) > 1 and all(0 < len(s) <= 40 for s in sentences):
        listed = [_parse_phrase(s) for s in sentences]
        if all(listed):  # "Rahway, NJ. West Point, PA. Austin, TX."
            return tuple(loc for found in listed for loc in found)
    end = _SENTENCE_END.search(phrase)
    if end:
        phrase = phrase[: end.start()]
    phrase = _OFFICE_WORDS.sub(" ", strip_work_mode(phrase)).strip(" .")
    if "," not in phrase and phrase.count(" - ") >= 2:
        # Workday: "USA - New Jersey - Rahway", "USA - Pennsylvania - North Wales (Site)"
        phrase = re.sub(r"\s*\([^)]*\)", "", phrase).replace(" - ", ", ")
    elif "," not in phrase and phrase.count(" : ") >= 2:
        phrase = ", ".join(reversed(phrase.split(" : ")[:3]))  # "Canada : Ontario : Toronto"
    elif "," not in phrase and phrase.count("-") >= 2 and country_code(phrase.split("-")[0]):
        # "United States-California-San Diego", "USA-MI-Ann Arbor-KLA" (a site name last)
        phrase = ", ".join(reversed(phrase.split("-")[:3]))
    found = parse_location(phrase, board)
    words = phrase.split()
    if not found and "," not in phrase and 2 <= len(words) <= 5:
        for k in (1, 2, 3):  # "Ghaziabad Uttar Pradesh": a city and its region, no comma
            if len(words) > k and regions_named(" ".join(words[-k:])):
                found = parse_location(" ".join(words[:-k]) + ", " + " ".join(words[-k:]), board)
                break
    if not found and "," in phrase:
        for piece in phrase.split(","):
            found.extend(parse_location(piece, board))
    if not found:
        # "Paris dans le 18ème", "East Orlando, FL at the Mission Systems facility": the
        # place, then words about the site
        cut = _TRAILER.search(phrase)
        if cut and cut.start() > 1:
            found = list(_parse_phrase(phrase[: cut.start()], board))
    return tuple(found)


_TRAILER = re.compile(r"\s+(?:at|near|dans|im|in\s+(?:the|our|a)|within|on\s+the|with|for|"
                      r"bei|nahe|bij|op)\s", re.IGNORECASE)


def locations_from_raw(raw_locations: list[str]) -> list[Location]:
    """Every place the raw location strings name, in order, without duplicates."""
    found: list[Location] = []
    for raw in raw_locations:
        found.extend(_parse_phrase(raw, board=True))
    return _dedupe(found)


def _parse_line(line: str) -> list[Location]:
    """The places of one line of a location list (see module doc); [] when it names none."""
    line = _LEAD_IN.sub("", _BULLETS.sub("", _MD_LINK.sub(r"\1", line)).strip())
    if not line or len(line) > 400:
        return []
    m = _REGION_CITIES.match(line)
    if m:
        found: list[Location] = []
        for city in m["c"].split(","):
            found.extend(_parse_phrase(f"{city.strip()}, {m['r'].strip()}"))
        return found
    found = []
    for piece in _LIST_SPLIT.split(line):
        piece = piece.strip(" *")
        if piece:
            found.extend(_parse_phrase(piece))
    return found


def _is_prose(line: str) -> bool:
    return len(line) > 150 or (line.rstrip(" *").endswith(".") and len(line.split()) > 6)


def _under_heading(text: str, start: int) -> list[Location]:
    """Places on the lines after a location heading, until a line names none."""
    found: list[Location] = []
    for line in text[start:start + 3000].split("\n")[1:40]:
        if not line.strip(" *") or (not found and _is_prose(line)):
            continue  # blank, or a sentence between the heading and its list
        places = _parse_line(line)
        if not places:
            break
        found.extend(places)
    return found


def _linked_places(text: str) -> list[Location]:
    """A line near the top made only of linked places: "[Bellevue, WA](url) • [Seattle, WA](url)"."""
    for line in text[:1500].split("\n")[:12]:
        if line.count("](") >= 2 and not _MD_LINK.sub("", line).strip(" *•|,;/"):
            places = [_parse_phrase(m[1]) for m in _MD_LINK.finditer(line)]
            if all(places):
                return [loc for found in places for loc in found]
    return []


def _listed(text: str) -> list[Location]:
    """Places of a location list: under a location heading, or a linked place line."""
    for line in lines_with(text, _LABEL_KEYS):
        if _HEADING.search(line):
            found = _under_heading(text, text.find(line))
            if found:
                return _dedupe(found)
    if "](" in text[:1500]:
        found = _linked_places(text)
        if found:
            return _dedupe(found)
    return []


def locations_from_text(text: str) -> list[Location]:
    """Places from the first location line of ``text`` (see module doc); [] when none."""
    found = _listed(text)
    if found:
        return found
    for line in lines_with(text, _LINE_KEYS):
        for m in _LINE.finditer(line):
            phrase = next(g for g in m.groups() if g)
            places = _parse_phrase(phrase)
            if places:
                return _dedupe(list(places))
    for line in lines_with(text, _IN_KEYS):
        for m in _IN_PLACE.finditer(line):
            places = _parse_phrase(m["g"])
            if places:
                return _dedupe(list(places))
    for line in lines_with(text, ("government", "govt")):
        # a government's own internship is in its country: "Government of India", "Govt. of India"
        for m in _GOVERNMENT.finditer(line):
            code = country_code(m["n"] or m["m"])
            if code is not None:
                return [Location(city=CITY_STATES.get(code), region=None, country=code)]
    return _only_country(text)


# Capitalised names of one to three words: the candidates :func:`_only_country` looks up.
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}\b")


#: country_code of a capitalised phrase, remembered: the same few words recur in every text
_country_named = lru_cache(maxsize=8192)(country_code)


def _only_country(text: str) -> list[Location]:
    """The one country (or city-state) a text names, at least twice and no other, when no
    line states the job's place: a ministry's page that says "Singapore" throughout."""
    named: dict[str, int] = {}
    for m in _CAPITALISED.finditer(text[:3000]):
        words = m[0].split()
        for k in range(len(words), 0, -1):  # "United Kingdom" before "United"
            code = _country_named(" ".join(words[:k])) if len(words[0]) > 3 or k > 1 else None
            if code is not None:
                named[code] = named.get(code, 0) + 1
                break
    if len(named) == 1:
        code, count = next(iter(named.items()))
        if count >= 2:
            return [Location(city=CITY_STATES.get(code), region=None, country=code)]
    return []


_GOVERNMENT = re.compile(r"\b(?:Government|Govt\.?)\s+of\s+(?:the\s+)?(?P<n>[A-Z][\w ]{1,30}?)\b(?=[,.)\s]|$)"
                         r"|\b(?P<m>[A-Z][a-z]+)\s+(?:Government|Govt\.?)\b")


def locations(raw_locations: list[str], text: str) -> list[Location]:
    """The raw strings' places, or the text's list when it holds those and more; else the
    text's places (see module doc)."""
    raw = locations_from_raw(raw_locations)
    if not raw:
        return locations_from_text(text)
    if all(loc.city is None and loc.region is None for loc in raw):
        # the board names only countries ("IN"): the text's places in those countries say more
        countries = {loc.country for loc in raw}
        precise = locations_from_text(text)
        if precise and all(loc.country in countries and (loc.city or loc.region)
                           for loc in precise):
            return precise
        return raw
    if "ocation" not in text:
        return raw
    listed = _listed(text)
    if not listed:
        for line in lines_with(text, ("location",)):
            for m in _LINE.finditer(line):
                listed = list(_parse_phrase(next(g for g in m.groups() if g)))
                break
            if listed:
                break
    return listed if len(listed) > len(raw) and all(loc in listed for loc in raw) else raw


# Keys of the lines _HEADING and _LINE may match (found in the pass the fields share).
_LABEL_KEYS = ("location", "standort", "arbeitsort", "einsatzort", "dienstort", "arbeitsplatz",
               "ort:", "ort :", "locatie", "standplaats", "werklocatie", "werkplek", "vestiging",
               "plaats", "lieu", "localisation", "ubicaci", "sede")
_LINE_KEYS = (*_LABEL_KEYS, "based", "where", "located", "hybrid", "remote", "on-site", "onsite",
              "in-office", "in office")
_IN_KEYS = ("kantoor in ", "büro in ", "team in ", "internship in ", "position in ", "role in ", "job in ",
            "opportunity in ", "placement in ", "office in ", "located in ", "based in ")
