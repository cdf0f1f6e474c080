"""Graduation window the posting asks for, as ``Graduation(from, to)`` months ``YYYY-MM``.

- "Expected graduation between December 2026 and September 2027" -> 2026-12 .. 2027-09
- "graduation December 2027 - June 2029", "conferral date between 10/2027 and 09/2028"
- "graduating in 2027", "Class of 2027", "2027 graduates" -> 2027-01 .. 2027-12
- "graduating in May 2027" -> 2027-05 .. 2027-05
- "graduating between 2026 and 2027", "Class of 2027 and 2028" -> 2026-01 .. 2027-12
- "graduating in Fall 2026 or Spring 2027", "completed their degree in 2025 or 2026"
- "graduation date of December 2026 or later", "graduating in or after December 2025"
  -> from the month, to unknown (an open window is kept open); a plain "after December
  2024" starts the month after (2025-01), "after 2024" at 2025-01
- "grad date between May 2028 and May 2029", "Year of Graduation: 2025, 2026",
  "2026 graduating students", "2026 batch students"
- "graduating between December 2025-June 2026" -> 2025-12 .. 2026-06
- "graduating no later than June 2027" / "by June 2027" -> from unknown, to 2027-06
- "final-year students", "recent graduates", "penultimate year" (no year) -> unknown
- dates with days: "expected graduation date between December 1, 2024 and September 30, 2025"
- Indian and UK phrasings: "2025 pass-outs", "students passing out in 2026", "batch of 2026",
  "2026 batch", "achieved your degree by summer 2026"
- several closed windows in one sentence join: "completed their degree in 2024 or 2025,
  and final-year students graduating in 2026" -> 2024-01 .. 2026-12
Seasons count as their months: Spring = 05, Summer = 08, Fall = 12, Winter = 12.
"Graduate programme" / "graduate role" is a job type, not a graduation phrase.
"""

from __future__ import annotations

import re

from spiders.enrich.text import MONTH_RE, fast_regex, month, two_digit_year, windows
from store.models import Graduation

_SEASON_MONTH = {"spring": 5, "summer": 8, "fall": 12, "autumn": 12, "winter": 12}


def _date(n: int) -> str:
    """A "Month YYYY" / "Season YYYY" / "MM/YYYY" / "YYYY" date, groups m{n}, mm{n}, y{n}."""
    return (rf"(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?=[a-z]))?"
            rf"(?:(?P<m{n}>{MONTH_RE}|spring|summer|fall|autumn|winter)\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?"
            rf"(?:of\s+)?|(?P<mm{n}>0?[1-9]|1[0-2])/)?(?P<y{n}>20\d{{2}}))")


_DATE1 = _date(1)
_DATE2 = _date(2)
_TRIGGER = (
    r"(?:graduat(?:ing|ion|e[sd]?\s+(?=in|by|between|from|before|no\s+later|after|during))|"
    r"grad(?:uate)?\s+date|"
    r"class\s+of|conferral|complet\w*\s+(?:(?:your|their|a|the)\s+)?(?:degree|studies)|"
    r"(?:achiev|obtain|receiv|earn|award)\w*\s+(?:your|their|a|the)\s+(?:\w+\s+)?degree|"
    r"pass(?:ing)?[- ]?out|batch\s+of|degree\s+completion|year\s+of\s+passing|"
    r"pass(?:ed|ing)\s+(?:out\s+)?(?:their|your|the)\s+(?:\w+\s+)?(?:degree|exam\w*))"
)
# The letters a trigger starts with (the first argument of fast_regex).
_TRIGGER_FIRST = "abcdegoprwy"
_FILLER = r"(?:[^.\n\d]{0,60}?)"
_RANGE = fast_regex(
    _TRIGGER_FIRST,
    rf"\b{_TRIGGER}{_FILLER}(?:between|from)?\s*{_DATE1}\s*(?:(?:and|to|through|until)\s+|[-–—]\s*)"
    rf"{_DATE2}",
    re.IGNORECASE,
)
_AFTER = fast_regex(
    _TRIGGER_FIRST,
    rf"\b{_TRIGGER}{_FILLER}{_DATE1}\s+(?:or\s+later|or\s+after|and\s+(?:later|after|beyond)|"
    rf"onwards?)",
    re.IGNORECASE,
)
_FROM_ON = fast_regex(
    _TRIGGER_FIRST,
    rf"\b{_TRIGGER}{_FILLER}(?:(?P<on>(?:in|on)\s+or\s+after|no\s+earlier\s+than)|after)\s+"
    rf"{_DATE1}",
    re.IGNORECASE,
)
_BEFORE = fast_regex(
    _TRIGGER_FIRST,
    rf"\b{_TRIGGER}{_FILLER}(?:no\s+later\s+than|by|before|prior\s+to)\s+{_DATE1}",
    re.IGNORECASE,
)
_AT = fast_regex(
    _TRIGGER_FIRST,
    rf"\b{_TRIGGER}{_FILLER}(?:in|of|:|on|date|by)?\s*{_DATE1}(?P<or>(?:\s+or|\s*,)\s+{_DATE2})?",
    re.IGNORECASE,
)
_YEAR_GRADS = re.compile(
    r"\b(20\d{2})\s+(?:graduates|grads|graduating\s+students|batch(?:\s+students)?|"
    r"pass[- ]?outs?|passing\s+out\s+students)\b", re.IGNORECASE)
