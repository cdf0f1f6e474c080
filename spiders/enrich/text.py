"""Shared text helpers: month and number words, whitespace folding."""

from __future__ import annotations

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
NUMBER_RE = r"(?:\d{1,2}(?:\.5)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"

_ODD_SPACES = ("\t", "\u00a0", "\u2009", "\u202f")


def number(token: str) -> float:
    """"6" -> 6.0, "six" -> 6.0; callers only pass tokens matched by NUMBER_RE."""
    token = token.lower()
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    return float(token)


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


def lowered(text: str) -> str:
    """``text.lower()`` with the same length as ``text`` (so offsets carry over)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def windows(text: str, keys: tuple[str, ...], before: int, after: int,
            low: str | None = None) -> list[str]:
    """Slices of ``text`` around each occurrence of a lower-case key, overlaps merged.

    The patterns of this package run on these few short slices instead of the whole
    description: one ``str.find`` per key is far cheaper than a case-insensitive regex
    over 5 KB. A slice starts on a word boundary so ``\\b`` keeps its meaning.
    """
    if low is None:
        low = lowered(text)
    spans: list[tuple[int, int]] = []
    size = len(text)
    for key in keys:
        i = low.find(key)
        while i != -1:
            spans.append((max(0, i - before), min(size, i + len(key) + after)))
            i = low.find(key, i + 1)
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


def lines_with(text: str, keys: tuple[str, ...], low: str | None = None) -> list[str]:
    """The whole lines of ``text`` that contain one of the lower-case keys, in order."""
    if low is None:
        low = lowered(text)
    starts: set[int] = set()
    for key in keys:
        i = low.find(key)
        while i != -1:
            starts.add(text.rfind("\n", 0, i) + 1)
            i = low.find(key, i + 1)
    out = []
    for start in sorted(starts):
        end = text.find("\n", start)
        out.append(text[start : end if end != -1 else len(text)])
    return out
