"""Application deadline: ``YYYY-MM-DD``, ``rolling`` or unknown.

Dates after a deadline phrase ("Application deadline:", "apply by", "applications close
(on)", "closing date", "deadline to apply", "submit ... by", "no later than") in the forms
"15 January 2027", "January 15, 2027", "Jan 15th", "2027-01-15", "15/01/2027",
"21st October'2027"; also "Last date of application submission for Internship is ...",
"applicationDue 31 Oct 2027".
A numeric date is read month-first for a US posting ("01/15/2027") and day-first elsewhere
("15/01/2027"), unless only one reading is a valid date.
A date without a year is the next such day on or after the posting date.
"Rolling" ("Application Deadline: Rolling", "applications are reviewed on a rolling basis",
"open until filled", "accepted on an ongoing basis") gives ``rolling`` when no date is
stated. "Job Posting End Date: 10/28/2024" on a Workday page that says the posting is
effective until the day before that date gives 2024-10-27. A date about graduating,
completing a degree or starting ("graduation date no later than December 2026") is not a
deadline.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from spiders.enrich.text import MONTH_RE, fast_regex, month, windows

_TRIGGER = (r"(?:application\s+deadline|deadline(?:\s+(?:to|for)\s+(?:apply|applications?))?|"
            r"apply\s+(?:latest\s+)?(?:by|before|until|till|on\s+or\s+before)|"
            r"applications?\s+(?:for\s+[^.\n]{0,40}?\s+)?(?:will\s+)?"
            r"(?:close|closes|closing|are\s+closed|are\s+due|due|must\s+be\s+(?:received|submitted)\s+by)|"
            r"(?:application\s+)?closing\s+(?:date|on)|closes\s+on|"
            r"no\s+later\s+than|on\s+or\s+before|(?:submit|send)\s+[^.\n]{0,40}?\s+by|"
            r"last\s+(?:date|day)\s+(?:to\s+apply|for\s+(?:applications?|submission|applying)|"
            r"of\s+application(?:\s+submission)?(?:\s+for\s+[^.\n\d]{0,30}?)?)|last\s+date\s*:|"
            r"application\s*due|applications?\s+(?:are\s+|will\s+be\s+)?(?:open|accepted|received)"
            r"\s+(?:until|till)|valid\s+through|(?:job\s+)?posting\s+end\s+date|"
            r"bewerbungs(?:schluss|frist|ende)|einsendeschluss|"
            r"(?:bewirb|bewerben|bewerbung(?:en)?)\s+[^.\n\d]{0,30}?bis(?:\s+(?:spätestens\s+)?zum)?|"
            r"sluitingsdatum|(?:reageer|reageren|solliciteer|solliciteren|sollicitaties?)\s+"
            r"[^.\n\d]{0,30}?(?:tot(?:\s+en\s+met)?|voor|uiterlijk(?:\s+op)?))")
# words between the trigger and the date, and a time of day ("is 5pm on", "at 11:59 PM on")
_GAP = (r"[^.\n\d]{0,25}?(?:\d{1,2}(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?|uhr|hrs)\b"
        r"[^.\n\d]{0,15}?)?")
#: English, German and Dutch month names ("15. März 2026", "1 maart 2026", "15th July, 2025").
MONTH_NAMES: dict[str, int] = {
    "januar": 1, "jänner": 1, "januari": 1, "februar": 2, "februari": 2, "märz": 3, "maerz": 3,
    "mär": 3, "maart": 3, "mrt": 3, "mai": 5, "mei": 5, "juni": 6, "juli": 7, "augustus": 8,
    "oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
}
MONTHS_ANY = (r"(?:januar|jänner|januari|februar|februari|märz|maerz|maart|mär|mrt|mai|mei|juni|juli|"
           rf"augustus|oktober|okt|dezember|dez|{MONTH_RE})\.?")
_DMY = (rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th|\.)?\s+(?:of\s+)?(?P<m1>{MONTHS_ANY}),?\s*['’]?"
        rf"(?P<y1>20\d{{2}})?")
_MDY = rf"(?P<m2>{MONTHS_ANY})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s*(?P<y2>20\d{{2}}))?"
_ISO = r"(?P<iy>20\d{2})-(?P<im>\d{2})-(?P<id>\d{2})"
_NUM = r"(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<c>20\d{2}|\d{2})\b"
# The first argument of fast_regex: the letters the pattern's alternatives start with.
_DATED = fast_regex(
    "abcdejlnoprsuv",
    rf"\b{_TRIGGER}\s*(?:is|:|-|–|on|by|of)?{_GAP}(?:(?:{_ISO})|(?:{_NUM})|(?:{_DMY})|(?:{_MDY}))",
    re.IGNORECASE,
)
_ROLLING = fast_regex(
    "abcdnorsu",
    r"\b(?:(?:deadline|applications?\s+close|closing\s+date)\s*(?:is|:|-|–)?\s*(?:on\s+a\s+)?"
    r"rolling|rolling\s+(?:basis|admissions?|deadline|applications?|intake|recruitment)|"
    r"(?:open\s+)?until\s+(?:the\s+(?:role|position|vacancy)\s+is\s+)?filled|"
    r"on\s+an\s+ongoing\s+basis|(?:bewerbungs(?:frist|schluss)|deadline)\s*:\s*(?:fort)?laufend|"
    r"bewerbungen\s+werden\s+(?:fort)?laufend|(?:sollicitaties|reacties)\s+worden\s+doorlopend|"
    r"doorlopende\s+werving|(?:accepts?|accepting|accepted|reviews?|reviewed|review\s+of)\s+"
    r"applications\s+(?:are\s+)?(?:year[- ]round|all\s+year|throughout\s+the\s+year)|"
    r"no\s+(?:set\s+|fixed\s+)?(?:due\s+date|deadline|closing\s+date))",
    re.IGNORECASE,
)
# Dates about something else than applying, read just before the trigger.
_NOT_APPLICATION = re.compile(
    r"graduat\w*\s+(?:date\s+)?(?:no\s+later|by|before)|(?:degree|studies)\s+(?:no\s+later|by)|"
    r"complet\w+\s+(?:\w+\s+){0,3}?(?:no\s+later|by)|start\w*\s+(?:date\s+)?(?:no\s+later|by)|"
    r"(?:enrolled|available)\s+(?:\w+\s+){0,3}?(?:no\s+later|by)|"
    r"priority\s+(?:consideration|deadline|date)|early\s+(?:bird|consideration)",
    re.IGNORECASE,
)
# Workday pages: "A job posting is effective until 11:59:59PM on the day BEFORE the listed
# job posting end date": the last day to apply is the day before the date shown.
_DAY_BEFORE = re.compile(r"day\s+before\s+the\s+listed\s+job\s+posting\s+end\s+date", re.IGNORECASE)
_KEYS = ("posting end date", "deadline", "apply", "applica", "closing", "rolling", "until", "later than",
         "valid through", "submit", "send", "due", "last date", "last day", "or before",
         "bewerbungsschluss", "bewerbungsfrist", "bewerbungsende", "bewirb dich", "bewerben",
         "bewerbung bis", "bewerbungen", "einsendeschluss", "sluitingsdatum", "reageren",
         "solliciteer", "sollicitatie", "reageer", " till ", "laufend", "doorlopend", "due date")


def month_any(token: str) -> int:
    """Month number of an English, German or Dutch month name matched by MONTHS_ANY."""
    key = token.lower().rstrip(".")
    return MONTH_NAMES[key] if key in MONTH_NAMES else month(key)


def _make(year: int, month_: int, day: int) -> date | None:
    try:
        return date(year, month_, day)
    except ValueError:
        return None


def _without_year(month_: int, day: int, reference: datetime) -> date | None:
    candidate = _make(reference.year, month_, day)
    if candidate is None:
        return None
    if candidate < reference.date():
        candidate = _make(reference.year + 1, month_, day)
    return candidate


def deadline(text: str, reference: datetime, us_style: bool) -> str | None:
    """``YYYY-MM-DD`` of the stated deadline, ``rolling``, or None (see module doc)."""
    near = windows(text, _KEYS, 60, 120)
    for window, m in ((w, m) for w in near for m in _DATED.finditer(w)):
        if _NOT_APPLICATION.search(window, max(0, m.start() - 90), m.start() + 40):
            continue  # "graduation date no later than December 2026"
        found: date | None = None
        if m["iy"]:
            found = _make(int(m["iy"]), int(m["im"]), int(m["id"]))
        elif m["a"]:
            a, b = int(m["a"]), int(m["b"])
            year = int(m["c"]) + (2000 if len(m["c"]) == 2 else 0)
            day_first = _make(year, b, a)
            month_first = _make(year, a, b)
            if day_first and month_first and a != b:
                found = month_first if us_style else day_first
            else:
                found = day_first or month_first
        elif m["m1"]:
            d, mo = int(m["d1"]), month_any(m["m1"])
            found = (_make(int(m["y1"]), mo, d) if m["y1"]
                     else _without_year(mo, d, reference))
        elif m["m2"]:
            d, mo = int(m["d2"]), month_any(m["m2"])
            found = (_make(int(m["y2"]), mo, d) if m["y2"]
                     else _without_year(mo, d, reference))
        if found is not None:
            if _DAY_BEFORE.search(text):
                found -= timedelta(days=1)  # Workday: "effective until ... the day BEFORE"
            return found.isoformat()
    if any(_ROLLING.search(chunk) for chunk in near):
        return "rolling"
    return None
