"""Pydantic models of sources.yaml, subscriptions.yaml and settings.yaml (SPEC §2, §3).

The per-type keys of a source (board, site, company_id, ...) are declared by the spider of
that type; this room imports nothing of ours, so the loader is handed a `TypeSpec` per type.
Likewise the filter model belongs to alerts/ and is handed to the subscription loader.
"""

from __future__ import annotations

import ipaddress
import string
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SLUG = r"^[a-z0-9][a-z0-9-]*$"


@dataclass(frozen=True)
class TypeSpec:
    """What a source type needs from its config entry."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    needs_company: bool = True  # False where the type reports the company itself
    needs_url: bool = False


class SourceConfig(BaseModel):
    """One entry of sources.yaml. Type-specific keys land in `options`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=SLUG)
    type: str
    company: str | None = None
    enabled: bool = True
    url: str | None = None
    max_pages: int = Field(default=50, ge=1, le=10_000)
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    def option(self, key: str) -> Any:
        return self.options.get(key)


COMMON_SOURCE_KEYS: tuple[str, ...] = ("name", "type", "company", "enabled", "url", "max_pages")

Frequency = Literal["instant", "daily", "weekly"]


class SubscriptionConfig(BaseModel):
    """One entry of subscriptions.yaml; `filter` is validated by the alerts room's model."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=SLUG)
    notify: list[str] = Field(min_length=1)
    frequency: Frequency = "instant"
    filter: dict[str, Any] = Field(default_factory=dict)
    paused: bool = False


class WebSettings(BaseModel):
    """settings.yaml `web:`, the student site (SPEC §3, §7). Without `public_url`, messages
    carry no links to the site and nothing depends on it."""

    model_config = ConfigDict(extra="forbid")

    #: base of every link in messages and on the site, e.g. https://alerts.example.edu
    public_url: str | None = None
    #: apprise mailto:// URL that sends students' email (the student is the recipient)
    mail: str | None = None
    #: chat services (apprise schemes) a student may add on the site; default none
    chat: list[str] = Field(default_factory=list)
    #: addresses or networks of reverse proxies whose X-Forwarded-For names the client (the
    #: per-client sign-up limit); default none: the TCP peer is the client
    trusted_proxies: list[str] = Field(default_factory=list)

    @field_validator("public_url")
    @classmethod
    def _http_base(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")) or "?" in value or "#" in value:
            raise ValueError("must be an http:// or https:// base URL without ? or #")
        return value.rstrip("/")

    @field_validator("mail")
    @classmethod
    def _mailto(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("mailto://", "mailtos://")):
            raise ValueError("must be an apprise mailto:// or mailtos:// URL")
        return value

    @field_validator("chat")
    @classmethod
    def _schemes(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.isalnum() or value.lower() in ("mailto", "mailtos", "json", "jsons", "form", "xml"):
                raise ValueError(
                    f"chat entry {value!r} is not a chat service's apprise scheme"
                    " (e.g. discord, slack, tgram, ntfy)"
                )
        return [v.lower() for v in values]

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise ValueError(
                    f"trusted_proxies entry {value!r} is not an IP address or network"
                    " (e.g. 127.0.0.1 or 10.0.0.0/8; '*' and host names are refused: any client"
                    " could then choose the address it is counted under)"
                ) from None
        return values


class Settings(BaseModel):
    """settings.yaml (optional) plus environment overrides (SPEC §3)."""

    model_config = ConfigDict(extra="forbid")

    user_agent: str = (
        "internwatch/0.1 (+https://github.com/internwatch/internwatch; polite internship crawler)"
    )
    max_digest: int = Field(default=20, ge=1, le=500)
    operator_notify: list[str] = Field(default_factory=list)
    download_timeout: float = Field(default=30.0, gt=0)
    download_maxsize: int = Field(default=20 * 1024 * 1024, gt=0)
    concurrent_per_host: int = Field(default=4, ge=1, le=64)
    concurrent_requests: int = Field(default=32, ge=1, le=512)
    autothrottle: bool = True
    obey_robots: bool = True
    retry_times: int = Field(default=3, ge=0, le=10)
    send_workers: int = Field(default=32, ge=1, le=256)
    #: no longer used (a run crawls in one process); accepted so older settings files load
    crawl_processes: int = Field(default=0, ge=0, le=32)
    lock_wait_seconds: float = Field(default=0.0, ge=0)
    #: the stop instruction in messages without the student site; placeholder: {name}
    unsubscribe_hint: str = "internwatch subscriptions pause {name}"
    #: hosts (names or IP addresses, no ports) a notify URL or the site's mail server may be
    #: on although they resolve to loopback, private, link-local or reserved addresses (SPEC §5)
    allow_private_hosts: list[str] = Field(default_factory=list)
    web: WebSettings = Field(default_factory=WebSettings)

    @field_validator("unsubscribe_hint")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        return check_template(value, ("name",))


def check_template(text: str, allowed: tuple[str, ...]) -> str:
    """A `str.format` template using only `allowed` placeholders, checked at load rather
    than failing at send time (a run would crawl, then die before sending)."""
    names = ", ".join("{" + a + "}" for a in allowed)
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]
    except ValueError as exc:
        raise ValueError(f"not a valid template ({exc}); allowed placeholders: {names}") from None
    bad = [field for field in fields if field not in allowed]
    if bad:
        raise ValueError(
            f"unknown placeholder {{{bad[0]}}}; allowed placeholders: {names}"
            " (write {{ and }} for a literal brace)"
        )
    try:
        text.format(**{a: "x" for a in allowed})
    except ValueError as exc:  # a bad format spec such as {name:%}
        raise ValueError(f"not a valid template ({exc}); allowed placeholders: {names}") from None
    return text
