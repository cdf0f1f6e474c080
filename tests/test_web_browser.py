"""The whole student journey in a real browser (Debian's Chromium driven by Playwright):
sign up in the form, confirm from the email, get the first digest (with its RFC 8058
headers), open the manage link, change a filter, one-click unsubscribe, get nothing more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from alerts.deliver import deliver
from alerts.outbox import collect
from config.clock import now
from config.models import Settings
from demo.servers import SmtpSink
from store.db import open_db
from tests import webkit
from tests.alertkit import posting, store_postings
from tests.webkit import SECRET, LiveServer
from web.app import create_app

browser = webkit.browser  # the session fixture: one browser for every browser test
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def _link(message: Any, kind: str) -> str:
    body = message.get_body(("plain", "html")).get_content()
    for word in body.split():
        word = word.strip("<>\"'")
        if f"/{kind}/" in word:
            return word
    raise AssertionError(f"no /{kind}/ link in: {body[:500]}")


def test_student_journey_in_a_real_browser(
    browser: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTERNWATCH_SECRET", SECRET)
    db_path = tmp_path / "site.db"
    store_postings(
        open_db(db_path),
        [
            posting(1, company="Acme", title="Data Science Intern", categories=["data"]),
            posting(2, company="Globex", title="Software Engineering Intern", categories=["software"]),
        ],
        "2026-01-10T10:00:00+00:00",
    )
    with SmtpSink() as smtp:
        mail = f"mailto://site:pw@127.0.0.1:{smtp.port}?smtp=127.0.0.1&secure=no&from=alerts@example.org"
        app_settings = Settings(allow_private_hosts=["127.0.0.1"], web={"mail": mail})
        with LiveServer(create_app(str(db_path), app_settings, SECRET)) as live:
            # the site's public URL is where it runs; the alerts run uses the same base
            settings = Settings(allow_private_hosts=["127.0.0.1"], web={"mail": mail, "public_url": live.url})
            page = browser.new_page(viewport={"width": 390, "height": 844})
            try:
                page.goto(live.url + "/")
                page.get_by_label("Email address").fill("student@example.edu")
                page.get_by_label("Keywords").fill("data science")
                page.get_by_label("data", exact=True).check()
                page.get_by_role("button", name="Sign me up").click()
                page.get_by_text("Check your inbox").wait_for()
                assert len(smtp.messages) == 1
                page.goto(_link(smtp.messages[0], "confirm"))
                page.get_by_role("button", name="Confirm my alerts").click()
                page.get_by_role("heading", name="Confirmed").wait_for()

                db = open_db(db_path)
                collect(db, now())
                [sent] = deliver(db, settings, now())
                assert sent.ok and sent.postings == 1
                digest = smtp.messages[-1]
                assert "Data Science Intern" in digest.get_body(("plain",)).get_content()
                unsubscribe = digest["List-Unsubscribe"].strip("<>")
                assert unsubscribe.startswith(live.url + "/unsubscribe/")
                assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

                page.goto(_link(digest, "manage"))
                keywords = page.get_by_label("Keywords")
                assert keywords.input_value() == "data science"
                keywords.fill("machine learning")
                page.keyboard.press("Tab")  # keyboard reaches the next field
                assert page.evaluate("document.activeElement.name") == "exclude"
                page.get_by_role("button", name="Save changes").click()
                page.get_by_text("Saved.").wait_for()
                assert page.get_by_label("Keywords").input_value() == "machine learning"

                answer = httpx.post(
                    unsubscribe,
                    content=b"List-Unsubscribe=One-Click",
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
                assert answer.status_code == 200

                store_postings(db, [posting(3, title="Machine Learning Intern")], "2026-01-11T10:00:00+00:00")
                collect(db, now())
                assert deliver(db, settings, now()) == []
                assert len(smtp.messages) == 2
            except BaseException:
                SHOTS.mkdir(exist_ok=True)
                page.screenshot(path=str(SHOTS / "journey-failure.png"), full_page=True)
                raise
            finally:
                page.close()
