"""Helpers for the student-site tests: a site over a real SQLite file with a real SMTP sink."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from starlette.testclient import TestClient

from config.models import Settings
from demo.servers import SmtpSink
from demo.site import CHROMIUM_ARGS
from store.db import open_db
from tests.alertkit import posting, store_postings
from web.app import create_app

SECRET = "test-secret-for-links"
PUBLIC = "http://testserver"
_LINK = re.compile(r"(https?://\S+/(?:confirm|manage|matches|unsubscribe|feed)/[A-Za-z0-9._\-]+(?:\.rss)?)")


@dataclass
class SiteKit:
    client: TestClient
    db_path: Path
    smtp: SmtpSink
    settings: Settings

    def db(self) -> sqlite_utils.Database:
        return open_db(self.db_path)

    def csrf(self, path: str = "/") -> str:
        page = self.client.get(path)
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found, page.text[:500]
        return found.group(1)

    def sign_up(self, email: str = "student@example.edu", **fields: Any) -> Any:
        data = {"csrf": self.csrf(), "email": email, **fields}
        return self.client.post("/subscribe", data=data)

    def subscriptions(self) -> list[dict[str, Any]]:
        return list(self.db().query("SELECT * FROM subscriptions"))

    def links(self, message: EmailMessage | None = None) -> list[str]:
        message = message or self.smtp.messages[-1]
        body = message.get_body(("plain", "html"))
        assert body is not None
        return _LINK.findall(body.get_content())


def errors_of(html: str) -> dict[str, str]:
    """Field name -> error text shown beside it."""
    return dict(re.findall(r'<span class="error" id="([a-z_]+)-error">([^<]*)</span>', html))


def site_settings(smtp: SmtpSink, **web: Any) -> Settings:
    mail = f"mailto://site:mail-pass@127.0.0.1:{smtp.port}?smtp=127.0.0.1&secure=no&from=alerts@example.org"
    return Settings(
        web={"public_url": PUBLIC, "mail": mail, **web},
        allow_private_hosts=["127.0.0.1"],
        max_digest=2,
    )


@pytest.fixture
def kit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SiteKit]:
    monkeypatch.setenv("INTERNWATCH_SECRET", SECRET)
    monkeypatch.setenv("INTERNWATCH_NOW", "2026-03-01T12:00:00+00:00")
    db_path = tmp_path / "site.db"
    db = open_db(db_path)
    store_postings(
        db,
        [
            posting(n, company=c, title=t, categories=cat, seasons=["Summer 2026"])
            for n, (c, t, cat) in enumerate(
                [
                    ("Acme", "Data Science Intern", ["data"]),
                    ("Globex", "Software Engineering Intern", ["software"]),
                    ("Initech", "Data Analyst Intern", ["data"]),
                    ("Umbrella", "Machine Learning Intern", ["ml_research"]),
                ]
            )
        ],
        "2026-02-28T10:00:00+00:00",
    )
    with SmtpSink() as smtp:
        settings = site_settings(smtp, chat=["ntfy", "discord"])
        client = TestClient(create_app(str(db_path), settings, SECRET))
        yield SiteKit(client, db_path, smtp, settings)


# -- a real server and a real browser -------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


def ensure_chromium() -> str:
    """Debian's Chromium, installed here when missing and we are root (as in CI): the
    browser tests never skip."""
    import os
    import subprocess

    if not os.path.exists(CHROMIUM) and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False, timeout=600)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"], check=True, timeout=1200
        )
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver"
    return CHROMIUM


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    path = ensure_chromium()
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class LiveServer:
    """uvicorn serving `app` on 127.0.0.1 in a thread, for the browser."""

    def __init__(self, app: Any) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
