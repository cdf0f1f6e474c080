"""The demo's student-site part: `internwatch serve` on the demo database, a demo student
signed up through the real form over HTTP and confirmed from the real email, a second run
that sends the first digest, and screenshots of the pages (headless Chromium if installed).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from email.message import EmailMessage
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
STUDENT = "demo.student@example.edu"


#: Debian's Chromium, headless, reaching out to nothing (this machine has no network)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Browser:
    """A cookie-keeping HTTP client, as a browser posts a form (no JavaScript needed)."""

    def __init__(self) -> None:
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=30) as answer:
            return str(answer.read().decode("utf-8"))

    def post(self, url: str, fields: dict[str, Any]) -> str:
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        with self.opener.open(url, data=data, timeout=30) as answer:
            return str(answer.read().decode("utf-8"))


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    if found is None:
        raise RuntimeError("the page has no form token")
    return found.group(1)


def link(message: EmailMessage, kind: str) -> str | None:
    body = message.get_body(("plain", "html"))
    text = body.get_content() if body is not None else ""
    found = re.search(rf"(https?://[^\s<>\"']+/{kind}/[A-Za-z0-9._\-]+)", text)
    return found.group(1) if found else None


class SiteProcess:
    """`internwatch serve` in a child process for the demo's duration."""

    def __init__(self, root: Path, config: Path, db_path: Path, port: int, env: dict[str, str]) -> None:
        self.url = f"http://127.0.0.1:{port}"
        args = [
            sys.executable,
            "-m",
            "cli",
            "serve",
            "--config",
            str(config),
            "--db",
            str(db_path),
            "--port",
            str(port),
        ]
        self.proc = subprocess.Popen(args, cwd=root, env=env)
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("internwatch serve did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def sign_up_student(site_url: str, smtp: Any) -> None:
    """Through the real form, then the confirmation link of the real email."""
    browser = Browser()
    form = browser.get(site_url + "/")
    sent_before = len(smtp.messages)
    answer = browser.post(
        site_url + "/subscribe",
        {
            "csrf": csrf(form),
            "email": STUDENT,
            "keywords": "intern, internship, co-op",
            "exclude": "senior",
            "categories": ["data", "software", "ml_research"],
            "frequency": "instant",
        },
    )
    if "Check your inbox" not in answer:
        raise RuntimeError("the demo sign-up was refused")
    deadline = time.monotonic() + 10
    while len(smtp.messages) == sent_before and time.monotonic() < deadline:
        time.sleep(0.05)
    confirm = link(smtp.messages[-1], "confirm")
    if confirm is None:
        raise RuntimeError("no confirmation link in the email")
    page = browser.get(confirm)
    done = browser.post(confirm, {"csrf": csrf(page)})
    if "Confirmed" not in done:
        raise RuntimeError("the demo confirmation was refused")
    print(f"demo: signed {STUDENT} up on the site ({site_url}) and confirmed from the email")


def screenshots(out: Path, pages: dict[str, str]) -> list[Path]:
    """PNG of each page at desktop width and at 390 px (a phone)."""
    from playwright.sync_api import sync_playwright

    args = CHROMIUM_ARGS
    saved = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            shots = [(name, url, 1280) for name, url in pages.items()]
            shots += [(f"{name}-phone", url, 390) for name, url in pages.items()]
            for name, url, width in shots:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(url)
                path = out / f"site-{name}.png"
                page.screenshot(path=str(path), full_page=True)
                saved.append(path)
                page.close()
        finally:
            browser.close()
    return saved


def show_pages(out: Path, site_url: str, digest: EmailMessage | None, config: Path, db_path: Path) -> None:
    pages = {"signup": site_url + "/"}
    if digest is not None:
        for kind in ("manage", "matches"):
            found = link(digest, kind)
            if found:
                pages[kind] = found
    try:
        import playwright  # noqa: F401 - a test extra
    except ImportError:
        playwright_ok = False
    else:
        playwright_ok = True
    if not (os.path.exists(CHROMIUM) and playwright_ok):
        print(
            "demo: no headless Chromium for screenshots (apt-get install chromium; pip install -e"
            " '.[test]'). To see the site, run it on the demo database and open the address:"
        )
        print(
            f"   INTERNWATCH_SECRET=pick-one internwatch serve --config {config} --db {db_path}"
            " --port 8000   # then http://127.0.0.1:8000/"
        )
        return
    for path in screenshots(out, pages):
        print(f"demo: screenshot {path}")
