"""Delivery throughput: 1,000 webhook messages to a local receiver that answers after 200 ms.

Target (issue 6): under 30 s, through a bounded pool of parallel sends with one apprise
object per target, recording each result in the real SQLite outbox.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.deliver import deliver  # noqa: E402
from alerts.outbox import collect  # noqa: E402
from alerts.subscriptions import sync_subscriptions  # noqa: E402
from demo.servers import WebhookSink  # noqa: E402
from tests.alertkit import at, new_db, posting, settings, store_postings, subscription  # noqa: E402

MESSAGES = 1000
TARGET_S = 30.0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, WebhookSink(delay=0.2) as sink:
        db = new_db(Path(tmp))
        store_postings(db, [posting(i, title=f"Intern {i}") for i in range(5)], "2026-11-26T00:00:00Z")
        subs = [subscription(f"s{i}", [f"json://127.0.0.1:{sink.port}/hook?n={i}"]) for i in range(MESSAGES)]
        now = at("2026-11-26T01:00:00Z")
        sync_subscriptions(db, subs, now)
        collect(db, now)
        config = settings()
        started = time.perf_counter()
        outcomes = deliver(db, config, now)
        elapsed = time.perf_counter() - started
    ok = sum(o.ok for o in outcomes)
    print(
        f"send: {ok}/{MESSAGES} webhook messages (receiver answers after 200 ms) in {elapsed:.1f} s"
        f" with {config.send_workers} parallel sends (target < {TARGET_S:.0f} s)"
    )
    if elapsed >= TARGET_S or ok != MESSAGES:
        print(f"TARGET MISSED: send took {elapsed:.1f} s, {ok} ok")


if __name__ == "__main__":
    main()
