"""Keep notify-URL secrets out of every log line, error and output.

Two layers: `mask_url` renders a URL the way a person may see it (apprise's privacy mode where
apprise knows the scheme, a generic mask of credentials and query values otherwise), and
`Redactor` replaces every registered secret string wherever it would be printed (a logging
filter, and a function for text that does not go through logging, such as stored errors).
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import parse_qsl, unquote, urlsplit

_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")
_QUERY_VALUE = re.compile(r"(?<=[?&])([^=&\s]+)=([^&\s#]+)")
_PATH_TOKEN = re.compile(r"/([A-Za-z0-9_\-]{16,})")

_SAFE_QUERY_KEYS = frozenset({"to", "from", "cc", "bcc", "format", "mode", "smtp", "port", "name"})


def generic_mask(url: str) -> str:
    """Mask user:password@, long path tokens and query values (except harmless keys)."""
    masked = _USERINFO.sub("****@", url)

    def _q(match: re.Match[str]) -> str:
        key = match.group(1)
        return match.group(0) if key.lower() in _SAFE_QUERY_KEYS else f"{key}=****"

    masked = _QUERY_VALUE.sub(_q, masked)
    return _PATH_TOKEN.sub(lambda m: "/" + m.group(1)[:2] + "****", masked)


def mask_url(url: str) -> str:
    """A printable form of a notify URL with its secrets hidden.

    Apprise's privacy mode where apprise knows the scheme, then the query string (options,
    tokens) dropped, keeping only who receives it (`to=`); credentials and long path tokens
    are masked either way.
    """
    try:
        import apprise

        plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    except Exception:  # noqa: BLE001 - a URL apprise chokes on is still masked below
        plugin = None
    shown = str(plugin.url(privacy=True)) if plugin is not None else url
    base, _, query = shown.partition("?")
    keep = [part for part in query.split("&") if part.lower().startswith("to=")]
    return generic_mask(base + ("?" + "&".join(keep) if keep else ""))


def secret_parts(url: str) -> set[str]:
    """Every substring of a notify URL that may be secret (passwords, tokens, keys)."""
    parts: set[str] = set()
    try:
        split = urlsplit(url)
    except ValueError:
        return {url}
    if split.password:
        parts.update({split.password, unquote(split.password)})
    if split.username:
        parts.update({split.username, unquote(split.username)})
    for segment in split.path.split("/"):
        if len(segment) >= 8:
            parts.add(segment)
    for host_part in (split.hostname or "").split("."):
        # tokens sit in the host part for several services (e.g. slack://TOKEN_A/TOKEN_B)
        if len(host_part) >= 12:
            parts.add(host_part)
    for key, value in parse_qsl(split.query):
        if key.lower() not in _SAFE_QUERY_KEYS and len(value) >= 4:
            parts.add(value)
    return {p for p in parts if len(p) >= 4}


class Redactor(logging.Filter):
    """Replaces registered secrets with '****' in log records and text."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add_url(self, url: str) -> None:
        self.add(secret_parts(url))

    def add(self, secrets: set[str]) -> None:
        with self._lock:
            new = {s for s in secrets if s} - self._secrets
            if not new:
                return
            self._secrets |= new
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def redact(self, text: str) -> str:
        pattern = self._pattern
        return pattern.sub("****", text) if pattern else text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        message = record.getMessage()
        record.msg = self.redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


REDACTOR = Redactor()


def install_log_redaction() -> None:
    """Attach the process-wide redactor to every handler of the root logger (and new ones)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if REDACTOR not in handler.filters:
            handler.addFilter(REDACTOR)
