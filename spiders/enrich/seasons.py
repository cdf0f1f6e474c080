"""Seasons ("Summer 2027") an internship runs in.

A season counts when a year is next to it ("Summer 2027", "Fall '26", "2027 Summer",
"Spring/Summer 2027"), when a short month range with a year gives it ("May - Aug 2027",
"June to August 2027" = Summer; "September - December 2027" = Fall; "January - April
2027" = Winter), or when it qualifies the opening ("12-week summer internship", "Summer
Analyst programme", "winter interns", "this summer"): "summer Fridays" is a perk, not a
season.
Seasons with a year are collected from the title and the description together; a season
without a year is read only when no season with a year is stated anywhere.

German and Dutch season words count the same ("Herbst 2026", "Sommer 2026", "najaar van
2026"); "Wintersemester 2026/27" is a study term, not a season. A start stated as a field
("Start: September 2026", "Start date: May 2024", "ab 01.10.2026", "per 1 september 2026")
gives the season it starts in when no season is named (an August or December start stays
unknown); prose ("12 weeks starting June 2027") does not. A past cohort ("we have taken
hundreds of summer interns") and a summer across two years ("our 2016/17 Summer
Internship", the southern hemisphere's) are not the opening's season.

Unstated year: the next such season that has not started by the posting date (else
``now``): seasons start in January (Winter), March (Spring), June (Summer) and September
(Fall). A summer internship posted in March 2027 is Summer 2027; one posted in August
2026 is Summer 2027 too, because recruiting for Summer 2026 is over. "Autumn" is written
"Fall"; "Winter 2027" is the January-March term of 2027.

A season next to a graduation phrase ("graduating in Spring 2027"), after "start in the"
("placements start in the summer of 2027": a year-long placement), or a school term the
student must be in ("returning to school in the Fall of 2027", "enrolled full time in Fall
2027", "as of Fall 2026") is not the internship's season, nor is one the posting rules out
("Spring and Fall 2027 internships are not available"). "Internships are for 12 weeks
during summer" qualifies the opening like "this summer".
"""

from __future__ import annotations

import re
from datetime import datetime

from spiders.enrich.deadline import MONTHS_ANY, month_any
from spiders.enrich.text import MONTH_RE, month, two_digit_year, windows

_SEASON = (r"(?:summer|fall|autumn|winter|spring|sommer|herbst|frühjahr|frühling|zomer|najaar|"
           r"voorjaar|herfst)")
_YEAR = r"(?:20\d{2}|['’]\d{2})"
_SEASON_YEAR = re.compile(
    rf"\b({_SEASON}(?:\s*(?:/|&|and|und|en|-|–|or|oder|of|\+)\s*{_SEASON})*)"
    rf"(?:\s+(?:term|semester|of|van)\s+|\s*)({_YEAR})\b(?!\s*(?:-|–|/)\s*\d)",
    re.IGNORECASE,
)
_YEAR_SEASON = re.compile(
    rf"\b(20\d{{2}})\s+({_SEASON}(?:\s*(?:/|&|and|or)\s*{_SEASON})*)\b", re.IGNORECASE
)
_SEASON_ROLE = re.compile(
    rf"\b({_SEASON}(?:\s*(?:/|&|and|or)\s*{_SEASON})*)\s+(?:\d+[- ]weeks?\s+)?"
    r"(?:[A-Za-z]+\s+){0,2}?"
    r"(?:intern(?:ship)?s?|co-?ops?|placements?|analysts?|associates?|program(?:me)?|"
    r"term|semester|cohort|students?)\b",
    re.IGNORECASE,
)
_THIS_SEASON = re.compile(
    rf"\b(?:(?:this|next|the\s+coming)\s+|internships?\s+(?:are|is|will\s+be|runs?)\b[^.\n]{{0,60}}?"
    rf"\bduring\s+(?:the\s+)?)({_SEASON})\b",
    re.IGNORECASE)
_MONTH_RANGE = re.compile(
    rf"\b({MONTH_RE})\s*(?:\d{{1,2}}\s*)?(?:-|–|to|through|until)\s*({MONTH_RE})\s*"
    r"(?:\d{1,2},?\s*)?(20\d{2})\b",
    re.IGNORECASE,
)
# "Start: September 2026", "ab 01.10.2026", "Start date: May 2024": a start stated as a
# field (or German/Dutch "ab"/"vanaf"), not in prose ("12 weeks starting June 2027" names no
# term): the season the opening starts in (May-July Summer, September-November Fall,
# January-February Winter, March-April Spring; an August or December start is left unknown).
_START = re.compile(
    r"\b(?:(?:start(?:ing)?(?:\s+date)?|beginn\w*|starttermin|eintritt\w*|einstieg|startdatum|"
    r"aanvang|internship\s+start)\s*[:\-–]\s*|(?:ab|vanaf|per)\s+)(?:dem\s+|the\s+)?"
    r"(?:early\s+|mid-?\s*|late\s+|anfang\s+|mitte\s+|ende\s+|begin\s+)?"
    rf"(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\.?\s*)?(?P<m>{MONTHS_ANY})\s+(?P<y>20\d\d)\b|"
    r"(?:\d{1,2})\.(?P<mm>\d{1,2})\.(?P<yy>20\d\d)\b)",
    re.IGNORECASE,
)
_START_SEASON = {1: "Winter", 2: "Winter", 3: "Spring", 4: "Spring", 5: "Summer", 6: "Summer",
                 7: "Summer", 9: "Fall", 10: "Fall", 11: "Fall"}
