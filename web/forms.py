"""The sign-up and manage form (SPEC §7 field names): parsed into the alerts room's Filter
with one error per field, each saying what to write instead."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args
from urllib.parse import urlsplit

from pydantic import ValidationError

from alerts.filters import Filter
from config.hosts import BlockedAddress, check_host
from config.models import Settings
from store.models import Category

MAX_FIELD = 2000  # characters in one field
MAX_ENTRIES = 25  # entries in one comma-separated list
CATEGORIES: tuple[str, ...] = get_args(Category)
FREQUENCIES = ("instant", "daily", "weekly")
PAY_PERIODS = ("hour", "month", "year")
LIST_FIELDS = ("keywords", "exclude", "companies", "exclude_companies", "locations", "seasons")
TEXT_FIELDS = (
    "email",
    *LIST_FIELDS,
    "graduation",
    "min_pay",
    "min_pay_per",
    "min_pay_currency",
    "frequency",
    "chat",
)
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$")


@dataclass
class Parsed:
    """The form as typed (to show it again), its errors by field, and what it means."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    email: str = ""
    frequency: str = "instant"
    filter: Filter | None = None
    chat: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.filter is not None


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    text = str(first.get("msg", "invalid value"))
    return text.removeprefix("Value error, ")


def parse_form(
    form: Mapping[str, str], categories: Sequence[str], settings: Settings, *, need_email: bool = True
) -> Parsed:
    """Validate every field; `categories` is the repeated `categories` field."""
    out = Parsed()
    for name in TEXT_FIELDS:
        raw = form.get(name, "")
        raw = raw if isinstance(raw, str) else ""
        if len(raw) > MAX_FIELD:
            out.values[name] = raw[:200]
            out.errors[name] = f"too long: at most {MAX_FIELD} characters"
        else:
            out.values[name] = raw.strip()
    out.values["categories"] = [c for c in categories if isinstance(c, str)][:20]
    out.values["needs_sponsorship"] = form.get("needs_sponsorship") in ("on", "1", "true", "yes")
    values = out.values

    if need_email and "email" not in out.errors:
        email = values["email"]
        if not email:
            out.errors["email"] = "required: the address we send your alerts to"
        elif len(email) > 254 or not _EMAIL.match(email):
            out.errors["email"] = "not an email address we can send to (like you@example.edu)"
        else:
            out.email = email.lower()

    data: dict[str, Any] = {}
    for name in LIST_FIELDS:
        if name in out.errors or not values[name]:
            continue
        entries = split_list(values[name])
        if len(entries) > MAX_ENTRIES:
            out.errors[name] = f"at most {MAX_ENTRIES} entries, separated by commas"
            continue
        _check(out, data, name, entries)

    unknown = [c for c in values["categories"] if c not in CATEGORIES]
    if unknown:
        out.errors["categories"] = (
            f"unknown category {unknown[0][:40]!r}; choose among: {', '.join(CATEGORIES)}"
        )
    elif values["categories"]:
        data["categories"] = values["categories"]

    if values["graduation"] and "graduation" not in out.errors:
        _check(out, data, "graduation", values["graduation"])

    _min_pay(out, data)
    if values["needs_sponsorship"]:
        data["needs_sponsorship"] = True

    frequency = values["frequency"] or "instant"
    if frequency not in FREQUENCIES:
        out.errors["frequency"] = f"choose one of: {', '.join(FREQUENCIES)}"
    out.frequency = frequency

    if values["chat"] and "chat" not in out.errors:
        _chat(out, settings)

    if not out.errors:
        try:
            out.filter = Filter.model_validate(data)
        except ValidationError as exc:  # a combination no single field showed
            out.errors["form"] = _message(exc)
    return out


def _check(out: Parsed, data: dict[str, Any], name: str, value: Any) -> None:
    """One filter key validated alone, so its error lands beside its field."""
    try:
        Filter.model_validate({name: value})
    except ValidationError as exc:
        message = _message(exc)
        if name == "graduation":
            message = "write the month you graduate as YYYY-MM, e.g. 2027-06"
        out.errors[name] = message
        return
    data[name] = value


def _min_pay(out: Parsed, data: dict[str, Any]) -> None:
    values = out.values
    amount_text = values["min_pay"]
    if not amount_text or "min_pay" in out.errors:
        return
    try:
        amount = float(amount_text.replace(",", ""))
    except ValueError:
        out.errors["min_pay"] = "a number, e.g. 30 (per hour) or 60000 (per year)"
        return
    if not 0 <= amount <= 10_000_000:
        out.errors["min_pay"] = "a number between 0 and 10,000,000"
        return
    per = values["min_pay_per"] or "hour"
    if per not in PAY_PERIODS:
        out.errors["min_pay_per"] = f"choose one of: {', '.join(PAY_PERIODS)}"
        return
    currency = (values["min_pay_currency"] or "USD").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        out.errors["min_pay_currency"] = "a three-letter currency code, e.g. USD, EUR, SGD"
        return
    data["min_pay"] = {"amount": amount, "per": per, "currency": currency}


def _chat(out: Parsed, settings: Settings) -> None:
    urls = [line.strip() for line in out.values["chat"].splitlines() if line.strip()]
    if len(urls) > 5:
        out.errors["chat"] = "at most 5 chat channels"
        return
    for url in urls:
        error = check_chat_url(url, settings)
        if error:
            out.errors["chat"] = error
            return
    out.chat = urls


def check_chat_url(url: str, settings: Settings) -> str | None:
    """Why this chat URL is refused, or None. Only `web.chat` services; a host that
    resolves to a loopback, private, link-local or reserved address is refused unless it is
    in `allow_private_hosts` (SPEC §5). Checked again at send time by the delivery."""
    allowed = settings.web.chat
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if not allowed:
        return "this site does not offer chat channels"
    if scheme not in allowed:
        return f"only these services: {', '.join(s + '://' for s in allowed)}"
    import apprise

    if apprise.Apprise.instantiate(url, suppress_exceptions=True) is None:
        return f"not a {scheme}:// address apprise understands; copy it from the service's settings"
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return "not a valid address"
    # Services with a fixed endpoint (discord://ID/TOKEN, tgram://BOT/CHAT) carry ids, not a
    # host, where the URL's host would be; a host is a name with a dot, an IP or localhost.
    if "." in host or ":" in host or host == "localhost" or host.isdigit() and len(host) < 4:
        try:
            check_host(host, settings.allow_private_hosts)
        except BlockedAddress as exc:
            return f"refused: {exc}"
    return None
