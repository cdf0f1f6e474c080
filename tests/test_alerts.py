"""Alert delivery rules of SPEC §5 on a real SQLite file, real apprise, local receivers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from alerts.deliver import deliver, render_for
from alerts.operator import report_given_up
from alerts.outbox import collect
from alerts.render import Digest, Line
from alerts.subscriptions import set_paused, sync_subscriptions
from demo.servers import WebhookSink
from tests.alertkit import at, new_db, posting, settings, store_postings, subscription


@pytest.fixture
def hook() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink


def run_alerts(db, subs, when: str, **cfg):  # type: ignore[no-untyped-def]
    sync_subscriptions(db, subs, at(when))
    collect(db, at(when))
    return deliver(db, settings(**cfg), at(when))


def titles(message: dict) -> list[str]:  # type: ignore[type-arg]
    return [p["title"] for p in json.loads(message["message"])["postings"]]


def test_digest_newest_first_capped_with_and_n_more(tmp_path: Path, hook: WebhookSink) -> None:
    db = new_db(tmp_path)
    companies = ["A", "B", "C", "D", "E", "F", "G", "H"]
    store_postings(
        db,
        [
            posting(
                i,
                company=companies[i % 8],
                title=f"Intern {i:02d}",
                posted_at=f"2026-11-{i + 1:02d}T00:00:00+00:00",
            )
            for i in range(25)
        ],
        "2026-11-26T00:00:00Z",
    )
    subs = [subscription("all", [f"json://127.0.0.1:{hook.port}/hook"])]
    outcomes = run_alerts(db, subs, "2026-11-26T01:00:00Z", max_digest=10)
    assert [o.ok for o in outcomes] == [True]
    body = json.loads(hook.received[0]["message"])
    assert titles(hook.received[0]) == [f"Intern {i:02d}" for i in range(24, 14, -1)]
    assert body["more"] == 15
    assert "internwatch subscriptions pause all" in body["unsubscribe"]


def test_at_most_three_per_company_unless_named(tmp_path: Path, hook: WebhookSink) -> None:
    db = new_db(tmp_path)
    names = ["BigCo", "BigCo Inc.", "BIGCO", "BigCo", "BigCo, Inc", "Bigco"]  # one company
    store_postings(
        db,
        [posting(i, company=names[i], title=f"Intern {i}") for i in range(6)]
        + [posting(10, company="Small", title="Other Intern")],
        "2026-11-26T00:00:00Z",
    )
    url = f"json://127.0.0.1:{hook.port}/hook"
    subs = [subscription("any", [url]), subscription("bigco-fan", [url + "?x=1"], {"companies": ["bigco"]})]
    run_alerts(db, subs, "2026-11-26T01:00:00Z")
    by_sub = {json.loads(m["message"])["subscription"]: json.loads(m["message"]) for m in hook.received}
    assert sum(p["company"] in names for p in by_sub["any"]["postings"]) == 3
    assert by_sub["any"]["more"] == 3
    assert sum(p["company"] in names for p in by_sub["bigco-fan"]["postings"]) == 6


def test_first_message_lists_current_matches_then_only_new_ones(tmp_path: Path, hook: WebhookSink) -> None:
    db = new_db(tmp_path)
    store_postings(db, [posting(1, title="Old Intern")], "2026-11-20T00:00:00Z")
    subs = [subscription("s", [f"json://127.0.0.1:{hook.port}/hook"])]
    run_alerts(db, subs, "2026-11-26T00:00:00Z")
    assert titles(hook.received[0]) == ["Old Intern"]
    run_alerts(db, subs, "2026-11-26T01:00:00Z")
    assert len(hook.received) == 1  # nothing new: no message at all
    store_postings(db, [posting(2, title="New Intern")], "2026-11-26T02:00:00Z")
    run_alerts(db, subs, "2026-11-26T03:00:00Z")
    assert titles(hook.received[1]) == ["New Intern"]


@pytest.mark.parametrize(("frequency", "period_hours"), [("daily", 24), ("weekly", 24 * 7)])
def test_daily_and_weekly_send_at_most_once_per_period(
    tmp_path: Path, hook: WebhookSink, frequency: str, period_hours: int
) -> None:
    from datetime import timedelta

    db = new_db(tmp_path)
    start = at("2026-11-26T08:00:00Z")
    subs = [subscription("s", [f"json://127.0.0.1:{hook.port}/hook"], frequency=frequency)]
    store_postings(db, [posting(1, title="First Intern")], "2026-11-26T07:00:00Z")
    run_alerts(db, subs, start.isoformat())
    assert len(hook.received) == 1
    for step, hours in enumerate((1, period_hours // 2, period_hours - 1), start=2):
        when = start + timedelta(hours=hours)
        store_postings(db, [posting(step, title=f"Intern {step}")], when.isoformat())
        run_alerts(db, subs, (when + timedelta(minutes=5)).isoformat())
    assert len(hook.received) == 1  # collected, not sent
    run_alerts(db, subs, (start + timedelta(hours=period_hours)).isoformat())
    assert len(hook.received) == 2
    assert sorted(titles(hook.received[1])) == ["Intern 2", "Intern 3", "Intern 4"]


def test_paused_gets_nothing_and_builds_no_backlog(tmp_path: Path, hook: WebhookSink) -> None:
    db = new_db(tmp_path)
    subs = [subscription("s", [f"json://127.0.0.1:{hook.port}/hook"])]
    store_postings(db, [posting(1, title="Before Intern")], "2026-11-26T00:00:00Z")
    run_alerts(db, subs, "2026-11-26T00:30:00Z")
    assert set_paused(db, "s", True, at("2026-11-26T01:00:00Z"))
    store_postings(db, [posting(2, title="During Pause Intern")], "2026-11-26T02:00:00Z")
    run_alerts(db, subs, "2026-11-26T03:00:00Z")
    assert len(hook.received) == 1
    assert set_paused(db, "s", False, at("2026-11-26T04:00:00Z"))
    run_alerts(db, subs, "2026-11-26T05:00:00Z")
    assert len(hook.received) == 1  # no backlog from the pause
    store_postings(db, [posting(3, title="After Resume Intern")], "2026-11-26T06:00:00Z")
    run_alerts(db, subs, "2026-11-26T07:00:00Z")
    assert titles(hook.received[1]) == ["After Resume Intern"]


def test_failing_channel_does_not_block_others_and_is_given_up_after_48h(tmp_path: Path) -> None:
    db = new_db(tmp_path)
    with WebhookSink(status=500) as broken, WebhookSink() as good, WebhookSink() as operator:
        subs = [
            subscription("s", [f"json://127.0.0.1:{broken.port}/hook", f"json://127.0.0.1:{good.port}/hook"])
        ]
        store_postings(db, [posting(1)], "2026-11-26T00:00:00Z")
        first = run_alerts(db, subs, "2026-11-26T00:00:00Z")
        assert sorted(o.ok for o in first) == [False, True]
        assert len(good.received) == 1 and len(broken.received) == 1
        tries = 1
        for hours in (1, 3, 7, 13, 19, 25, 31, 37, 43, 47):
            outcomes = run_alerts(db, subs, f"2026-11-{26 + hours // 24}T{hours % 24:02d}:00:00Z")
            tries += len(outcomes)
            assert all(not o.given_up for o in outcomes)
        assert len(good.received) == 1  # the healthy channel got its message once
        final = run_alerts(db, subs, "2026-11-28T01:00:00Z")
        assert [o.given_up for o in final] == [True]
        assert len(broken.received) == tries + len(final)  # every try reached the server
        config = settings(operator_notify=[f"json://127.0.0.1:{operator.port}/op"])
        lines = report_given_up(db, config, at("2026-11-28T01:00:00Z"))
        assert len(lines) == 1 and "gave up delivering 1 posting to s" in lines[0]
        assert len(operator.received) == 1
        assert report_given_up(db, config, at("2026-11-28T02:00:00Z")) == []  # reported once
        assert run_alerts(db, subs, "2026-11-29T00:00:00Z") == []  # never retried again


def test_backoff_doubles_up_to_six_hours() -> None:
    from datetime import timedelta

    from alerts.outbox import backoff

    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert backoff(10) == timedelta(hours=6) and backoff(30) == timedelta(hours=6)


HOSTILE = posting(
    99,
    company="Evil <b>Corp</b> @everyone",
    title="Intern <script>alert(1)</script> [click here](https://evil.example) <!channel> @here",
    apply_url="javascript:alert(1)",
    url="https://jobs.example.org/evil/99",
)


CHANNELS = {
    "mailto": "mailto://user:pass@mail.example.org",
    "json": "json://hooks.example.org/in",
    "slack": "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ",
    "discord": "discord://1234567890/abcdefghijklmnop",
    "tgram": "tgram://123456789:abcdefghijklmnopqrstuvwxyz12345/-1234",
    "pover": "pover://abcdefghijklmnopqrstuvwxyz1234@abcdefghijklmnopqrstuvwxyz1234",
}


@pytest.mark.parametrize("scheme", list(CHANNELS))
def test_scraped_markup_and_mentions_never_reach_a_message(scheme: str) -> None:
    digest = Digest("s", [Line.of(HOSTILE)], 0, "internwatch subscriptions pause s", "export")
    title, body, _fmt = render_for(CHANNELS[scheme], digest)
    assert "<script" not in body and "<b>" not in body and "javascript:" not in body
    assert "@everyone" not in body and "@here" not in body and "<!channel>" not in body
    if scheme in ("slack", "discord", "tgram"):
        assert "[click here](https://evil.example)" not in body  # escaped, not a link
    assert "pause s" in body


def test_chat_messages_stay_within_service_limits() -> None:
    lines = [
        Line.of(posting(i, title=f"Software Engineering Intern number {i} " + "x" * 60)) for i in range(60)
    ]
    digest = Digest("s", lines, 0, "internwatch subscriptions pause s", "internwatch export --filter s")
    chats = {
        "discord://1234567890/abcdefghijklmnop": 2000,
        "tgram://123456789:abcdefghijklmnopqrstuvwxyz12345/-1234": 4096,
    }
    for url, limit in chats.items():  # the limits apprise's plugins declare (body_maxlen)
        title, body, _ = render_for(url, digest)
        assert len(title) + len(body) + 2 <= limit
        assert "more" in body


def test_a_daily_digest_leaves_out_an_opening_that_closed_before_it_went(
    tmp_path: Path, hook: WebhookSink
) -> None:
    """A match waiting for the daily digest whose posting closes meanwhile is not sent; its
    delivery waits, and goes out if the posting reopens (a first alert, not a repeat)."""
    db = new_db(tmp_path)
    subs = [subscription("s", [f"json://127.0.0.1:{hook.port}/hook"], frequency="daily")]
    store_postings(db, [posting(1, title="First Intern")], "2026-11-26T07:00:00Z")
    run_alerts(db, subs, "2026-11-26T08:00:00Z")
    store_postings(db, [posting(2, title="Gone Intern"), posting(3, title="Open Intern")],
                   "2026-11-26T09:00:00Z")
    run_alerts(db, subs, "2026-11-26T09:05:00Z")  # collected for tomorrow's digest
    db.execute("UPDATE postings SET closed_at = '2026-11-26T12:00:00Z' WHERE id = 'src:2'")
    run_alerts(db, subs, "2026-11-27T08:00:00Z")
    assert titles(hook.received[1]) == ["Open Intern"]
    db.execute("UPDATE postings SET closed_at = NULL WHERE id = 'src:2'")  # reopened
    run_alerts(db, subs, "2026-11-28T08:00:00Z")
    assert titles(hook.received[2]) == ["Gone Intern"]
    assert len(hook.received) == 3
