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

from config.errors import ConfigError

_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")
_QUERY_VALUE = re.compile(r"(?<=[?&])([^=&\s]+)=([^&\s#]+)")
_PATH_TOKEN = re.compile(r"/([A-Za-z0-9_\-]{16,})")

_SAFE_QUERY_KEYS = frozenset({"to", "from", "cc", "bcc", "format", "mode", "smtp", "port", "name"})
#: apprise's privacy mode shows a secret's first and last character ("S...d"): hide those too
_APPRISE_PARTIAL = re.compile(r"(?<=[/@:])[^\s/@:?&]\.\.\.[^\s/@:?&](?=[/@?&:\s]|$)")
#: query keys whose values are secret in a source URL (`?api_key=...`)
_SECRET_QUERY_KEY = re.compile(r"key|token|secret|pass|auth|sig|credential|session", re.I)


def generic_mask(url: str) -> str:
    """Mask user:password@, long path tokens and query values (except harmless keys)."""
    masked = _USERINFO.sub("****@", url)

    def _q(match: re.Match[str]) -> str:
        key = match.group(1)
        return match.group(0) if key.lower() in _SAFE_QUERY_KEYS else f"{key}=****"

    masked = _QUERY_VALUE.sub(_q, _APPRISE_PARTIAL.sub("****", masked))
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

    def add_source_url(self, url: str) -> None:
        """A source URL's credentials and secret-looking query values (`?api_key=...`)."""
        try:
            split = urlsplit(url)
        except ValueError:
            return
        found = {split.password or "", unquote(split.password or "")}
        found |= {v for k, v in parse_qsl(split.query) if _SECRET_QUERY_KEY.search(k)}
        self.add({s for s in found if len(s) >= 4})

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
        text = _APPRISE_PARTIAL.sub("****", text)
        return pattern.sub("****", text) if pattern else text

    def filter(self, record: logging.LogRecord) -> bool:
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


# -- notify URLs at rest ----------------------------------------------------------------------

#: marks a sealed value; a value without it is a row written before sealing (read as is)
SEALED_PREFIX = "iw1:"
KEY_SUFFIX = ".key"


class SecretError(ConfigError):
    """A sealed value that cannot be opened with the keys at hand (exit 2, with what to do)."""


class Vault:
    """Notify URLs encrypted at rest (SPEC §5: no secret in clear in the database file).

    Fernet (AES-128-CBC + HMAC-SHA256). The key is derived from `INTERNWATCH_SECRET` (HKDF)
    when it is set, else read from a key file beside the database (`<db>.key`, created 0600
    on first use). Both keys open what either sealed, so setting `INTERNWATCH_SECRET` later
    (to start the site) keeps old rows readable. Encrypting, rather than keeping `${VAR}`
    unexpanded, also covers URLs a student types on the site or the CLI, which hold their
    secret literally.
    """

    def __init__(self, keys: list[bytes], where: str) -> None:
        from cryptography.fernet import Fernet, MultiFernet

        self._fernet = MultiFernet([Fernet(k) for k in keys])
        self.where = where

    def seal(self, value: str) -> str:
        return SEALED_PREFIX + self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def open(self, value: str) -> str:
        if not value.startswith(SEALED_PREFIX):
            return value
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(value[len(SEALED_PREFIX):].encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise SecretError(
                f"cannot decrypt a stored notify URL with {self.where}: restore the key file"
                " or the INTERNWATCH_SECRET it was saved with, or add the subscription again"
            ) from None


_vaults: dict[tuple[str, str], Vault] = {}
_vault_lock = threading.Lock()


def vault_for(db_path: str) -> Vault:
    """The vault of the database at `db_path` ('' or ':memory:': a key for this process only)."""
    import base64
    import hashlib
    import os

    secret = os.environ.get("INTERNWATCH_SECRET", "")
    marker = hashlib.sha256(secret.encode("utf-8")).hexdigest()
    with _vault_lock:
        cached = _vaults.get((db_path, marker))
        if cached is not None:
            return cached
        keys: list[bytes] = []
        where: list[str] = []
        if secret:
            keys.append(_derive(secret))
            where.append("INTERNWATCH_SECRET")
        if db_path in ("", ":memory:"):
            keys.append(base64.urlsafe_b64encode(os.urandom(32)))
            where.append("a key for this process")
        else:
            key_file = db_path + KEY_SUFFIX
            key = _read_key(key_file, create=not secret)
            if key is not None:
                keys.append(key)
                where.append(f"the key file {key_file}")
        vault = _vaults[(db_path, marker)] = Vault(keys, " or ".join(where))
        return vault


def _derive(secret: str) -> bytes:
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"internwatch", info=b"notify urls at rest"
    ).derive(secret.encode("utf-8"))
    return base64.urlsafe_b64encode(raw)


def _read_key(path: str, *, create: bool) -> bytes | None:
    """The key in `path`; created (readable by its owner only) when missing and `create`."""
    import base64
    import os

    try:
        with open(path, "rb") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        if not create:
            return None
    key = base64.urlsafe_b64encode(os.urandom(32))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        with open(path, "rb") as handle:
            return handle.read().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    return key
