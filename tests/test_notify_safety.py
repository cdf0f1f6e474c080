"""Where messages may go and what a slow receiver gets (SPEC §5; issue 14 items 3 and 7).

Real local receivers on 127.0.0.1 (a webhook, an SMTP server), real apprise, real SQLite.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alerts.deliver import READ_TIMEOUT, check_notify_url, deliver
from alerts.operator import notify_operator
from alerts.outbox import collect
from alerts.subscriptions import load_subscriptions, sync_subscriptions
from config import hosts
from config.errors import ConfigError
from demo.servers import SmtpSink, WebhookSink
from tests.alertkit import at, new_db, posting, settings, store_postings, subscription
from tests.conftest import run_cli, write_config

INTERNAL = [
    "json://169.254.169.254/latest/meta-data/",
    "json://127.0.0.1:9/hook",
    "jsons://[::1]/hook",
    "form://10.0.0.5/submit",
    "xml://192.168.1.20/in",
    "json://localhost:9/hook",
    "mailto://user:pass@example.com?smtp=127.0.0.1&to=a@example.edu",
    "ntfy://172.16.0.3/topic",
]


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_notify_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigError, match="refused"):
        check_notify_url(url, settings(allow_private_hosts=[]))


def test_hosted_services_and_allowed_hosts_pass() -> None:
    open_ = settings(allow_private_hosts=[])
    for url in ("discord://1234567890/abcdefghijklmnop", "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ",
                "json://8.8.8.8/hook"):
        check_notify_url(url, open_)
    check_notify_url("json://127.0.0.1:9/hook", settings(allow_private_hosts=["127.0.0.1"]))
    check_notify_url("mailto://u:p@example.com?smtp=127.0.0.1", settings(allow_private_hosts=["127.0.0.1"]))
    with pytest.raises(ConfigError):  # another name for the same address is another host
        check_notify_url("json://localhost:9/hook", settings(allow_private_hosts=["127.0.0.1"]))


@pytest.mark.parametrize("url", [INTERNAL[0], INTERNAL[1], INTERNAL[3], INTERNAL[6]])
def test_cli_add_refuses_internal_targets_and_saves_nothing(
    tmp_path: Path, cli_env: dict[str, str], url: str
) -> None:
    config = write_config(tmp_path / "config", settings={"allow_private_hosts": []})
    base = ["--config", str(config), "--db", str(tmp_path / "x.db")]
    result = run_cli("subscriptions", "add", "--name", "s", "--notify", url, *base, env=cli_env)
    assert result.code == 2, result
    assert "refused" in result.err and "allow_private_hosts" in result.err
    assert "pass" not in result.err  # the masked URL only
    listed = run_cli("subscriptions", "list", *base, env=cli_env)
    # nothing saved: not even the database file was created, or it lists nothing
    assert (listed.code == 2 and "no database" in listed.err) or (
        listed.code == 0 and listed.out.strip() == ""
    ), listed


def test_yaml_subscription_to_an_internal_host_stops_the_run(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    with WebhookSink() as hook:
        subs = [{"name": "s", "notify": [f"json://127.0.0.1:{hook.port}/hook"]}]
        config = write_config(tmp_path / "config", subscriptions=subs, settings={"allow_private_hosts": []})
        new_db(tmp_path).close()  # an existing database: `alerts` refuses a missing one first
        db = str(tmp_path / "alerts.db")
        result = run_cli("alerts", "--config", str(config), "--db", db, env=cli_env)
        assert result.code == 2 and "refused" in result.err, result
        assert hook.received == []


def subscribe(db: Any, url: str) -> None:
    sync_subscriptions(db, [subscription("s", [url])], at("2026-11-26T01:00:00Z"))
    collect(db, at("2026-11-26T01:00:00Z"))


@pytest.fixture
def stored(tmp_path: Path) -> Any:
    db = new_db(tmp_path)
    store_postings(db, [posting(1)], "2026-11-26T00:00:00Z")
    return db


def test_send_time_check_refuses_what_was_allowed_at_save(stored: Any) -> None:
    """The operator removed 127.0.0.1 from allow_private_hosts after the subscription was saved."""
    with WebhookSink() as hook:
        subscribe(stored, f"json://127.0.0.1:{hook.port}/hook")
        outcomes = deliver(stored, settings(allow_private_hosts=[]), at("2026-11-26T01:00:00Z"))
        assert [o.ok for o in outcomes] == [False]
        assert "refused" in (outcomes[0].error or "")
        assert hook.received == []


def test_smtp_server_on_an_internal_address_is_not_contacted(stored: Any) -> None:
    with SmtpSink() as smtp:
        url = f"mailto://user:pass@example.com?smtp=127.0.0.1&port={smtp.port}&to=a@example.edu"
        subscribe(stored, url)
        refused = deliver(stored, settings(allow_private_hosts=[]), at("2026-11-26T01:00:00Z"))
        assert [o.ok for o in refused] == [False] and smtp.messages == []
        sent = deliver(stored, settings(), at("2026-11-26T09:00:00Z"))  # 127.0.0.1 allowed
        assert [o.ok for o in sent] == [True] and len(smtp.messages) == 1


FAKE_DNS = {
    "intranet.test": "10.1.2.3",
    "metadata.test": "169.254.169.254",
    "loop4.test": "127.0.0.1",
    "loop6.test": "::1",
    "public.test": "8.8.8.8",
}


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Names that resolve to internal addresses need a DNS server we cannot run here: this
    replaces only the lookup of these test names; everything else resolves as usual."""
    real = hosts._real_getaddrinfo

    def lookup(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in FAKE_DNS:
            address = FAKE_DNS[host]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, port or 0, 0, 0) if family == socket.AF_INET6 else (address, port or 0)
            return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(hosts, "_real_getaddrinfo", lookup)
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    yield


