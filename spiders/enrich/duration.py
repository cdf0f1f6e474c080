"""Minimum stated length of the opening, in months (``duration_months``).

"Minimum 3 months" = 3, "6-month placement" = 6, "3-6 months internship" = 3,
"12 weeks" = 3 (weeks / 4, so 10 weeks = 2.5), "year-long placement" = 12,
"Duration: 6 months", "(6 mois)", "Stage de 6 mois", "Praktikum für 12 Monate",
"minimaal 2,5 maanden" (a decimal comma), "twelve (12) week", "12 consecutive weeks",
"a 6-month (January–June) paid co-op", "a 12-week, paid, in-person internship", "the
internship will be of 8 to 12 weeks", "the internship duration is one year".
A length counts only next to the opening ("12-week internship", "the internship lasts 10
weeks", "interns spend 12 weeks", "duration", "minimum of", "work term") or, in an
internship posting, after "for" ("join us for six months"): "3+ years of experience",
"within 6 months of graduation" and "every 3 months" are not durations, nor are spans of
something else ("2 weeks to complete the assignment", "a 4-week training period"). Year-based
phrases ("year in industry") count only for internships.
"""

from __future__ import annotations

import re

from spiders.enrich.text import NUMBER_RE, NUMBER_WORDS, fast_regex, number, windows

_N = NUMBER_RE
# What a number can start with; the other first arguments of fast_regex are the first
# letters of their pattern's alternatives.
_N_FIRST = r"\d" + "".join(sorted({word[0] for word in NUMBER_WORDS}))
_UNIT = (r"(?P<u>weeks?|months?|mos?|wks?|semesters?|years?|monate?n?|mois|mesi|meses|"
         r"wochen|semaines|settimane|semanas|maanden|weken)")
_SPAN = (rf"(?P<n>{_N})(?:\s*\(\d{{1,2}}\))?(?:\s*(?:-|–|to|or|and|bis|à|a)\s*(?P<n2>{_N}))?"
         rf"(?:\+)?[\s-]*(?:consecutive\s+|full[- ]time\s+)?{_UNIT}(?![\w-])")
_ROLE = (r"(?:[\w-]+,?\s+){0,3}?(?:intern(?:ship)?s?|placements?|co-?op|programme|program|"
         r"contract|work\s+term|term|apprenticeship|traineeship|stage|"
         r"praktikum|opportunity|summer)\b")
_BEFORE_ROLE = fast_regex(
    _N_FIRST, rf"\b{_SPAN}(?:\s*\([^)]{{0,40}}\))?[\s,-]+(?:long\s+)?{_ROLE}", re.IGNORECASE)
