"""The one clock: `INTERNWATCH_NOW` replaces it for everything time-based (SPEC §3)."""

from __future__ import annotations

import os
from datetime import UTC, datetime


class ClockError(ValueError):
    pass


def parse_instant(text: str) -> datetime:
    """Parse an ISO datetime; a naive one is taken as UTC. Returns an aware UTC datetime."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ClockError(f"not an ISO datetime: {text!r}") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def now() -> datetime:
    """Current time in UTC, or `INTERNWATCH_NOW` when set."""
    fixed = os.environ.get("INTERNWATCH_NOW")
    if fixed:
        return parse_instant(fixed)
    return datetime.now(UTC)


def iso(value: datetime) -> str:
    """The storage form of an instant: ISO 8601, UTC, seconds precision."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat()
