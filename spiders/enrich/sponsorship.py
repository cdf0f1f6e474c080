"""Visa sponsorship: ``yes``, ``no``, ``citizens_only`` or unknown.

Order matters: citizenship requirements are read first ("must be a U.S. citizen",
"U.S. citizenship is required", "Singapore Citizens or PRs only", "eligible for a security
clearance, which requires U.S. citizenship", "U.S. citizenship is a pre-requisite", "open
only for Indian Citizens", "this opportunity is for U.S. citizens"), then refusals ("we do not sponsor visas",
"unable to offer sponsorship", "without requiring sponsorship now or in the future"),
then offers ("visa sponsorship available", "we sponsor visas", "we will help with visa
applications", "Visa Sponsorship: J1 Visa"). "U.S. citizens or
(lawful) permanent residents" is read first as ``no``: not citizenship only, but no visa. A statement about an
export-control licence ("without sponsorship for an export license") is not about visas. A bare "must be
authorized to work in the US" is unknown: a visa holder can be authorized; so is a required
"valid work permit" (the corpus labels work-authorization requirements unknown).

Other countries' phrasings: "Indian nationals only", "Citizenship: Indian", "restricted to
EU citizens", "must be a British national" (citizens_only; "EU citizens or holders of a
valid work permit" is not); "Australian citizens or permanent residents" (``no``, as for the
US); "you must have the right to work in the UK", "full working rights in Australia", "be a
resident of the UK for the entire duration" (``no``: only those already allowed to work
there); "kein Visum", "geen visumsponsoring", "no visa support" (``no``); "relocation & visa
support", "Visa-Unterstützung", "Skilled Worker visa sponsorship is available" (``yes``).
The enrichment reads this field in legal sections too ("Disclaimer: ... This position is
open only for Indian citizens"): equal-opportunity lines name citizenship only as a
protected class, which no pattern here reads.
"""

from __future__ import annotations

import re

from spiders.enrich.text import fast_regex, windows
from store.models import Sponsorship

# Nationality words of the citizenship phrases ("Indian citizens", "a British national").
_NAT = (r"(?:u\.?s\.?|us|united\s+states|american|uk|british|singapore(?:an)?|canadian|australian|"
        r"indian|new\s+zealand|eu|european|german|dutch|malaysian|hong\s+kong|irish)")
# The same without Singapore: "Singapore Citizens or PRs only" stays citizens_only.
_NAT_PR = (r"(?:u\.?s\.?|us|united\s+states|american|uk|british|canadian|australian|"
           r"new\s+zealand|eu|european|irish)")

