"""Digest rendering: one message per subscription and channel, scraped text made harmless.

Scraped text (titles, companies, places) is stripped of every tag with nh3, then escaped
for the format at hand; chat formats also defuse mass mentions (@everyone, @here,
<!channel>) and markdown link syntax, so a page cannot smuggle markup, scripts or disguised
links into a message.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import nh3

from store.export import place_text
from store.models import Posting
from store.urls import canonical_url

_TAGLIKE = re.compile(r"<[^>]{0,200}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_MENTIONS = re.compile(r"(@)(everyone|here|channel|all)\b|<!(channel|here|everyone)[^>]*>", re.I)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()~>|#])")


def plain(text: str | None, limit: int = 300) -> str:
    """Scraped text as safe plain text: no tags, no control characters, one line."""
    if not text:
        return ""
    cleaned = html.unescape(nh3.clean(text, tags=set()))
    cleaned = _TAGLIKE.sub("", cleaned)
    cleaned = _CONTROL.sub("", cleaned)
    cleaned = defuse_mentions(" ".join(cleaned.split()))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def defuse_mentions(text: str) -> str:
    """Break @everyone/@here/<!channel> so chat services do not ping anyone."""
    return _MENTIONS.sub(
        lambda m: (m.group(1) or "") + "\u200b" + (m.group(2) or m.group(3) or ""), text
    )


def markdown_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links reach a message."""
    if url and re.match(r"^https?://[^\s<>\"']+$", url):
        return url
    return None


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
    why: tuple[str, ...] = ()  # why it matched the subscription (alerts.filters reasons)

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
        if self.why:
            bits.append("matched: " + ", ".join(self.why))
        return " · ".join(bits)

    def structured(self) -> dict[str, Any]:
        return {
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
    subscription: str
    lines: list[Line]
    more: int  # postings matched beyond the ones listed
    stop_hint: str  # how to stop these messages
    more_hint: str  # where to see the rest

    @property
    def title(self) -> str:
        count = len(self.lines) + self.more
        return f"internwatch: {count} new internship{'s' if count != 1 else ''} for {self.subscription}"

    def text(self) -> str:
        out = []
        for line in self.lines:
            out.append(f"- {line.title} at {line.company} ({line.facts()})")
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
            title = markdown_escape(line.title)
            label = f"[{title}]({line.url})" if line.url else title
            out.append(
                f"• {label} at {markdown_escape(line.company)} ({markdown_escape(line.facts())})"
            )
        if self.more:
            out.append(f"… and {self.more} more: {markdown_escape(self.more_hint)}")
        out.append(f"\nTo stop these messages: {markdown_escape(self.stop_hint)}")
        return defuse_mentions("\n".join(out))

    def html(self) -> str:
        e = html.escape
        items = []
        for line in self.lines:
            title = e(line.title)
            link = ""
            if line.url:
                title = f'<a href="{e(line.url, quote=True)}">{title}</a>'
                # the address as text too, so the plain-text alternative keeps the link
                link = f"<br><small>{e(line.url)}</small>"
            items.append(
                f"<li><strong>{title}</strong> at {e(line.company)}<br>{e(line.facts())}{link}</li>"
            )
        more = f"<p>… and {self.more} more: {e(self.more_hint)}</p>" if self.more else ""
        return (
            f"<h2>{e(self.title)}</h2><ul>{''.join(items)}</ul>{more}"
            f'<p style="color:#666">To stop these messages: {e(self.stop_hint)}</p>'
        )

    def structured(self) -> dict[str, Any]:
        return {
            "subscription": self.subscription,
            "postings": [line.structured() for line in self.lines],
            "more": self.more,
            "unsubscribe": self.stop_hint,
        }
