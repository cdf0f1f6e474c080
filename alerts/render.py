"""Digest rendering: one message per subscription and channel, scraped text made harmless.

Every scraped field goes through store/harmless.py (tags stripped, control characters
removed, mentions and markdown link joints broken, links http(s) only and percent-encoded),
then is escaped for the format at hand. A link is always shown as its own address, so no
message carries a link whose visible text differs from its target.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from store.export import place_text
from store.harmless import defuse_mentions, http_url, text
from store.models import Posting
from store.urls import canonical_url

__all__ = ["Digest", "Line", "defuse_mentions", "markdown_escape", "plain", "safe_url"]

#: the punctuation that opens markdown syntax inside a line (links, emphasis, code, HTML)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]~<>|])")


def plain(value: str | None, limit: int = 300) -> str:
    """Scraped text as safe plain text: no tags, no control characters, one line."""
    return text(value, limit)


def markdown_escape(value: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", value)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links reach a message, percent-encoded so no markup can ride on them."""
    return http_url(url)


def pay_text(posting: Posting) -> str | None:
    pay = posting.pay
    if pay is None or (pay.min is None and pay.max is None):
        return None

    def _n(x: float) -> str:
        return f"{x:,.0f}" if x >= 100 or x == int(x) else f"{x:,.2f}"

    low, high = pay.min, pay.max
    amount = _n(low) if low is not None else _n(high)  # type: ignore[arg-type]
    if low is not None and high is not None and high != low:
        amount = f"{_n(low)}–{_n(high)}"
    per = f"/{pay.per}" if pay.per else ""
    return f"{pay.currency + ' ' if pay.currency else ''}{amount}{per}"


@dataclass(frozen=True)
class Line:
    """One posting, every field already made safe as plain text."""

    title: str
    company: str
    where: str
    pay: str | None
    deadline: str | None
    url: str | None
    #: the posting's stable id (JSON receivers may drop a posting they already have)
    id: str = ""
    #: why it matched the subscription (alerts.filters reasons), shown as "matched: ..." (SPEC §5)
    why: tuple[str, ...] = ()

    @classmethod
    def of(cls, posting: Posting, why: Sequence[str] = ()) -> Line:
        return cls(
            title=plain(posting.title, 150),
            company=plain(posting.company, 80),
            where=plain(place_text(posting), 160),
            pay=plain(pay_text(posting)) or None,
            deadline=posting.deadline,
            url=safe_url(canonical_url(posting.apply_url) if posting.apply_url else None)
            or safe_url(posting.url),
            id=plain(posting.id),
            why=tuple(plain(reason, 60) for reason in why),
        )

    def facts(self) -> str:
        bits = [self.where]
        if self.pay:
            bits.append(self.pay)
        if self.deadline:
            bits.append(
                "rolling deadline" if self.deadline == "rolling" else f"apply by {self.deadline}"
            )
        return " · ".join(bits)

    def reason(self) -> str | None:
        """The per-posting "matched: ..." line, or None."""
        return "matched: " + ", ".join(self.why) if self.why else None

    def structured(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "company": self.company,
            "locations": self.where,
            "pay": self.pay,
            "deadline": self.deadline,
            "url": self.url,
            "matched": list(self.why),
        }


@dataclass(frozen=True)
class Digest:
    """One message. Links are shown as their own address in every format (never as a label)."""

    subscription: str
    lines: list[Line]
    more: int  # postings matched beyond the ones listed
    stop_hint: str  # how to stop these messages
    more_hint: str  # where to see the rest
    #: the same for every retry of this message (SPEC §5): JSON receivers drop repeats by it
    digest_id: str = ""

    @property
    def title(self) -> str:
        count = len(self.lines) + self.more
        return f"internwatch: {count} new internship{'s' if count != 1 else ''} for {self.subscription}"

    def text(self) -> str:
        out = []
        for line in self.lines:
            out.append(f"- {line.title} at {line.company} ({line.facts()})")
            if line.reason():
                out.append(f"  {line.reason()}")
            if line.url:
                out.append(f"  {line.url}")
        if self.more:
            out.append(f"... and {self.more} more: {self.more_hint}")
        out.append("")
        out.append(f"To stop these messages: {self.stop_hint}")
        return defuse_mentions("\n".join(out))

    def markdown(self) -> str:
        out = []
        for line in self.lines:
            out.append(
                f"• {markdown_escape(line.title)} at {markdown_escape(line.company)}"
                f" ({markdown_escape(line.facts())})"
            )
            reason = line.reason()
            if reason:
                out.append(f"  {markdown_escape(reason)}")
            if line.url:
                out.append(f"  <{line.url}>")  # an autolink: the address is the visible text
        if self.more:
            out.append(f"… and {self.more} more: {markdown_escape(self.more_hint)}")
        out.append(f"\nTo stop these messages: {markdown_escape(self.stop_hint)}")
        return defuse_mentions("\n".join(out))

    def html(self) -> str:
        e = html.escape
        items = []
        for line in self.lines:
            reason = line.reason()
            extra = f"<br><em>{e(reason)}</em>" if reason else ""
            if line.url:
                extra += f'<br><a href="{e(line.url, quote=True)}">{e(line.url)}</a>'
            items.append(
                f"<li><strong>{e(line.title)}</strong> at {e(line.company)}<br>{e(line.facts())}"
                f"{extra}</li>"
            )
        more = f"<p>… and {self.more} more: {e(self.more_hint)}</p>" if self.more else ""
        return (
            f"<h2>{e(self.title)}</h2><ul>{''.join(items)}</ul>{more}"
            f'<p style="color:#666">To stop these messages: {e(self.stop_hint)}</p>'
        )

    def structured(self) -> dict[str, Any]:
        return {
            "digest_id": self.digest_id,
            "subscription": self.subscription,
            "postings": [line.structured() for line in self.lines],
            "more": self.more,
            "unsubscribe": self.stop_hint,
        }