_LABELLED = fast_regex(
    "adflmprsw",
    rf"\b(?:duration|length|period|minimum(?:\s+of)?|minimaal|min\.?|at\s+least|lasts?|lasting|"
    rf"runs?\s+for|running\s+for|for\s+a\s+period\s+of|spans?|spend|dauer|durée|duración|"
    rf"work\s+term)(?:\b|(?<=\.))\s*(?:minimale?\s*|minimum\s*)?"
    rf"(?:of\s+|is\s+|:\s*|-\s*|the\s+internship\s*:?\s*)?"
    rf"(?:approximately\s+|approx\.?\s+|about\s+|up\s+to\s+|between\s+)?{_SPAN}",
    re.IGNORECASE,
)
_ROLE_OF = fast_regex(
    "cips",
    rf"\b(?:intern(?:ship)?|placement|co-?op|program(?:me)?|stage|contract)\s+of\s+"
    rf"(?:approximately\s+|about\s+)?{_SPAN}",
    re.IGNORECASE,
)
_SPAN_LONG = fast_regex(_N_FIRST, rf"\b{_SPAN}\s+long\b", re.IGNORECASE)
_PAREN = re.compile(rf"\(\s*{_SPAN}\s*[,;)]", re.IGNORECASE)
_ROLE_LASTS = fast_regex(
    "cip",
    rf"\b(?:intern(?:ship)?s?|placements?|co-?ops?|program(?:me)?s?)\s+(?:[\w'’-]+\s+){{0,3}}?"
    rf"(?:will\s+)?(?:is|are|be\s+of|lasts?|runs?|spans?|for)\s+(?:for\s+)?(?:approximately\s+|about\s+|"
    rf"between\s+)?{_SPAN}",
    re.IGNORECASE,
)
_FOR = fast_regex(
    "dfv,",
    rf"(?:\bfor|\bde|\bdi|\bfür|\bvon|\bvan|,)\s+(?:a\s+period\s+of\s+|a\s+minimum\s+of\s+|"
    rf"at\s+least\s+|mindestens\s+)?{_SPAN}"
    r"(?!\s+(?:after|of|before|following|post|prior|paid|off|vacation|holidays?|notice|pto|"
    r"leave|per\s+year|a\s+year))",
    re.IGNORECASE,
)
_YEAR_LONG = re.compile(
    r"\b(?:year[- ]long|one[- ]year|12[- ]month)\s+(?:paid\s+)?(?:industrial\s+)?"
    r"(?:placement|internship|co-?op|programme|program)\b|\bindustrial\s+placement\s+year\b|"
    r"\bplacement\s+year\b|\byear\s+in\s+industry\b",
    re.IGNORECASE,
)
_EXPERIENCE_AFTER = re.compile(
    r"^\s*(?:of\s+)?(?:\w+\s+){0,2}?(?:experience|exp\b|service|employment|tenure)", re.I)
# A span of something else: a take-home assignment, training, notice, the hiring process.
_OTHER_SPAN = re.compile(
    r"\b(?:to\s+(?:complete|finish|submit|respond|hear)|assignments?|assessments?|take[- ]home|"
    r"challenge|onboarding|training\s+(?:period|program)|notice|probation|interview|"
    r"hiring\s+process|response|reply|of\s+(?:pto|vacation|leave|holiday))\b",
    re.IGNORECASE,
)
_UP_TO = re.compile(r"\b(?:up\s+to|max(?:imum)?(?:\s+of)?|no\s+more\s+than)\s+$", re.IGNORECASE)
_KEYS = ("week", "month", "year", "mois", "monat", "meses", "mesi", "wochen", "semaine",
         "maanden", "weken",
         "settiman")


def _months(n: float, unit: str) -> float | None:
    unit = unit.lower()
    if unit.startswith(("w", "sem", "set")) and not unit.startswith("semester"):
        return round(n / 4, 2)
    if unit.startswith(("mo", "me", "maa")):
        return n
    if unit.startswith("y"):
        return n * 12
    return None  # a semester is 4 to 6 months depending on the school


def duration_months(text: str, internship: bool = True) -> float | None:
    """The minimum length stated in ``text`` in months, or None (see module doc)."""
    patterns = [_LABELLED, _BEFORE_ROLE, _ROLE_LASTS, _ROLE_OF, _SPAN_LONG, _PAREN]
    if internship:
        patterns.append(_FOR)
    near = windows(text, _KEYS, 120, 60)
    for pattern in patterns:
        for chunk in near:
            for m in pattern.finditer(chunk):
                named = pattern is _BEFORE_ROLE and not m["u"].lower().startswith("y")
                if not named and _EXPERIENCE_AFTER.match(chunk[m.end() : m.end() + 40]):
                    continue  # "a 6-month co-op experience" is the co-op's length
                if _OTHER_SPAN.search(chunk, m.start(), min(len(chunk), m.end() + 40)):
                    continue
                if _UP_TO.search(chunk, max(0, m.start("n") - 12), m.start("n")):
                    continue  # "lasts up to 12 weeks" is the longest, not the minimum
                if m["u"].lower().startswith("y") and pattern is not _BEFORE_ROLE and not (
                        pattern is _LABELLED and m[0].lower().startswith(("duration", "dur"))):
                    continue
                value = _months(number(m["n"]), m["u"])
                if value is not None and 0 < value <= 24:
                    return value
    if internship and any(_YEAR_LONG.search(chunk) for chunk in near):
        return 12.0
    return None
