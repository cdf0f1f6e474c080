"""Shared text helpers: month and number words, whitespace folding, key windows."""

from __future__ import annotations

import re
from functools import lru_cache

from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

MONTHS: dict[str, int] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}
MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "eighteen": 18, "twenty": 20, "twenty-four": 24,
}
NUMBER_RE = r"(?:\d{1,2}(?:[.,]5)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"

_ODD_SPACES = ("\t", "\u00a0", "\u2009", "\u202f")


def number(token: str) -> float:
    """"6" -> 6.0, "six" -> 6.0; callers only pass tokens matched by NUMBER_RE."""
    token = token.lower()
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    return float(token.replace(",", "."))  # "2,5 maanden"


def month(token: str) -> int:
    """Month number of a name matched by MONTH_RE ("Sept." -> 9): its first three letters."""
    return MONTHS[token.lower()[:3]]


def squash(text: str) -> str:
    r"""Tabs and no-break spaces become plain spaces (newlines, which separate paragraphs, stay).

    Runs of spaces are left alone: the patterns allow ``\s+`` between words, and a regex
    pass over 5 KB would cost a twentieth of the time budget.
    """
    for odd in _ODD_SPACES:
        if odd in text:
            text = text.replace(odd, " ")
    return text


def two_digit_year(token: str) -> int:
    """"2027" -> 2027, "27" or "'27" -> 2027."""
    digits = token.lstrip("'’")
    value = int(digits)
    return value + 2000 if value < 100 else value


def fast_regex(first: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` compiled behind a look-ahead for the characters a match can start with.

    ``re`` tries every alternative of a pattern at every position of the text; the look-ahead
    turns most positions away with one character test (3-10x faster on our windows).
    ``first`` is the body of a character class holding every character a match of
    ``pattern`` can start with (with the same flags): the matches are then unchanged.
    """
    FAST_PATTERNS.append((first, pattern, flags))
    return re.compile(f"(?=[{first}])(?:{pattern})", flags)


#: every (first, pattern, flags) given to fast_regex: tests/test_fast_regex.py checks that
#: `first` holds every character a match of `pattern` can start with
FAST_PATTERNS: list[tuple[str, str, int]] = []


@lru_cache(maxsize=8)
def lowered(text: str) -> str:
    """``text.lower()`` with the same length as ``text`` (so offsets carry over); the last
    few are kept, as the sections and the key finder lower the same description."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


class _Finder:
    """Every occurrence of every lower-case key in a text, found in one Aho-Corasick pass.

    Each module of this package looks for its own few keys in the same description: one
    ``str.find`` scan per key came to ~100 scans of the whole text per posting. The finder
    learns the keys it is asked for (one automaton of all of them, rebuilt when a new key
    comes) and keeps the positions for the last few texts, so the modules enriching one
    posting share one pass over the lowered text.
    """

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.seen: set[tuple[str, ...]] = set()
        self.automaton: AhoCorasick | None = None
        self.positions = lru_cache(maxsize=8)(self._scan)

    def _learn(self, keys: tuple[str, ...]) -> None:
        self.seen.add(keys)
        new = [key for key in dict.fromkeys(keys) if key not in self.keys]
        if new:
            self.keys.extend(new)
            self.automaton = AhoCorasick(self.keys, matchkind=MatchKind.Standard,
                                         implementation=Implementation.DFA)
            self.positions.cache_clear()  # positions found so far lack the new keys

    def _scan(self, text: str) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        if self.automaton is not None:
            for index, start, _ in self.automaton.find_matches_as_indexes(lowered(text),
                                                                          overlapping=True):
                found.setdefault(self.keys[index], []).append(start)
        return found

    def find(self, text: str, keys: tuple[str, ...]) -> dict[str, list[int]]:
        """Start offsets of each key in ``text`` (overlapping ones too); absent keys missing."""
        if keys not in self.seen:
            self._learn(keys)
        return self.positions(text)


_FINDER = _Finder()


def find_keys(text: str, keys: tuple[str, ...]) -> dict[str, list[int]]:
    """Start offsets of each lower-case key in ``text`` in any case (overlaps too), found in
    the one pass over the text that every reader of the posting shares."""
    return _FINDER.find(text, keys)


def _find_cased(text: str, keys: tuple[str, ...]) -> dict[str, list[int]]:
    """Like ``_Finder.find`` for keys matched as written: few, so one ``str.find`` each."""
    found: dict[str, list[int]] = {}
    for key in keys:
        i = text.find(key)
        while i != -1:
            found.setdefault(key, []).append(i)
            i = text.find(key, i + 1)
    return found


def windows(text: str, keys: tuple[str, ...], before: int, after: int,
            cased: bool = False) -> list[str]:
    """Slices of ``text`` around each occurrence of a key, overlaps merged.

    Keys are lower case and match in any case, or, with ``cased``, only as written.
    The patterns of this package run on these few short slices instead of the whole
    description: finding keys is far cheaper than a case-insensitive regex over 5 KB.
    A slice starts on a word boundary so ``\\b`` keeps its meaning.
    """
    found = _find_cased(text, keys) if cased else _FINDER.find(text, keys)
    size = len(text)
    spans = [(max(0, i - before), min(size, i + len(key) + after))
             for key in keys for i in found.get(key, ())]
    if not spans:
        return []
    spans.sort()
    merged = [spans[0]]
    for start, end in spans[1:]:
        last_start, last_end = merged[-1]
        if start <= last_end:
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    out: list[str] = []
    for start, end in merged:
        while 0 < start < end and text[start - 1].isalnum():
            start += 1
        out.append(text[start:end])
    return out


def lines_with(text: str, keys: tuple[str, ...]) -> list[str]:
    """The whole lines of ``text`` that contain one of the lower-case keys, in order."""
    found = _FINDER.find(text, keys)
    starts = {text.rfind("\n", 0, i) + 1 for key in keys for i in found.get(key, ())}
    out = []
    for start in sorted(starts):
        end = text.find("\n", start)
        out.append(text[start : end if end != -1 else len(text)])
    return out
