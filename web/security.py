"""CSRF tokens, the per-client sign-up limit, and double-submit detection.

CSRF is a signed double submit: a random cookie, and in every form a token that signs (with
a key from INTERNWATCH_SECRET) the cookie's value, a one-time form id and the time. A POST whose
token does not carry its own cookie is refused. The RFC 8058 one-click unsubscribe is
exempt: it carries no cookie by design, and its signed link is the authorisation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque

COOKIE = "iw_csrf"
FORM_MAX_AGE = 24 * 3600


class CsrfError(ValueError):
    pass


class Csrf:
    """Tokens `FORMID.STAMP.MAC`: an HMAC-SHA256 (key derived from INTERNWATCH_SECRET) over
    the cookie, a one-time form id and the time; checked in constant time."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"internwatch-csrf\0" + secret.encode()).digest()

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(16)

    def _mac(self, cookie: str, form_id: str, stamp: str) -> str:
        message = f"{cookie}|{form_id}|{stamp}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    def token(self, cookie: str) -> str:
        form_id, stamp = secrets.token_urlsafe(8), str(int(time.time()))
        return f"{form_id}.{stamp}.{self._mac(cookie, form_id, stamp)}"

    def check(self, cookie: str | None, token: str | None) -> str:
        """The form id of a valid token for this cookie; raises CsrfError otherwise."""
        if not cookie or not token:
            raise CsrfError("missing")
        parts = token.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            raise CsrfError("malformed token")
        form_id, stamp, mac = parts
        if not hmac.compare_digest(mac, self._mac(cookie, form_id, stamp)):
            raise CsrfError("token of another browser, or changed")
        if not 0 <= time.time() - int(stamp) <= FORM_MAX_AGE:
            raise CsrfError("expired")
        return form_id


class SlidingLimit:
    """At most `limit` events per `window` seconds per key (one process: the site is one)."""

    def __init__(self, limit: int, window: float, max_keys: int = 100_000) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and now - events[0] > self.window:
                events.popleft()
            allowed = len(events) < self.limit
            if allowed:
                events.append(now)
            self._events[key] = events
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
            return allowed


class OnceOnly:
    """Form ids already used (a double submit is told so and changes nothing)."""

    def __init__(self, max_items: int = 200_000) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self.max_items = max_items

    def first_time(self, form_id: str) -> bool:
        with self._lock:
            if form_id in self._seen:
                return False
            self._seen[form_id] = None
            while len(self._seen) > self.max_items:
                self._seen.popitem(last=False)
            return True
