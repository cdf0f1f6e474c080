"""CSRF tokens, the per-client sign-up limit, and double-submit detection.

CSRF is a signed double submit: a random cookie, and in every form a token signed with
INTERNWATCH_SECRET that carries the cookie's value and a one-time form id. A POST whose
token does not carry its own cookie is refused. The RFC 8058 one-click unsubscribe is
exempt: it carries no cookie by design, and its signed link is the authorisation.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict, deque

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "iw_csrf"
FORM_MAX_AGE = 24 * 3600


class CsrfError(ValueError):
    pass


class Csrf:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="internwatch-csrf")

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(16)

    def token(self, cookie: str) -> str:
        return str(self._serializer.dumps([cookie, secrets.token_urlsafe(8)]))

    def check(self, cookie: str | None, token: str | None) -> str:
        """The form id of a valid token for this cookie; raises CsrfError otherwise."""
        if not cookie or not token:
            raise CsrfError("missing")
        try:
            value = self._serializer.loads(token, max_age=FORM_MAX_AGE)
        except BadSignature as exc:
            raise CsrfError("bad token") from exc
        if not isinstance(value, list) or len(value) != 2 or value[0] != cookie:
            raise CsrfError("token of another browser")
        return str(value[1])


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
