"""The look-ahead of every `fast_regex` pattern admits every character a match can start with.

`spiders.enrich.text.fast_regex` puts `(?=[first])` in front of a pattern to skip positions
quickly; a `first` class that misses a starting character would silently lose matches (an
alternative added later, starting with a new letter). This walks each registered pattern's
parse tree (the stdlib `re._parser`) for the characters a match can begin with.
"""

from __future__ import annotations

import re
import sys
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

import pytest

import spiders.enrich  # noqa: F401  (imports every module, so every pattern is registered)
from spiders.enrich.text import FAST_PATTERNS, fast_regex

DIGITS = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isdecimal()]
SPACES = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]


def _first_items(seq: Any) -> tuple[list[tuple[Any, Any]], bool]:
    """(items a match can start with, whether the sequence can match empty)."""
    out: list[tuple[Any, Any]] = []
    for op, av in seq:
        items, nullable = _first_of(op, av)
        out += items
        if not nullable:
            return out, False
    return out, True


def _first_of(op: Any, av: Any) -> tuple[list[tuple[Any, Any]], bool]:
    if op in (C.LITERAL, C.IN, C.NOT_LITERAL, C.ANY):
        return [(op, av)], False
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return [], True
    if op is C.SUBPATTERN:
        return _first_items(av[3])
    if op is C.ATOMIC_GROUP:
        return _first_items(av)
    if op is C.BRANCH:
        out, nullable = [], False
        for alternative in av[1]:
            items, empty = _first_items(alternative)
            out += items
            nullable |= empty
        return out, nullable
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _, sub = av
        items, empty = _first_items(sub)
        return items, empty or low == 0
    raise AssertionError(f"pattern element not handled by this check: {op}")


def _chars(op: Any, av: Any) -> list[str]:
    if op is C.LITERAL:
        return [chr(av)]
    if op is C.IN:
        out: list[str] = []
        for kind, value in av:
            if kind is C.LITERAL:
                out.append(chr(value))
            elif kind is C.RANGE:
                out += [chr(c) for c in range(value[0], value[1] + 1)]
            elif kind is C.CATEGORY and value is C.CATEGORY_DIGIT:
                out += DIGITS
            elif kind is C.CATEGORY and value is C.CATEGORY_SPACE:
                out += SPACES
            else:
                raise AssertionError(f"class element not handled by this check: {kind} {value}")
        return out
    raise AssertionError(f"a match can start with any character ({op}): fast_regex cannot help")


def missing_starts(first: str, pattern: str, flags: int) -> list[str]:
    """Characters a match of `pattern` can start with that the class `[first]` refuses."""
    allowed = re.compile(f"[{first}]", flags)
    items, nullable = _first_items(P.parse(pattern, flags & ~re.UNICODE))
    assert not nullable, f"{pattern!r} can match the empty string"
    return sorted({c for op, av in items for c in _chars(op, av) if not allowed.match(c)})


def test_patterns_are_registered() -> None:
    assert len(FAST_PATTERNS) >= 10


@pytest.mark.parametrize("first,pattern,flags", FAST_PATTERNS, ids=lambda v: str(v)[:40])
def test_look_ahead_admits_every_first_character(first: str, pattern: str, flags: int) -> None:
    assert missing_starts(first, pattern, flags) == []


def test_the_check_catches_a_missing_letter() -> None:
    # "per" and "hourly" can start a match; a class of "p" alone would lose "hourly"
    assert missing_starts("p", r"per|hourly", re.I) == ["h"]
    assert missing_starts("ph", r"per|hourly", re.I) == []
    assert missing_starts("ph", r"(?:per|hourly)|\d+ ?h", 0) == DIGITS
    rx = fast_regex("p", r"per|hourly", re.I)
    assert rx.search("paid hourly") is None  # what a wrong class silently does
    FAST_PATTERNS.pop()  # keep the registry to the package's own patterns
