"""The one text folding and the one company rule, shared by every room (SPEC §2).

Enrichment, alert filters, search and de-duplication all compare names through these
functions, so "Palantir Technologies Inc." is "Palantir" to every one of them, and a place
name is folded the same way before it meets the place table (:mod:`store.places`).

- :func:`fold`: lower case, accents stripped, ``&`` spelled ``and`` ("Zürich & Co" ->
  "zurich  and  co"); punctuation kept.
- :func:`plain`: accents stripped, case kept ("Karnātaka" -> "Karnataka").
- :func:`norm`: :func:`fold`, then every run of non-letters/digits is one space, trimmed
  ("U.S.A." -> "u s a"): the form place names and keys are compared in.
- :func:`words`: the word tokens of :func:`fold` (inner hyphens and apostrophes kept).
- :func:`company_key`: one key per employer (see its docstring).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Legal forms and generic trailing words that vary between sources for one employer
# ("Cadence Design Systems, Inc." / "Cadence Design Systems", "Two Sigma Investments").
# Only dropped from the end, and never the last word left: "Capital One" stays itself.
COMPANY_SUFFIXES: frozenset[str] = frozenset(
    {
        # legal forms
        "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company",
        "plc", "gmbh", "ag", "sa", "sas", "se", "sarl", "srl", "spa", "nv", "bv", "lp", "llp",
        "pbc", "pte", "pty", "pvt", "ab", "as", "oy", "kk",
        # generic words
        "holdings", "holding", "group", "industries", "international", "technologies",
        "technology", "labs", "systems", "capital", "solutions", "global", "enterprises",
        "investments", "automotive",
    }
)

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*|'\d\d")


#: Latin letters NFKD leaves whole (no combining mark to drop): "Łódź" is "lodz", "Straße"
#: "strasse", "Ørsted" "orsted", "Höfuðborgarsvæðið" "hofudborgarsvaedid"
_LETTERS = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE",
    "œ": "oe", "Œ": "OE", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "đ": "d", "Đ": "D",
    "ı": "i", "ħ": "h", "Ħ": "H",
})


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKD", char)
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).translate(_LETTERS)


def plain(text: str) -> str:
    """Accents stripped (NFKD, combining marks dropped), case kept: "Montréal" -> "Montreal"."""
    if not text.isascii():
        for char in set(_NON_ASCII.findall(text)):
            text = text.replace(char, _fold_char(char))
    return text


def fold(text: str) -> str:
    """Lower case, accents stripped, ``&`` spelled out; punctuation kept.

    Only the distinct non-ASCII characters are normalised (cached), each replaced everywhere
    at once: real descriptions are mostly ASCII with a few curly quotes, dashes and emoji.
    Folding char by char equals folding the whole run: NFKD decomposes each character on its
    own and only reorders combining marks, which are dropped; and a character a fold leaves
    in its output folds to itself, so the order of the replacements does not matter.
    """
    return plain(text).lower().replace("&", " and ")


def norm(text: str) -> str:
    """:func:`fold` with punctuation as single spaces, trimmed: "Zürich, CH" -> "zurich ch"."""
    return _NON_ALNUM.sub(" ", fold(text)).strip()


def words(text: str) -> list[str]:
    """Word tokens of :func:`fold` (hyphens and apostrophes inside words kept)."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=4096)
def company_key(company: str) -> str:
    """One key per employer, the same in filters, search and de-duplication (SPEC §2).

    Case, accents and punctuation are ignored (dots first: "S.A." is "SA"), a leading "the"
    is dropped, and trailing
    legal forms or generic words (:data:`COMPANY_SUFFIXES`) are dropped while more than one
    word is left; the words are then joined without spaces. "Palantir Technologies Inc." ->
    "palantir", "Two Sigma Investments" -> "twosigma", "AT&T" -> "atandt", "Capital One" ->
    "capitalone". Never empty for a name with a visible character: a name with no Latin
    letters or digits keys on its folded, trimmed self. Cached: postings come company by
    company.
    """
    tokens = [t.replace("'", "").replace("-", "") for t in words(company.replace(".", ""))]
    tokens = [t for t in tokens if t]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] in COMPANY_SUFFIXES:
        tokens.pop()
    if tokens:
        return "".join(tokens)
    return fold(company).strip() if any(ch.isalpha() for ch in company) else ""
