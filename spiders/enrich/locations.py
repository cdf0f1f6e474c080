"""Where the job is: from the raw location strings, else from a location line of the text.

Text is read only when the raw location strings name no place we understand (none given,
or "North America Only", "Multiple Locations"), and only from lines that state
this job's place ("Location: Singapore", "Office location: ...", "This role is based in
London", "Based in London or remote (UK)"), else from "our team in Singapore" / "this
internship in Berlin" (a known place right after the opening's noun). Sentences about the company ("offices in
London, Dublin, Paris", "headquartered in Toronto") are never read.
A country-only entry is dropped when a more precise entry in the same country exists.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spiders.enrich.places import parse_location, strip_work_mode
from spiders.enrich.text import lines_with
from store.models import Location

_LINE = re.compile(
    r"^[ \t*•\-]*(?:job\s+|work\s+|office\s+|primary\s+)?locations?\s*(?:\([^)]*\))?\s*[:\-–]"
    r"\s*(?P<a>[^\n]{2,120})$"
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
    r"\b(?:team|internship|position|role|job|opportunity|placement|office)\s+"
    r"(?:(?:is\s+)?(?:located|based)\s+)?in\s+(?P<g>[A-Z][\w'’-]+(?:[ ,]+[A-Z][\w'’-]+){0,2})"
)
_OFFICE_WORDS = re.compile(r"\b(?:office|offices|hq|headquarters|campus|studio|our)\b\s*",
                           re.IGNORECASE)
_SENTENCE_END = re.compile(r"\.\s+[A-Z]|\.$")


def _dedupe(found: list[Location]) -> list[Location]:
    precise = {loc.country for loc in found if loc.city or loc.region}
    out: list[Location] = []
    for loc in found:
        if not (loc.city or loc.region) and loc.country in precise:
            continue
        if loc not in out:
            out.append(loc)
    return out


@lru_cache(maxsize=4096)
def _parse_phrase(phrase: str) -> tuple[Location, ...]:
    """The places a phrase names. Cached: a board repeats the same few location strings,
    parsing one costs ~50 µs, and the result depends on the phrase alone (frozen Locations)."""
    end = _SENTENCE_END.search(phrase)
    if end:
        phrase = phrase[: end.start()]
    phrase = _OFFICE_WORDS.sub(" ", strip_work_mode(phrase)).strip(" .")
    if "," not in phrase and phrase.count(" - ") >= 2:
        phrase = phrase.replace(" - ", ", ")  # Workday: "USA - New Jersey - Rahway"
    found = parse_location(phrase)
    if not found and "," in phrase:
        for piece in phrase.split(","):
            found.extend(parse_location(piece))
    return tuple(found)


def locations_from_raw(raw_locations: list[str]) -> list[Location]:
    """Every place the raw location strings name, in order, without duplicates."""
    found: list[Location] = []
    for raw in raw_locations:
        found.extend(_parse_phrase(raw))
    return _dedupe(found)


def locations_from_text(text: str) -> list[Location]:
    """Places from the first location line of ``text`` (see module doc); [] when none."""
    for line in lines_with(text, ("location", "based", "where")):
        for m in _LINE.finditer(line):
            phrase = next(g for g in m.groups() if g)
            found = _parse_phrase(phrase)
            if found:
                return _dedupe(list(found))
    for line in lines_with(text, _IN_KEYS):
        for m in _IN_PLACE.finditer(line):
            found = _parse_phrase(m["g"])
            if found:
                return _dedupe(list(found))
    return []


_IN_KEYS = ("team in ", "internship in ", "position in ", "role in ", "job in ",
            "opportunity in ", "placement in ", "office in ", "located in ", "based in ")