# precise keys: "start", "ab " and "per " alone are in most postings
_START_KEYS = ("start:", "start -", "start date", "starting:", "startdatum", "starttermin", "beginn",
               "eintritt", "einstieg", "aanvang", "vanaf", "ab 0", "ab 1", "ab 2", "ab 3",
               "ab dem", "per 0", "per 1", "per 2", "per 3",
               *(f"ab {m}" for m in ("jan", "feb", "mär", "mar", "apr", "mai", "may", "jun", "jul",
                                     "aug", "sep", "okt", "oct", "nov", "dez", "dec")))
_NAME = {"summer": "Summer", "fall": "Fall", "autumn": "Fall", "winter": "Winter",
         "spring": "Spring", "sommer": "Summer", "herbst": "Fall", "frühjahr": "Spring",
         "frühling": "Spring", "zomer": "Summer", "najaar": "Fall", "herfst": "Fall",
         "voorjaar": "Spring"}
_START_MONTH = {"Winter": 1, "Spring": 3, "Summer": 6, "Fall": 9}
_SPLIT = re.compile(r"\s*(?:/|&|\band\b|\bund\b|\ben\b|\boder\b|\bof\b|-|–|\bor\b|\+)\s*",
                    re.IGNORECASE)
# A season right after these words is a graduation date or a start date, not a term.
_NOT_A_TERM_BEFORE = re.compile(
    r"(?:(?:graduat\w*|class\s+of|degree|complet\w*)\b[^.\n]{0,50}|start\w*\s+in\s+the\s+|"
    r"(?:returning\s+to\s+(?:school|university|college|campus|studies)|enrolled\b[^.\n]{0,30}|"
    r"as\s+of)\s+(?:in\s+)?(?:the\s+)?|"
    # past cohorts ("we have taken hundreds of summer interns") and a southern-hemisphere
    # summer across two years ("our 2016/17 Summer Internship")
    r"\b(?:have|has|had)\s+(?:taken|hosted|had|welcomed|trained|employed)\s+(?:[\w-]+\s+){0,3}|"
    r"\b20\d\d\s*/\s*\d\d\s+)$",
    re.IGNORECASE,
)
# "Spring and Fall 2026 internships are not available": seasons the posting rules out.
_NOT_OFFERED_AFTER = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}?(?:are|is)\s+not\s+(?:available|offered|open)", re.IGNORECASE)
_CROSS_YEAR = re.compile(rf"\b20\d\d\s*/\s*\d\d\s+{_SEASON}\b", re.IGNORECASE)
_KEYS = ("summer", "fall", "autumn", "winter", "spring", "sommer", "herbst", "frühjahr",
         "frühling", "zomer", "najaar", "voorjaar", "herfst")
_YEAR_KEYS = ("202", "203")  # a month range counts only with its year


def _season_of_months(first: int, last: int) -> str | None:
    """The season a short span of months is (inclusive, same year); None when not one."""
    if not 0 <= last - first <= 3:
        return None
    if 5 <= first <= 8 and 7 <= last <= 9:
        return "Summer"
    if first >= 9:
        return "Fall"
    if first == 1 and last <= 4:
        return "Winter"
    return None


def _names(group: str) -> list[str]:
    return [_NAME[w.lower()] for w in _SPLIT.split(group) if w.lower() in _NAME]


def _add(found: list[str], value: str) -> None:
    if value not in found:
        found.append(value)


def _not_a_term(text: str, start: int, end: int | None = None) -> bool:
    if end is not None and _NOT_OFFERED_AFTER.match(text, end, min(len(text), end + 50)):
        return True
    return bool(_NOT_A_TERM_BEFORE.search(text[max(0, start - 50) : start]))


def _with_year(chunks: list[str], found: list[str]) -> None:
    for text in chunks:
        for m in _SEASON_YEAR.finditer(text):
            if _not_a_term(text, m.start(), m.end()):
                continue
            for name in _names(m.group(1)):
                _add(found, f"{name} {two_digit_year(m.group(2))}")
        for m in _YEAR_SEASON.finditer(text):
            if _not_a_term(text, m.start()):
                continue
            for name in _names(m.group(2)):
                _add(found, f"{name} {m.group(1)}")


def _from_months(chunks: list[str], found: list[str]) -> None:
    for text in chunks:
        for m in _MONTH_RANGE.finditer(text):
            if _not_a_term(text, m.start()):
                continue
            name = _season_of_months(month(m.group(1)), month(m.group(2)))
            if name:
                _add(found, f"{name} {m.group(3)}")


def _from_start(chunks: list[str], found: list[str]) -> None:
    for text in chunks:
        m = _START.search(text)
        if m is None:
            continue
        number = month_any(m["m"]) if m["m"] else int(m["mm"])
        name = _START_SEASON.get(number)
        if name:
            _add(found, f"{name} {m['y'] or m['yy']}")
            return


def seasons(title: str, description: str, reference: datetime) -> list[str]:
    """Seasons of the opening (see module doc); [] when none is stated."""
    chunks = [title, *windows(description, _KEYS, 60, 40)]
    found: list[str] = []
    _with_year(chunks, found)
    if not found:
        _from_months([title, *windows(description, _YEAR_KEYS, 40, 6)], found)
    if not found:
        _from_start([title, *windows(description, _START_KEYS, 0, 60)], found)
    if found:
        return found
    if any(_CROSS_YEAR.search(text) for text in chunks):
        return []  # "our 2016/17 Summer Internship": a southern-hemisphere summer, no one year
    for text in chunks:
        matches = [*_SEASON_ROLE.finditer(text), *_THIS_SEASON.finditer(text)]
        for m in matches:
            if _not_a_term(text, m.start()):
                continue
            for name in _names(m.group(1)):
                later = reference.month >= _START_MONTH[name]
                _add(found, f"{name} {reference.year + (1 if later else 0)}")
    return found
