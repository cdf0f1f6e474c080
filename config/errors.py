"""Config errors that name the file, the entry and the key, and say what was expected."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError


class ConfigError(Exception):
    """Invalid configuration. `str()` is the one line printed to the user (exit 2)."""


def suggest(word: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the nearest candidate, or ''."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def entry_label(section: str, index: int, entry: Any) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"{section}[{index}]" + (f" (name: {name})" if name else "")


def _loc_text(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def format_validation_error(
    where: str, exc: ValidationError, known_keys: Mapping[tuple[str | int, ...], Iterable[str]]
) -> str:
    """Turn pydantic's error into lines like `file: entry: unknown key 'bord' (did you mean 'board'?)`.

    `known_keys` maps a location prefix (the path of a nested object) to the keys allowed there,
    for the spelling suggestion.
    """
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            parent = loc[:-1]
            hint = suggest(key, known_keys.get(parent, ()))
            path = _loc_text(parent)
            lines.append(f"{where}: unknown key '{path + '.' if path else ''}{key}'{hint}")
        else:
            path = _loc_text(loc)
            msg = err["msg"]
            shown = err.get("input")
            got = f" (got {shown!r})" if isinstance(shown, str | int | float | bool) else ""
            lines.append(f"{where}: {path + ': ' if path else ''}{msg}{got}")
    return "\n".join(lines)
