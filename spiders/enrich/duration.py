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

from spiders.enrich.text import MONTH_RE, NUMBER_RE, NUMBER_WORDS, fast_regex, month, number, windows

# German and Dutch number words ("sechs Monate", "zes maanden"); "ein"/"een" are left out,
# they are mostly the article "a".
_FOREIGN_NUMBERS: dict[str, int] = {
    "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
    "neun": 9, "zehn": 10, "zwölf": 12, "twee": 2, "drie": 3, "vijf": 5, "zes": 6,
    "zeven": 7, "negen": 9, "tien": 10, "twaalf": 12,
}
_N = "(?:" + NUMBER_RE + "|" + "|".join(sorted(_FOREIGN_NUMBERS, key=len, reverse=True)) + ")"
# What a number can start with; the other first arguments of fast_regex are the first
# letters of their pattern's alternatives.
_N_FIRST = r"\d" + "".join(sorted({word[0] for word in (*NUMBER_WORDS, *_FOREIGN_NUMBERS)}))
# "6-monatiges Praktikum", "12-wöchige", "sechsmonatiges" are adjectives of the same units.
_UNIT = (r"(?P<u>weeks?|months?|mos?|wks?|semesters?|years?|monate?n?|monatig\w*|wöchig\w*|"
         r"mois|mesi|meses|wochen|semaines|settimane|semanas|maanden|maand|weken|"
         r"месяц\w*|недел\w*)")
_SPAN = (rf"(?P<n>{_N})(?:\s*\(\d{{1,2}}\))?(?:\s*(?:-|–|to|or|and|bis|à|a)\s*(?P<n2>{_N}))?"
         rf"(?:\+)?[\s-]*(?:consecutive\s+|full[- ]time\s+)?{_UNIT}(?![\w-])")
_ROLE = (r"(?:[\w-]+,?\s+){0,3}?(?:intern(?:ship)?s?|placements?|co-?op|programme|program|"
         r"contract|work\s+term|term|apprenticeship|traineeship|stage\w*|afstudeerstage|"
         r"(?:pflicht|voll?zeit|orientierungs)?praktikum\w*|leertraject|opportunity|summer|"
         r"стажировк\w*)\b")
_BEFORE_ROLE = fast_regex(
    _N_FIRST, rf"\b{_SPAN}(?:\s*\([^)]{{0,40}}\))?[\s,-]+(?:long\s+)?{_ROLE}", re.IGNORECASE)
