"""Signed, expiring links to the student site (SPEC §7): itsdangerous tokens keyed by
INTERNWATCH_SECRET, one salt per purpose, signed and aged on the project clock."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from datetime import timedelta
from urllib.parse import quote

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from config.clock import now as clock_now

SECRET_ENV = "INTERNWATCH_SECRET"
#: how long each kind of signed link works
MAX_AGE = {
    "confirm": timedelta(days=7),
    "manage": timedelta(days=180),
    "unsubscribe": timedelta(days=180),
    "matches": timedelta(days=180),
    "feed": timedelta(days=365),
}


class LinkError(ValueError):
    """A tampered, malformed or expired link; `expired` tells which."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


_VERIFIED: OrderedDict[tuple[str, str, str], tuple[list[str], float]] = OrderedDict()
_VERIFIED_LOCK = threading.Lock()


class ClockSigner(TimestampSigner):
    """Signs and checks ages on the project's clock (INTERNWATCH_NOW in tests and replays)."""

    def get_timestamp(self) -> int:
        return int(clock_now().timestamp())


class Links:
    """Signed, expiring links to the site (itsdangerous, keyed by INTERNWATCH_SECRET)."""

    def __init__(self, public_url: str, secret: str) -> None:
        self.base = public_url.rstrip("/")
        self._secret = secret

    @classmethod
    def from_env(cls, public_url: str) -> Links:
        secret = os.environ.get(SECRET_ENV)
        if not secret:
            raise LinkError(f"{SECRET_ENV} is not set: it signs the student site's links")
        return cls(public_url, secret)

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._secret, salt=f"internwatch-{purpose}", signer=ClockSigner)

    def token(self, purpose: str, *parts: str) -> str:
        return str(self._serializer(purpose).dumps(list(parts)))

    def read(self, purpose: str, token: str) -> list[str]:
        """The parts signed into `token`; raises LinkError when tampered or expired.

        A token verified before is not verified again (the same string always checks the
        same way); only its age is, on the project clock."""
        key = (self._secret, purpose, token)
        with _VERIFIED_LOCK:
            known = _VERIFIED.get(key)
        if known is None:
            serializer = self._serializer(purpose)
            try:
                value, signed_at = serializer.loads(token, return_timestamp=True)
            except BadSignature as exc:
                raise LinkError("this link is not valid (it was changed or cut short)") from exc
            if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
                raise LinkError("this link is not valid")
            known = (list(value), signed_at.timestamp())
            with _VERIFIED_LOCK:
                _VERIFIED[key] = known
                while len(_VERIFIED) > 20_000:
                    _VERIFIED.popitem(last=False)
        parts, signed_at_ts = known
        if clock_now().timestamp() - signed_at_ts > MAX_AGE[purpose].total_seconds():
            raise LinkError("this link has expired", expired=True)
        return list(parts)

    def url(self, purpose: str, *parts: str, suffix: str = "") -> str:
        return f"{self.base}/{purpose}/{self.token(purpose, *parts)}{suffix}"


def with_headers(url: str, headers: dict[str, str]) -> str:
    """An apprise mailto:// URL that adds `headers` to the email (apprise's `+Name=value`)."""
    extra = "&".join(f"%2B{quote(k, safe='-')}={quote(v, safe='')}" for k, v in headers.items())
    return f"{url}{'&' if '?' in url else '?'}{extra}"
