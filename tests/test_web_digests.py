"""What a digest leaves out (SPEC §5): listed or linked, or not delivered.

Without the student site there is no page for "and N more" to open, so the postings a
message does not list stay pending and come in the next message; with it, "and N more"
opens the digest's matches page, which lists them all, so they count as delivered. Real
SQLite files, real apprise sends to local receivers (webhook, ntfy, SMTP).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from alerts.deliver import NEXT_MESSAGE, deliver
from alerts.outbox import collect
from alerts.subscriptions import sync_subscriptions
from demo.servers import SmtpSink, WebhookSink
from store.db import open_db
from tests.alertkit import at, new_db, posting, settings, store_postings, subscription
from web.app import create_app

SECRET = "digest-test-secret"


@pytest.fixture
def hook() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink


def run(db: Any, subs: list[Any], when: str, **cfg: Any) -> list[Any]:
    sync_subscriptions(db, subs, at(when))
    collect(db, at(when))
    return deliver(db, settings(**cfg), at(when))


def statuses(db: Any) -> dict[str, int]:
    rows = db.execute("SELECT status, count(*) FROM deliveries GROUP BY 1").fetchall()
    return {status: n for status, n in rows}


def json_titles(message: dict[str, Any]) -> list[str]:
    return [p["title"] for p in json.loads(message["message"])["postings"]]


def test_without_the_site_what_a_digest_leaves_out_comes_in_the_next_message(
    tmp_path: Path, hook: WebhookSink
) -> None:
    db = new_db(tmp_path)
    store_postings(
        db,
        [
            posting(
                i, company=f"Co{i % 9}", title=f"Intern {i:02d}", posted_at=f"2026-11-{i + 1:02d}T00:00:00Z"
            )
            for i in range(25)
        ],
        "2026-11-26T00:00:00Z",
    )
    with SmtpSink() as smtp:
        mail = (
            f"mailto://u:p@127.0.0.1:{smtp.port}?smtp=127.0.0.1&secure=no&from=a@example.org&to=s@example.edu"
        )
        subs = [subscription("all", [f"json://127.0.0.1:{hook.port}/hook", mail])]
        first = run(db, subs, "2026-11-26T01:00:00Z", max_digest=10)
        assert [o.postings for o in first] == [10, 10] and all(o.ok for o in first)
        assert statuses(db) == {"sent": 20, "pending": 30}  # 15 left out, per channel
        body = json.loads(hook.received[0]["message"])
        assert json_titles(hook.received[0]) == [f"Intern {i:02d}" for i in range(24, 14, -1)]
        assert body["more"] == 15
        text = smtp.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert f"and 15 more: {NEXT_MESSAGE}" in text and "export" not in text

        second = run(db, subs, "2026-11-26T02:00:00Z", max_digest=10)
        assert [o.postings for o in second] == [10, 10]
        assert json_titles(hook.received[1]) == [f"Intern {i:02d}" for i in range(14, 4, -1)]
        assert json.loads(hook.received[1]["message"])["more"] == 5
        third = run(db, subs, "2026-11-26T03:00:00Z", max_digest=10)
        assert [o.postings for o in third] == [5, 5]
        assert json.loads(hook.received[2]["message"])["more"] == 0
        assert run(db, subs, "2026-11-26T04:00:00Z", max_digest=10) == []
        assert statuses(db) == {"sent": 50}
        every = [t for message in hook.received for t in json_titles(message)]
        assert sorted(every) == sorted(f"Intern {i:02d}" for i in range(25))  # each once
        ids = {json.loads(m["message"])["digest_id"] for m in hook.received}
        assert len(ids) == 3


def test_without_the_site_the_per_company_cap_defers_rather_than_drops(
    tmp_path: Path, hook: WebhookSink
) -> None:
    db = new_db(tmp_path)
    store_postings(
        db,
        [posting(i, company="BigCo", title=f"Intern {i}") for i in range(6)]
        + [posting(10, company="Small", title="Other Intern")],
        "2026-11-26T00:00:00Z",
    )
    subs = [subscription("any", [f"json://127.0.0.1:{hook.port}/hook"])]
    run(db, subs, "2026-11-26T01:00:00Z")
    first = json.loads(hook.received[0]["message"])
    assert sum(p["company"] == "BigCo" for p in first["postings"]) == 3 and first["more"] == 3
    assert "Other Intern" in json_titles(hook.received[0])
    run(db, subs, "2026-11-26T02:00:00Z")
    second = json_titles(hook.received[1])
    assert len(second) == 3 and not set(second) & set(json_titles(hook.received[0]))
    assert statuses(db) == {"sent": 7}


def _long_postings(db: Any, n: int) -> None:
    store_postings(
        db,
        [
            posting(i, company=f"Company number {i}", title=f"Intern {i:02d} " + "long title words " * 7)
            for i in range(n)
        ],
        "2026-11-26T00:00:00Z",
    )


def _ntfy_messages(hook: WebhookSink) -> list[str]:
    return [m.get("message") or m.get("raw", "") for m in hook.received]


def test_without_the_site_a_channel_length_limit_defers_the_rest(tmp_path: Path, hook: WebhookSink) -> None:
    db = new_db(tmp_path)
    _long_postings(db, 60)
    subs = [subscription("all", [f"ntfy://127.0.0.1:{hook.port}/topic"])]  # ntfy: 7,800 characters
    [first] = run(db, subs, "2026-11-26T01:00:00Z", max_digest=100)
    assert first.ok and 10 < first.postings < 60
    assert statuses(db) == {"sent": first.postings, "pending": 60 - first.postings}
    assert f"and {60 - first.postings} more: {NEXT_MESSAGE}" in _ntfy_messages(hook)[0]
    for hour in range(2, 8):
        run(db, subs, f"2026-11-26T{hour:02d}:00:00Z", max_digest=100)
    assert statuses(db) == {"sent": 60}
    listed = [t for body in _ntfy_messages(hook) for t in re.findall(r"Intern (\d\d) ", body)]
    assert sorted(listed) == [f"{i:02d}" for i in range(60)]  # every posting once


def test_with_the_site_and_n_more_opens_a_page_listing_every_posting(
    tmp_path: Path, hook: WebhookSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even when only the channel's length limit (not the digest limit) leaves postings out."""
    monkeypatch.setenv("INTERNWATCH_SECRET", SECRET)
    db = new_db(tmp_path)
    _long_postings(db, 60)
    subs = [subscription("all", [f"ntfy://127.0.0.1:{hook.port}/topic"])]
    public = "http://testserver"
    [first] = run(db, subs, "2026-11-26T01:00:00Z", max_digest=100, web={"public_url": public})
    assert first.ok and first.postings == 60 and statuses(db) == {"sent": 60}
    body = _ntfy_messages(hook)[0]
    more = re.search(r"and (\d+) more: (http://testserver/matches/\S+)", body)
    assert more is not None and 0 < int(more.group(1)) < 60
    site = TestClient(create_app(str(tmp_path / "alerts.db"), settings(web={"public_url": public}), SECRET))
    page = site.get(more.group(2).removeprefix(public))
    assert page.status_code == 200
    assert sorted(re.findall(r"Intern (\d\d) ", page.text.split("Your current matches")[0])) == [
        f"{i:02d}" for i in range(60)
    ]
    assert open_db(tmp_path / "alerts.db").execute("SELECT count(*) FROM site_digests").fetchone()[0] == 1