_AT_YEAR_RANGE = re.compile(
    r"(?:graduat\w*|class\s+of)\s+(?:in\s+)?(20\d{2})\s*(?:-|–|/|or|to|and)\s*(20\d{2}|\d{2})\b",
    re.IGNORECASE,
)
# "degree" alone is in most postings: only the forms a date follows are keys
_KEYS = ("graduat", "class of", "complet", "conferral", "grads", "grad date", "batch",
         "pass out", "passing out", "passed out", "passout", "pass-out", "year of passing",
         "degree by", "degree in 20", "degree between", "degree before", "degree no later",
         "degree completion")


def _month(m: re.Match[str], n: int, default: int) -> int:
    name, number = m[f"m{n}"], m[f"mm{n}"]
    if number:
        return int(number)
    if not name:
        return default
    key = name.lower().rstrip(".")
    return _SEASON_MONTH[key] if key in _SEASON_MONTH else month(key)


def _fmt(year: str, month_: int) -> str:
    return f"{int(year):04d}-{month_:02d}"


def _window(lo: str | None, hi: str | None) -> Graduation:
    return Graduation.model_validate({"from": lo, "to": hi})


def _one(text: str) -> Graduation | None:
    if m := _RANGE.search(text):
        return _window(_fmt(m["y1"], _month(m, 1, 1)), _fmt(m["y2"], _month(m, 2, 12)))
    if m := _AT_YEAR_RANGE.search(text):
        return _window(_fmt(m[1], 1), _fmt(str(two_digit_year(m[2])), 12))
    if m := _AFTER.search(text):
        return _window(_fmt(m["y1"], _month(m, 1, 1)), None)
    if m := _FROM_ON.search(text):
        if m["on"]:
            return _window(_fmt(m["y1"], _month(m, 1, 1)), None)
        # plain "after December 2024" is from the month after (2025-01)
        year, month_ = int(m["y1"]), _month(m, 1, 12) + 1
        if month_ > 12:
            year, month_ = year + 1, 1
        return _window(_fmt(str(year), month_), None)
    if m := _BEFORE.search(text):
        return _window(None, _fmt(m["y1"], _month(m, 1, 12)))
    if m := _AT.search(text):
        if m["or"]:
            return _window(_fmt(m["y1"], _month(m, 1, 1)), _fmt(m["y2"], _month(m, 2, 12)))
        return _window(_fmt(m["y1"], _month(m, 1, 1)), _fmt(m["y1"], _month(m, 1, 12)))
    if m := _YEAR_GRADS.search(text):
        return _window(_fmt(m[1], 1), _fmt(m[1], 12))
    return None


def graduation(text: str) -> Graduation | None:
    """The graduation window stated in ``text``; None when no year is given.

    Several closed windows in one sentence are one window from the first to the last
    ("graduated in 2024 or 2025, and final-year students graduating in 2026" -> 2024-01 ..
    2026-12); otherwise the first stated window counts.
    """
    first: Graduation | None = None
    for chunk in windows(text, _KEYS, 30, 160):
        found = _one(chunk)
        if found is None:
            continue
        if first is None:
            first = found
            sentence = _sentence_of(chunk)
            if sentence and found.from_ and found.to:
                more = [g for g in (_one(part) for part in _PARTS.split(sentence)) if g]
                if len(more) > 1 and all(g.from_ and g.to for g in more):
                    return _window(min(g.from_ for g in more if g.from_),
                                   max(g.to for g in more if g.to))
            return first
    return first


# The parts of a sentence that may each state a window: "... in 2024 or 2025, and ... in 2026".
_PARTS = re.compile(r",\s*(?:and|or)\s+|;\s*|\s+as\s+well\s+as\s+", re.IGNORECASE)


def _sentence_of(chunk: str) -> str:
    """The sentence of ``chunk`` holding its first graduation phrase."""
    m = _ANY.search(chunk)
    if m is None:
        return ""
    start = max(chunk.rfind(". ", 0, m.start()) + 1, chunk.rfind("\n", 0, m.start()) + 1)
    end = min((i for i in (chunk.find(". ", m.end()), chunk.find("\n", m.end())) if i != -1),
              default=len(chunk))
    return chunk[start:end]


_ANY = re.compile(_TRIGGER, re.IGNORECASE)
