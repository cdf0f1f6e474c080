"""Scraped text and links made harmless for every output (SPEC §5): alert messages and exports.

One rule set, used by alerts/render.py and store/export.py alike:

- text: every tag stripped (nh3, which also drops script and style content), entities
  decoded, then anything that could still open a tag (`<` before a letter, `/`, `!`, `?`)
  turned into `‹`; control characters (ESC, BEL, NUL, C1, bidi overrides, XML-invalid code
  points) removed; mass mentions (@everyone, @here, <!channel>) broken with a zero-width
  space; markdown's inline-link joint `](` broken the same way, so a receiver that renders
  plain text as markdown (Mattermost, Discord) shows no disguised link.
- links: http(s) only, with a host; credentials dropped (`https://ok.example@evil.example`);
  percent-encoded with w3lib, plus the characters that end or open markdown and HTML syntax
  (`( ) [ ] < > ' " * \\ |` ...) in the path and query, so a URL such as
  `https://ok.example/jobs/9)[PHISH](http://evil.example/login` stays one link to ok.example.
  Every format shows a link as its own address: the visible text is the target.
- CSV cells: a cell starting with `= + - @`, tab or CR gets a leading `'` (OWASP's advice
  against formula injection).
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote, urlsplit, urlunsplit

import nh3
from w3lib.url import safe_url_string

#: C0 controls except tab/newline/CR, DEL, C1, bidi embeddings/overrides/isolates, and the
#: code points XML 1.0 forbids (surrogates, U+FFFE/U+FFFF)
CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
    r"\ud800-\udfff\ufffe\uffff]"
)
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_MENTIONS = re.compile(r"(@)(everyone|here|channel|all)\b|<!(channel|here|everyone)", re.I)
_LINK_JOINT = re.compile(r"\]\s*\(")
#: characters left encoded in a link's path, query and fragment: markdown and HTML syntax
_LINK_UNSAFE = re.compile(r"[()\[\]<>'\"`*\\|{}^ ]")
ZWSP = "\u200b"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_mentions(value: str) -> str:
    """Break @everyone/@here/<!channel> so chat services do not ping anyone."""
    return _MENTIONS.sub(
        lambda m: (m.group(1) or "<!") + ZWSP + (m.group(2) or m.group(3) or ""), value
    )


def text(value: str | None, limit: int | None = None, *, multiline: bool = False) -> str:
    """Scraped text as harmless plain text; one line unless `multiline` (then newlines stay)."""
    if not value:
        return ""
    cleaned = html.unescape(nh3.clean(value, tags=set()))
    cleaned = _TAG_OPEN.sub("‹", CONTROL.sub("", cleaned))
    if multiline:
        lines = cleaned.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        cleaned = "\n".join(" ".join(line.split()) for line in lines).strip()
    else:
        cleaned = " ".join(cleaned.split())
    cleaned = _LINK_JOINT.sub("]" + ZWSP + "(", defuse_mentions(cleaned))
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return cleaned


def http_url(url: str | None) -> str | None:
    """The link as it may appear in any output, or None when it is not a plain http(s) URL."""
    if not url:
        return None
    url = url.strip()
    if CONTROL.search(url) or any(ch.isspace() for ch in url):
        return None
    try:
        split = urlsplit(url)
        host, port = split.hostname, split.port
    except ValueError:
        return None
    if split.scheme.lower() not in ("http", "https") or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    rebuilt = urlunsplit((split.scheme.lower(), netloc, split.path or "/", split.query, split.fragment))
    safe = urlsplit(safe_url_string(rebuilt))
    if not safe.hostname or not re.fullmatch(r"[A-Za-z0-9.\-:\[\]]+", safe.netloc):
        return None

    def _enc(part: str) -> str:
        return _LINK_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", part)

    link = urlunsplit(
        (safe.scheme, safe.netloc, _enc(safe.path), _enc(safe.query), _enc(safe.fragment))
    )
    # a percent-encoded control character (%00, %1B) is no part of a real posting's address
    return None if CONTROL.search(unquote(link)) else link


def csv_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text, never evaluates as a formula."""
    value = CONTROL.sub("", value)
    if value.lstrip(" ").startswith(FORMULA_START):
        return "'" + value
    return value