_LABELLED = fast_regex(
    "adflmprstwzдс",
    rf"(?:\b|(?<=s))(?:duration|length|period|minimum(?:\s+of)?|minimaal|mind\.|min\.?|at\s+least|"
    rf"lasts?|lasting|"
    rf"runs?\s+for|running\s+for|for\s+a\s+period\s+of|spans?|spend|dauer|durée|duración|"
    rf"mindestens|zeitraum(?:\s+von)?|periode\s+van|tenure|duur|looptijd|laufzeit|"
    rf"длительность(?:\s+стажировки)?|срок(?:\s+стажировки)?|"
    rf"work\s+term)(?:\b|(?<=\.))\s*(?:minimale?\s*|minimum\s*|minimaal\s*|mindestens\s*)?"
    rf"(?:of\s+|is\s+|:\s*|-\s*|the\s+internship\s*:?\s*)?"
    rf"(?:approximately\s+|approx\.?\s+|about\s+|up\s+to\s+|between\s+)?{_SPAN}",
    re.IGNORECASE,
)
_ROLE_OF = fast_regex(
    "cipslt",
    rf"\b(?:intern(?:ship)?|placement|co-?op|program(?:me)?|stage|contract|traineeship|"
    rf"(?:leer)?traject|praktikum\w*)\s+(?:of|van|von)\s+"
    rf"(?:approximately\s+|about\s+)?{_SPAN}",
    re.IGNORECASE,
)
# Russian (hh.ru): "Стажировка 3 месяца", "стажировка на 3 месяца".
_RU_ROLE = fast_regex("с", rf"\bстажировк\w*\s+(?:на\s+|длительностью\s+)?{_SPAN}", re.IGNORECASE)
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
    rf"(?:\bfor|\bde|\bdi|\bfür|\bvon|\bvan|\bvoor|,)\s+(?:a\s+period\s+of\s+|"
    rf"a\s+minimum\s+of\s+|at\s+least\s+|mindestens\s+|mind\.\s*|minimaal\s+|minimum\s+|"
    rf"(?:een\s+periode|einen\s+zeitraum|die\s+dauer)\s+(?:van|von)\s+(?:minimaal\s+|"
    rf"mindestens\s+)?|approximately\s+|about\s+|ca\.\s+|circa\s+)?{_SPAN}"
    r"(?!\s+(?:after|of|before|following|post|prior|paid|off|vacation|holidays?|notice|pto|"
    r"leave|per\s+year|a\s+year))",
    re.IGNORECASE,
)
_YEAR_LONG = re.compile(
    r"\b(?:year[- ]long|one[- ]year|12[- ]month)\s+(?:paid\s+)?(?:industrial\s+)?"
    r"(?:placement|internship|co-?op|programme|program)\b|\bindustrial\s+placement\s+year\b|"
    r"\bplacement\s+year\b|\byear\s+in\s+industry\b|\bjahrespraktikum\b",
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
# "notice period of 3 months", "Probezeit von 6 Monaten": the span of something else.
_OTHER_BEFORE = re.compile(
    r"\b(?:notice|probation\w*|trial|waiting|training|onboarding|vesting|warranty|payment|"
    r"probezeit|kündigungsfrist|proeftijd|opzegtermijn|einarbeitung\w*)\s*$",
    re.IGNORECASE,
)
_UP_TO = re.compile(r"\b(?:up\s+to|max(?:imum)?(?:\s+of)?|no\s+more\s+than)\s+$", re.IGNORECASE)
_KEYS = ("week", "month", "year", "mois", "monat", "meses", "mesi", "wochen", "semaine",
         "jahrespraktikum",
         "maand", "weken", "wöchig", "месяц", "недел",
         "settiman")


# "Duration:\n- B.Tech: 6 months", "Dauer des Praktikums: 6 Monate": a duration label with a
# few words between it and the length.
_LABEL_GAP = fast_regex(
    "dlt",
    rf"(?:\b|(?<=s))(?:duration|dauer|duur|tenure|looptijd|laufzeit)\b[^\d\n]{{0,30}}?\n?"
    rf"[^\d\n]{{0,20}}?{_SPAN}",
    re.IGNORECASE,
)
# A month range with no days: "Intern, Jan to Jun 2026", "Jan - Jun/Jul 2026" (the first
# end), "Praktikum von März bis August": read in the title, or after a duration word.
_MONTH_SPAN = fast_regex(
    "adfjmnos",
    rf"\b(?P<m1>{MONTH_RE})\s*(?:20\d\d\s*)?(?:-|–|to|till|until|through|bis|tot)\s*"
    rf"(?P<m2>{MONTH_RE})(?![\w-])(?!\s*\d{{1,2}}\b)",
    re.IGNORECASE,
)
_SPAN_LABEL = re.compile(r"\b(?:duration|period|dauer|zeitraum|duur|periode|tenure)\b[^.\n\d]{0,30}$",
                         re.IGNORECASE)


def _number(token: str) -> float:
    return float(_FOREIGN_NUMBERS[token.lower()]) if token.lower() in _FOREIGN_NUMBERS else number(token)


def _month_span(text: str) -> float | None:
    """Months of a day-less month range in the title (first line) or after a duration word."""
    end = text.find("\n")
    title = text if end == -1 else text[:end]
    for m in _MONTH_SPAN.finditer(title):
        if m.start() and title[m.start() - 1].isdigit():
            continue
        return _span_months(m)
    # the whole text (its key positions are shared with the other fields), not a copy of it
    for chunk in windows(text, ("duration", "period", "dauer", "zeitraum", "duur", "periode"),
                         0, 80):
        for m in _MONTH_SPAN.finditer(chunk):
            if _SPAN_LABEL.search(chunk, 0, m.start()):
                return _span_months(m)
    return None


def _span_months(m: re.Match[str]) -> float | None:
    first, last = month(m["m1"]), month(m["m2"])
    count = (last - first) % 12 + 1
    return float(count) if 1 < count <= 12 else None


def _months(n: float, unit: str) -> float | None:
    unit = unit.lower()
    if unit.startswith("недел"):
        return round(n / 4, 2)
    if unit.startswith("месяц"):
        return n
    if unit.startswith(("w", "sem", "set")) and not unit.startswith("semester"):
        return round(n / 4, 2)
    if unit.startswith(("mo", "me", "maa")):
        return n
    if unit.startswith("y"):
        return n * 12
    return None  # a semester is 4 to 6 months depending on the school


# Words a pattern's match must hold: chunks without them are not searched.
_NEEDS: dict[re.Pattern[str], tuple[str, ...]] = {
    _SPAN_LONG: (" long",),
    _PAREN: ("(",),
    _LABEL_GAP: ("duration", "dauer", "duur", "tenure", "looptijd", "laufzeit"),
    _ROLE_OF: (" of ", " van ", " von "),
    _ROLE_LASTS: ("intern", "placement", "co-op", "coop", "program"),
    _RU_ROLE: ("стажировк",),
}


def duration_months(text: str, internship: bool = True) -> float | None:
    """The minimum length stated in ``text`` in months, or None (see module doc)."""
    patterns = [_LABELLED, _BEFORE_ROLE, _ROLE_LASTS, _ROLE_OF, _SPAN_LONG, _PAREN, _LABEL_GAP,
                _RU_ROLE]
    if internship:
        patterns.append(_FOR)
    near = windows(text, _KEYS, 120, 60)
    lowered = [chunk.lower() for chunk in near]
    for pattern in patterns:
        needs = _NEEDS.get(pattern)
        for chunk, low in zip(near, lowered, strict=True):
            if needs is not None and not any(word in low for word in needs):
                continue  # a cheap test before the pattern (each costs ~10 µs a posting)
            for m in pattern.finditer(chunk):
                named = pattern is _BEFORE_ROLE and not m["u"].lower().startswith("y")
                if not named and _EXPERIENCE_AFTER.match(chunk[m.end() : m.end() + 40]):
                    continue  # "a 6-month co-op experience" is the co-op's length
                if _OTHER_SPAN.search(chunk, m.start(), min(len(chunk), m.end() + 40)):
                    continue
                if _OTHER_BEFORE.search(chunk, max(0, m.start() - 25), m.start()):
                    continue
                if _UP_TO.search(chunk, max(0, m.start("n") - 12), m.start("n")):
                    continue  # "lasts up to 12 weeks" is the longest, not the minimum
                if m["u"].lower().startswith("y") and pattern is not _BEFORE_ROLE and not (
                        pattern is _LABELLED and m[0].lower().startswith(("duration", "dur"))):
                    continue
                if not internship and "contract" in m[0].lower():
                    continue  # a full-time job's contract length is not an opening's
                value = _months(_number(m["n"]), m["u"])
                if value is not None and 0 < value <= 24:
                    return value
    if internship and any(_YEAR_LONG.search(chunk) for chunk in near):
        return 12.0
    return _month_span(text) if internship else None
