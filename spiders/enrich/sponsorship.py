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
authorized to work in the US" is unknown: a visa holder can be authorized.
"""

from __future__ import annotations

import re

from spiders.enrich.text import fast_regex, windows
from store.models import Sponsorship

# The first argument of fast_regex: the letters the pattern's alternatives start with.
_CITIZENS = fast_regex(
    "acimoprsu",
    r"(?:must\s+(?:be|hold)\s+(?:a\s+)?(?:u\.?s\.?|us|united\s+states|uk|british|"
    r"singapore(?:an)?|canadian|australian|indian)\s+(?:citizen|national)s?"
    r"|(?:u\.?s\.?|us|united\s+states)\s+citizenship\s+(?:is\s+)?(?:required|needed|mandatory|"
    r"an?\s+(?:pre-?requisite|requirement))"
    r"|requires?\s+(?:u\.?s\.?|us|united\s+states)\s+citizenship"
    r"|(?:only\s+)?open\s+(?:only\s+)?(?:to|for)\s+(?:u\.?s\.?|us|singapore(?:an)?|australian|"
    r"indian|canadian)\s+citizens"
    r"|(?:opportunity|position|role|program(?:me)?|internship)\s+is\s+(?:only\s+)?for\s+"
    r"(?:u\.?s\.?|us|singapore(?:an)?|australian|indian|canadian)\s+citizens"
    r"|(?:u\.?s\.?|us|singapore(?:an)?|australian|canadian)\s+citizens?\s+(?:(?:and|or|/)\s+"
    r"(?:permanent\s+residents?|prs?|green\s+card\s+holders)\s+)?only"
    r"|singaporeans?\s*(?:/|or|and)\s*(?:singapore\s+)?prs?\s+only"
    r"|only\s+(?:singapore(?:an)?|u\.?s\.?|us|australian|canadian)\s+citizens"
    r"|citizenship\s+(?:is\s+)?required"
    r"|only\s+(?:u\.?s\.?|us)\s+citizens)",
    re.IGNORECASE,
)
_NO = fast_regex(
    "acdinsuvw",
    r"(?:(?:do|does|will|can|are|is)\s*(?:not|n['’]t)\s+(?:be\s+)?(?:able\s+to\s+)?"
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
    r"|without\s+(?:the\s+need\s+for\s+|requiring\s+|needing\s+|any\s+)?(?:current\s+or\s+"
    r"future\s+|future\s+)?(?:visa\s+|employer\s+|immigration\s+)?sponsorship"
    r"|not\s+(?:require|need)\s+(?:\w+\s+){0,4}?sponsorship"
    r"|(?:not|n['’]t)\s+(?:be\s+)?(?:able\s+to\s+)?sponsor\b(?!\s+(?:\w+\s+)?(?:every|all)\b)"
    r"|sponsorship\s*:\s*(?:no|not\s+available|none|unavailable)\b)",
    re.IGNORECASE,
)
_YES = fast_regex(
    "achiopsvw",
    r"(?:(?:visa\s+|immigration\s+|work\s+permit\s+)sponsorship\s+(?:is\s+)?"
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
    r"|sponsorship\s*:\s*(?:yes|available)\b)",
    re.IGNORECASE,
)
_US_OR_PR = re.compile(
    r"\b(?:u\.?s\.?|us|united\s+states)\s+citizens?(?:hip)?\s*(?:,|or|/|and)\s*(?:an?\s+)?"
    r"(?:lawful\s+|u\.?s\.?\s+)?"
    r"(?:permanent\s+residen(?:ts?|cy)|green\s+card\s+holders?)",
    re.IGNORECASE,
)
_EXPORT = re.compile(r"\bexport(?:[- ]control(?:led)?)?\s+(?:licen[cs]es?|authori[sz]ations?)",
                     re.IGNORECASE)
_KEYS = ("sponsor", "citizen", "singaporean", "visa")


def _about_export(window: str, m: re.Match[str]) -> bool:
    """The match speaks of an export-control licence, not of a visa ("without sponsorship
    for an export license", "sponsorship of an export authorization")."""
    return _EXPORT.search(window, m.start(), min(len(window), m.end() + 60)) is not None


def sponsorship(text: str) -> Sponsorship | None:
    """``citizens_only``, ``no``, ``yes`` or None (see module doc for the order)."""
    near = windows(text, _KEYS, 120, 120)
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
                if value == "citizens_only" or not _about_export(window, m):
                    return value
    return None