# The first argument of fast_regex: the letters the pattern's alternatives start with.
_CITIZENS = fast_regex(
    "abcdeghimnoprsu",
    r"\b(?:must\s+(?:be|hold)\s+(?:an?\s+)?" + _NAT + r"\s+(?:citizen|national)s?(?:hip)?"
    r"|(?:u\.?s\.?|us|united\s+states)\s+citizenship\s+(?:is\s+)?(?:required|needed|mandatory|"
    r"an?\s+(?:pre-?requisite|requirement))"
    r"|requires?\s+" + _NAT + r"\s+citizenship"
    r"|(?:only\s+)?open\s+(?:only\s+)?(?:to|for)\s+" + _NAT + r"\s+(?:citizens|nationals)"
    r"|(?:opportunity|position|role|program(?:me)?|internship|scheme)\s+is\s+(?:only\s+)?"
    r"(?:for|restricted\s+to)\s+" + _NAT + r"\s+(?:citizens|nationals)"
    r"|restricted\s+to\s+" + _NAT + r"\s+(?:citizens|nationals)"
    r"|" + _NAT + r"\s+nationals\s+only|only\s+" + _NAT + r"\s+nationals"
    r"|citizenship\s*:\s*" + _NAT + r"\b"
    r"|" + _NAT + r"\s+citizens?\s+(?:(?:and|or|/)\s+"
    r"(?:permanent\s+residents?|prs?|green\s+card\s+holders)\s+)?only"
    r"|singaporeans?\s*(?:/|or|and)\s*(?:singapore\s+)?prs?\s+only"
    r"|only\s+" + _NAT + r"\s+citizens"
    r"|citizenship\s+(?:is\s+)?required"
    r"|only\s+(?:u\.?s\.?|us)\s+citizens)",
    re.IGNORECASE,
)
_NO = fast_regex(
    "abcdgikmnrstuvw",
    r"\b(?:(?:do|does|will|can|are|is)\s*(?:not|n['’]t)\s+(?:be\s+)?(?:able\s+to\s+)?"
    r"(?:offer|provide|sponsor|support)\w*\s+(?:\w+\s+){0,3}?(?:visa|sponsor|work\s+permit|"
    r"immigration)"
    r"|(?:unable|not\s+able)\s+to\s+(?:offer|provide|sponsor|support)\s+(?:\w+\s+){0,3}?"
    r"(?:visa|sponsor|work\s+permit|immigration|work\s+authori[sz]ation)"
    r"|(?:unable|not\s+able)\s+to\s+sponsor\b(?!\s+(?:\w+\s+)?(?:every|all)\b)"
    r"|cannot\s+(?:offer\s+|provide\s+|support\s+)?(?:\w+\s+){0,2}?(?:visa|sponsor)"
    r"|no\s+(?:visa\s+|immigration\s+)?sponsorship"
    r"|(?:visa\s+|immigration\s+)?sponsorship\s+(?:is\s+|will\s+)?(?:not|n['’]t)\s+"
    r"(?:be\s+)?(?:available|offered|provided|possible)"
    r"|sponsorship\s+(?:is\s+)?unavailable"
    r"|visa\s+(?:support|assistance)\s+(?:is\s+|will\s+)?(?:not|n['’]t)\s+(?:be\s+)?"
    r"(?:available|offered|provided|possible)"
    r"|without\s+(?:the\s+need\s+for\s+|requiring\s+|needing\s+|any\s+)?(?:current\s+or\s+"
    r"future\s+|future\s+)?(?:visa\s+|employer\s+|immigration\s+)?sponsorship"
    r"|not\s+(?:require|need)\s+(?:\w+\s+){0,4}?sponsorship"
    r"|(?:not|n['’]t)\s+(?:be\s+)?(?:able\s+to\s+)?sponsor\b(?!\s+(?:\w+\s+)?(?:every|all)\b)"
    r"|sponsorship\s*:\s*(?:no|not\s+available|none|unavailable)\b"
    r"|no\s+visa\s+(?:support|assistance)"
    # "You must have the right to work in the UK", "full working rights in Australia":
    # only those already allowed to work there, so no visa sponsorship
    r"|(?:must|will\s+need\s+to|need\s+to|should|required\s+to)\s+(?:already\s+)?(?:have|hold|possess)\s+"
    r"(?:the\s+|a\s+|full\s+|unrestricted\s+|existing\s+|valid\s+)*(?:right\s+to\s+work|"
    r"working\s+rights)\s+in\b"
    r"|\bbe\s+(?:a\s+)?resident\s+(?:of|in)\s+(?:the\s+)?[\w ]{2,20}?\s+for\s+"
    r"the\s+(?:entire|whole|full)\s+(?:duration|length)"
    r"|(?:kein|keine|keinerlei)\s+(?:visum|visa|visa-?sponsoring|sponsoring|visa-?unterstützung)"
    r"|geen\s+(?:visum|visa|sponsoring|visumsponsoring))",
    re.IGNORECASE,
)
_YES = fast_regex(
    "achioprstuvw",
    r"\b(?:(?:visa\s+|immigration\s+|work\s+permit\s+)sponsorship\s+(?:is\s+)?"
    r"(?:available|offered|provided|possible)"
    r"|(?:we|will|can|able\s+to|happy\s+to|open\s+to)\s+(?:\w+\s+)?(?:sponsor|sponsoring)\s+"
    r"(?:\w+\s+){0,2}?(?:visas?|work\s+permits?|candidates|applicants)"
    r"|offers?\s+(?:visa\s+)?sponsorship"
    r"|(?:provide|offer)s?\s+(?:[\w-]+\s+){0,4}?visa\s+sponsorship"
    r"|sponsorship\s+(?:is\s+)?available"
    r"|(?:support|assist\s+with|help\s+with)\s+(?:\w+\s+)?visa\s+applications?"
    r"|visa\s+sponsorship\s*:\s*(?:[a-z]-?\d[\w-]*|h-?1b|tier\s+\d)\s+visa"
    r"|visa\s+support\s+(?:is\s+)?(?:available|provided|offered)"
    r"|\bsponsor(?:s|ing)?\s+(?:\w+\s+)?visas?\b"
    r"|sponsorship\s*:\s*(?:yes|available)\b"
    # "Relocation & visa support", "Visa-Unterstützung": a benefit line offering visas
    r"|(?:relocation\s*(?:and|&|\+)\s*)?visa\s+(?:support|assistance)\b(?!\s+(?:is\s+)?not)"
    r"|visa-?unterstützung|unterstützung\s+(?:beim|bei\s+der|bei\s+dem)\s+(?:visum|visa)"
    r"|(?:skilled\s+worker|work|tier\s+2)\s+visa\s+sponsorship\s+(?:is\s+)?(?:available|offered|possible))",
    re.IGNORECASE,
)
_US_OR_PR = re.compile(
    r"\b" + _NAT_PR + r"\s+citizens?(?:hip)?\s*(?:,|or|/|and)\s*(?:an?\s+)?"
    r"(?:lawful\s+|u\.?s\.?\s+)?"
    r"(?:permanent\s+residen(?:ts?|cy)|green\s+card\s+holders?)",
    re.IGNORECASE,
)
_EXPORT = re.compile(r"\bexport(?:[- ]control(?:led)?)?\s+(?:licen[cs]es?|authori[sz]ations?)",
                     re.IGNORECASE)