@pytest.mark.parametrize("name", ["intranet.test", "metadata.test", "loop4.test", "loop6.test"])
def test_names_are_judged_by_the_address_they_resolve_to(fake_dns: None, name: str) -> None:
    with pytest.raises(ConfigError, match="refused"):
        check_notify_url(f"json://{name}/hook", settings(allow_private_hosts=[]))
    with hosts.public_only_resolution(), pytest.raises(socket.gaierror):
        socket.getaddrinfo(name, 80)  # what a library would connect to is refused as well
    check_notify_url("json://public.test/hook", settings(allow_private_hosts=[]))


# -- slow receivers (item 7) ------------------------------------------------------------------

SLOW_S = 5.0  # longer than apprise's own 4 s read timeout, well within READ_TIMEOUT


def test_a_slow_webhook_gets_one_digest_with_a_stable_id(stored: Any) -> None:
    assert READ_TIMEOUT >= 30
    with WebhookSink(delay=SLOW_S) as hook:
        subscribe(stored, f"json://127.0.0.1:{hook.port}/hook")
        started = time.monotonic()
        outcomes = deliver(stored, settings(), at("2026-11-26T01:00:00Z"))
        assert time.monotonic() - started >= SLOW_S
        assert [o.ok for o in outcomes] == [True], outcomes
        again = deliver(stored, settings(), at("2026-11-27T01:00:00Z"))
        assert again == [] and len(hook.received) == 1
        message = json.loads(hook.received[0]["message"])
        assert len(message["digest_id"]) == 32
        assert message["postings"][0]["id"]  # each posting's own id, for per-posting dedupe


def test_digest_id_is_the_same_on_a_retry(stored: Any) -> None:
    """A failed send is retried with the very same digest_id, so a receiver can drop repeats."""
    with WebhookSink(status=500) as broken:
        url = f"json://127.0.0.1:{broken.port}/hook"
        subscribe(stored, url)
        deliver(stored, settings(), at("2026-11-26T01:00:00Z"))
        deliver(stored, settings(), at("2026-11-26T02:00:00Z"))  # after the 5 min backoff
        ids = [json.loads(m["message"])["digest_id"] for m in broken.received]
    assert len(ids) == 2 and ids[0] == ids[1] and ids[0]
    assert [s.name for s in load_subscriptions(stored)] == ["s"]


def test_operator_channels_are_held_to_the_same_rule() -> None:
    """`operator_notify` reaches an internal host only when `allow_private_hosts` names it."""
    with WebhookSink() as hook:
        url = f"json://127.0.0.1:{hook.port}/op"
        refused = notify_operator(settings(operator_notify=[url], allow_private_hosts=[]), "t", ["x"])
        assert len(refused) == 1 and "allow_private_hosts" in refused[0] and hook.received == []
        assert notify_operator(settings(operator_notify=[url]), "t", ["x"]) == []
        assert len(hook.received) == 1
