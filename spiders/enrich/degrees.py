"""Degrees the posting targets: ``bachelor``, ``master``, ``phd`` (in that order).

Read from phrases that name a degree: "Bachelor's", "BS/MS", "B.Tech", "undergraduate",
"Master's", "MSc", "MBA", "PhD", "doctoral". "Graduate students" alone names no degree
(master or PhD?) and is skipped; so are "MS Office", "Master data" and "BA" outside a
degree context. Short upper-case forms (BS, BA, MS) are matched case-sensitively.
"Undergraduate and graduate students" names both. "A Bachelor's degree program or
higher" names all three ("a minimum of a bachelor's degree" stays a bachelor's: labels
differ on it). "MCA" is a master's,
"B.E" and "B. Tech" bachelor's. Indian postings: "UG/PG" is both, "a graduation degree",
"Graduation in any discipline", "BBA", "BCA", "B.Com" a bachelor's, "Graduates or
Postgraduates" both, "Post-Graduation" a master's. German "Bachelor-/Masterstudium",
"Bachelorand", "Masterarbeit" name their level; a bare "Studium" names none. Dutch HBO is
a bachelor's level, WO a master's ("HBO/WO werk- en denkniveau").
"""

from __future__ import annotations

import re

from spiders.enrich.text import windows
from store.models import Degree

_BACHELOR_WORDS = re.compile(
    r"\b(?:bachelor|bachelors|bachelor['’]s|b\.sc|bsc|b\.\s?tech|btech|beng|b\.eng|b\.com|"
    r"undergrad|undergrads|undergraduate|undergraduates|licenciatura|bachelorstudium\w*|"
    r"bachelorand\w*|bachelorarbeit|bachelorstud\w*|bachelorabs\w*|any\s+graduate|"
    r"graduate\s+in\s+any|бакалавр\w*|bachelor(?:â€™|['’])s|b\.\s?com|bcom|"
    r"graduation\s+degree|graduation\s+in\s+any|ug\s*(?:/|or|and|&)\s*pg|"
    r"(?:engineering\s+)?graduates?\s+(?:or|and|/)\s+post-?graduates?)\b|"
    r"\b(?:ba|bsc|b\.sc)\s*\(hons\)",
    re.IGNORECASE,
)
_BACHELOR_ABBR = re.compile(
    r"(?<![\w.])(?:B\.S\.|B\.A\.|B\.E\.|B\.E(?=\s*(?:/|,|-))|BS(?=\s*(?:/|,|or\b|and\b|in\b|degree))|"
    r"BA(?=\s*(?:/\s*BS|degree|in\s+[A-Z]))|BE(?=\s*/\s*B\.?Tech)|"
    # "BBA/BCA students" (a bare "BCA" may be an agency: Singapore's Building and Construction
    # Authority)
    r"(?:BBA|BCA)(?=\s*(?:/|or\b|degree|students?|graduates?|in\s+[A-Z]))|(?<=/)(?:BBA|BCA)\b)"
)
_MASTER_WORDS = re.compile(
    r"\b(?:master['’]?s|masterâ€™s|masters|masterstudium\w*|masterand\w*|masterarbeit|"
    r"masterstud\w*|masterabs\w*|магистр\w*|(?<=bachelor\soder\s)master|(?<=bachelor-\soder\s)master|"
    r"(?<=\bim\s)master|(?<=bachelor\sof\s)master|(?<=bachelor-\sof\s)master|"
    r"post-?graduat(?:es?|ion)|ug\s*(?:/|or|and|&)\s*pg|master(?=\s+(?:degree|of\s+(?:science|arts|engineering|"
    r"business)|in\b|student|program))|m\.sc|msc|m\.\s?tech|mtech|meng|m\.eng|mba|mca|"
    r"postgraduates?|post-graduates?|master\s*(?:1|2|ii)|"
    r"(?<=bachelor\sor\s)master|(?<=bachelor/)master|(?<=bachelor\sand\s)master|"
    r"(?<=\sen\s)master|(?<=undergraduate\sand\s)graduate|(?<=undergraduate\sor\s)graduate|"
    r"(?<=undergraduate/)graduate|(?<=undergraduate\s/\s)graduate|"
    r"(?<=undergraduate\sor\sin\sa\s)graduate|(?<=undergraduate\sor\sa\s)graduate)\b",
    re.IGNORECASE,
)
_MASTER_ABBR = re.compile(
    r"(?<![\w.])(?:M\.S\.|M\.A\.|MS(?=\s*(?:/|,|or\b|and\b|in\s+[A-Z]|degree|students?))|"
    r"(?<=/)MS\b|(?<=/\s)MS\b)"
)
# Dutch degree levels: HBO (applied sciences) is a bachelor's, WO (university) a master's.
_DUTCH_BACHELOR = re.compile(r"\bHBO\b|\bhbo-?(?:niveau|opleiding|denk)")
_DUTCH_MASTER = re.compile(r"(?:\bHBO\s*/\s*|\b)WO\b(?!\w)(?=[\s/-]*(?:niveau|denk|opleiding|student|"
                           r"master|werk|$|[,.)]))|\bwo-?(?:niveau|opleiding)")
# "a Bachelor's degree program or higher": every level.
_OR_HIGHER = re.compile(
    r"\bbachelor['’]?s?\s+(?:degree\s+)?(?:program(?:me)?\s+)?or\s+(?:higher|above)\b",
    re.IGNORECASE,
)
_PHD = re.compile(r"\b(?:ph\.?\s?d\.?s?|doctoral|doctorate|dphil|doktorand\w*|promovend\w*|аспирант\w*|"
                  r"promotionsstud\w*)(?!\w)", re.IGNORECASE)
# The patterns run only near these words (lower-case keys, then case-sensitive ones); the
# dotted abbreviations are keyed whole ("b." alone is in every "job.").
_KEYS = ("hbo", "bachelor", "mca", "undergrad", "master", "phd", "ph.d", "doctor", "mba",
         "b.s", "b.a", "b.e", "b.tech", "b. tech", "b.com", "m.s",
         "m.a", "m.e", "m.tech", "m. tech", "bsc",
         "msc", "btech", "mtech", "beng", "meng", "postgrad", "post-grad", "dphil",
         "licenciatura", "bcom", "бакалавр", "магистр", "аспирант", "doktorand", "promovend",
         "promotionsstud", "any graduate",
         "graduate in any", "graduation degree", "graduation in any",
         "ug/pg", "ug / pg", "ug or pg", "ug and pg")
_UPPER_KEYS = ("BS", "MS", "BA", "BE", "HBO", "WO", "BBA", "BCA")


def degrees(text: str) -> list[Degree]:
    """Degrees named in ``text`` (bachelor, master, phd order); [] when none."""
    near = windows(text, _KEYS, 30, 30) + windows(text, _UPPER_KEYS, 30, 30, cased=True)
    if not near:
        return []

    def has(*patterns: re.Pattern[str]) -> bool:
        return any(p.search(w) for p in patterns for w in near)

    if has(_OR_HIGHER):
        return ["bachelor", "master", "phd"]
    found: list[Degree] = []
    if has(_BACHELOR_WORDS, _BACHELOR_ABBR, _DUTCH_BACHELOR):
        found.append("bachelor")
    if has(_MASTER_WORDS, _MASTER_ABBR, _DUTCH_MASTER):
        found.append("master")
    if has(_PHD):
        found.append("phd")
    return found