# "must be a British national" (not "national origin", which every EEO line has)
_NATIONAL_KEYS = tuple(f"{n} national" for n in (
    "u.s.", "us", "american", "uk", "british", "singapore", "singaporean", "canadian",
    "australian", "indian", "new zealand", "eu", "german", "dutch", "malaysian", "irish"))
_KEYS = ("sponsor", "citizen", "singaporean", "visa", "visum", "nationals", *_NATIONAL_KEYS, "right to work",
         "working rights", "resident of", "resident in")


def _about_export(window: str, m: re.Match[str]) -> bool:
    """The match speaks of an export-control licence, not of a visa ("without sponsorship
    for an export license", "sponsorship of an export authorization")."""
    return _EXPORT.search(window, m.start(), min(len(window), m.end() + 60)) is not None


# "Open to EU citizens or candidates with a valid work permit": not citizens only.
_OR_PERMIT = re.compile(
    r"\s*(?:,\s*)?(?:or|and)\s+(?:[\w-]+\s+){0,4}?(?:work\s+permit|visa|permanent|residen\w*|"
    r"authori[sz]\w*|right\s+to\s+work|work(?:ing)?\s+rights)",
    re.IGNORECASE,
)


_STATEMENT_WORDS = ("only", "must", "requir", "restrict", "sponsor", "visa", "visum", "right",
                    "rights", "resident", "eligib", "open to", "open for", ":")


def _eeo_only(window: str) -> bool:
    """An equal-opportunity window naming citizenship as a protected class and nothing that
    could state a requirement: skipped before the patterns run (they cost ~20 µs each)."""
    low = window.lower()
    if "regard" not in low and "basis of" not in low and "discriminat" not in low:
        return False
    return not any(word in low for word in _STATEMENT_WORDS)


def sponsorship(text: str) -> Sponsorship | None:
    """``citizens_only``, ``no``, ``yes`` or None (see module doc for the order)."""
    near = [w for w in windows(text, _KEYS, 120, 120) if not _eeo_only(w)]
    if not near:
        return None
    # US citizens *or permanent residents*: not citizenship, but no visa sponsorship ("no")
    if any(_US_OR_PR.search(w) for w in near):
        return "no"
    checks: tuple[tuple[re.Pattern[str], Sponsorship], ...] = (
        (_CITIZENS, "citizens_only"), (_NO, "no"), (_YES, "yes"))
    for pattern, value in checks:
        for window in near:
            for m in pattern.finditer(window):
                if value == "citizens_only":
                    if _OR_PERMIT.match(window, m.end()) and "only" not in m[0].lower():
                        continue  # citizens *or* those allowed to work there
                    return value
                if not _about_export(window, m):
                    return value
    return None