def test_a_digests_list_is_kept_90_days_and_goes_with_its_subscription(tmp_path: Path) -> None:
    from alerts.site import DIGEST_KEEP_DAYS, digest_postings, record_digest
    from alerts.subscriptions import remove_subscription

    db = new_db(tmp_path)
    store_postings(db, [posting(1), posting(2)], "2026-09-01T00:00:00Z")
    sync_subscriptions(db, [subscription("s", ["json://hooks.example.org/x"])],
                       at("2026-09-01T00:00:00Z"))
    record_digest(db, "s", ["src:1"], at("2026-09-01T08:00:00Z"), "old")
    record_digest(db, "s", ["src:2"], at("2026-10-01T08:00:00Z"), "recent")
    assert [p.id for p in digest_postings(db, "s", "old") or []] == ["src:1"]
    later = at("2026-09-02T08:00:00Z") + timedelta(days=DIGEST_KEEP_DAYS)  # "old" is 91 days old
    record_digest(db, "s", ["src:1", "src:2"], later, "new")
    assert digest_postings(db, "s", "old") is None  # its page shows the current matches
    assert [p.id for p in digest_postings(db, "s", "recent") or []] == ["src:2"]
    assert remove_subscription(db, "s")
    assert db.execute("SELECT count(*) FROM site_digests").fetchone()[0] == 0
