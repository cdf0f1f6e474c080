"""The per-client sign-up limit behind a reverse proxy (`web.trusted_proxies`): the client is
the address X-Forwarded-For names only when the TCP peer is a listed proxy; from any other
peer the header is ignored, and by default every peer is its own client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from starlette.testclient import TestClient

from config.models import Settings
from demo.servers import SmtpSink
from store.db import open_db
from tests.webkit import SECRET, site_settings
from web.app import SIGNUPS_PER_CLIENT, create_app

PROXY = ("10.1.2.3", 40000)


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpSink]:
    monkeypatch.setenv("INTERNWATCH_SECRET", SECRET)
    monkeypatch.setenv("INTERNWATCH_NOW", "2026-03-01T12:00:00+00:00")
    with SmtpSink() as sink:
        yield sink


def site(tmp_path: Path, smtp: SmtpSink, peer: tuple[str, int], **web: Any) -> TestClient:
    db_path = tmp_path / f"site-{len(list(tmp_path.iterdir()))}.db"
    open_db(db_path)
    return TestClient(create_app(str(db_path), site_settings(smtp, **web), SECRET), client=peer)


def sign_up(client: TestClient, n: int, forwarded: str | None = None) -> int:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert found is not None
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    data = {"csrf": found.group(1), "email": f"s{n}@example.edu"}
    return client.post("/subscribe", data=data, headers=headers).status_code


def test_by_default_the_tcp_peer_is_the_client_whatever_the_header_says(
    tmp_path: Path, smtp: SmtpSink
) -> None:
    client = site(tmp_path, smtp, PROXY)
    codes = [sign_up(client, n, f"203.0.113.{n}") for n in range(SIGNUPS_PER_CLIENT + 1)]
    assert codes == [200] * SIGNUPS_PER_CLIENT + [429]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(
    tmp_path: Path, smtp: SmtpSink
) -> None:
    client = site(tmp_path, smtp, PROXY, trusted_proxies=["10.0.0.0/8"])
    codes = [sign_up(client, n, f"203.0.113.{n}") for n in range(SIGNUPS_PER_CLIENT + 5)]
    assert codes == [200] * (SIGNUPS_PER_CLIENT + 5)  # the proxy is not one client
    one = [sign_up(client, 100 + n, "198.51.100.7") for n in range(SIGNUPS_PER_CLIENT)]
    assert one == [200] * SIGNUPS_PER_CLIENT
    assert sign_up(client, 200, "198.51.100.7") == 429  # the limit holds for the real client
    # a client cannot pick another address: the proxy appends the one it saw, and that counts
    assert sign_up(client, 201, "192.0.2.99, 198.51.100.7") == 429


def test_a_peer_that_is_not_a_trusted_proxy_cannot_name_its_address(tmp_path: Path, smtp: SmtpSink) -> None:
    client = site(tmp_path, smtp, ("192.0.2.50", 5000), trusted_proxies=["10.1.2.3"])
    codes = [sign_up(client, n, f"203.0.113.{n}") for n in range(SIGNUPS_PER_CLIENT + 1)]
    assert codes == [200] * SIGNUPS_PER_CLIENT + [429]


@pytest.mark.parametrize("entry", ["*", "proxy.internal", "10.0.0.0/33", ""])
def test_trusted_proxies_are_addresses_or_networks(entry: str) -> None:
    with pytest.raises(ValidationError, match="trusted_proxies entry"):
        Settings(web={"trusted_proxies": [entry]})
    assert Settings(web={"trusted_proxies": ["127.0.0.1", "10.0.0.0/8", "::1"]}).web.trusted_proxies
