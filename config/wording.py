"""Counted nouns in output lines: "1 posting", "2 postings"."""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`count` and the noun, singular for exactly one; `many` for irregular plurals."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"
