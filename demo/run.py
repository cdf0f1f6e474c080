"""`internwatch demo`: the whole product offline, in under a minute.

Serves bundled sample boards (recorded real responses plus our own internship postings) on
127.0.0.1, starts a local SMTP server and webhook receiver, writes a config for two demo
subscriptions, runs `internwatch run` against them exactly as cron would, and shows what
was delivered and where the database is.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from config.wording import plural
from demo.servers import BoardServer, SmtpSink, WebhookSink, serve_routes
from demo.site import STUDENT, SiteProcess, free_port, show_pages, sign_up_student

DATA = Path(__file__).resolve().parent / "data"


def _serve_boards() -> tuple[list[BoardServer], list[dict[str, Any]]]:
    """One local server per bundled board (each folder of demo/data has a routes.json)."""
    servers, sources = [], []
    for folder in sorted(p.parent for p in DATA.glob("*/routes.json")):
        server, source = serve_routes(folder)
        servers.append(server)
        sources.append(source)
    return servers, sources


def _shown(path: Path) -> str:
    """A path as the user would type it here: relative below the current folder."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))  # not resolve(): keep venv links
    except ValueError:
        return str(path)


def internwatch_command() -> str:
    """How to run internwatch from this shell, exactly as it can be pasted: the bare name
    only when it is on PATH (a venv not activated puts it in .venv/bin)."""
    if shutil.which("internwatch"):
        return "internwatch"
    script = Path(sys.executable).parent / "internwatch"
    if script.exists():
        return shlex.quote(_shown(Path(sys.executable).parent) + "/internwatch")
    return f"{shlex.quote(_shown(Path(sys.executable)))} -m cli"


def run_demo(verbose: bool = False, out_dir: Path | None = None) -> int:
    out = (out_dir or Path.cwd() / "demo-output").resolve()
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "demo.db"
    for stale in out.glob("demo.db*"):
        stale.unlink()
    servers, sources = _serve_boards()
    smtp = SmtpSink().start()
    hook = WebhookSink()
    hook.start()
    try:
        config = out / "config"
        config.mkdir(exist_ok=True)
        (config / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}, sort_keys=False))
        subscriptions = [
            {
                "name": "data-ml-singapore-remote",
                "notify": [smtp.mailto(user="demo", password="demo-password", to="student@example.edu")],
                "filter": {
                    "keywords": ["data science", "machine learning", "analytics"],
                    "exclude": ["senior", "staff"],
                    "locations": ["Singapore", "remote"],
                },
            },
            {
                "name": "all-internships-webhook",
                "notify": [f"json://127.0.0.1:{hook.port}/hook"],
                "frequency": "instant",
                "filter": {"keywords": ["intern", "internship"]},
            },
        ]
        (config / "subscriptions.yaml").write_text(
            yaml.safe_dump({"subscriptions": subscriptions}, sort_keys=False)
        )
        # the demo's SMTP server and webhook receiver are local: allowed by name (SPEC §5)
        site_port = free_port()
        site_mail = (f"mailto://smtp-demo-user:demo-password@127.0.0.1:{smtp.port}?smtp=127.0.0.1&secure=no"
                     "&from=internwatch@example.org")
        (config / "settings.yaml").write_text(yaml.safe_dump({
            "autothrottle": False, "retry_times": 1, "allow_private_hosts": ["127.0.0.1"],
            "web": {"public_url": f"http://127.0.0.1:{site_port}", "mail": site_mail},
        }))
        kinds = ", ".join(sorted({str(s["type"]) for s in sources}))
        print(f"demo: serving {len(sources)} sample boards ({kinds}) on 127.0.0.1")
        print(f"demo: SMTP server on 127.0.0.1:{smtp.port}, webhook receiver on 127.0.0.1:{hook.port}")
        print("demo: running `internwatch run` (crawl, store, match, deliver) ...\n")
        args = [sys.executable, "-m", "cli", "run", "--config", str(config), "--db", str(db_path)]
        if verbose:
            args.append("-v")
        root = Path(__file__).resolve().parents[1]
        env = {**os.environ, "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        if not env.get("INTERNWATCH_SECRET"):  # signs the student site's links
            env["INTERNWATCH_SECRET"] = secrets.token_urlsafe(24)
        code = subprocess.run(args, cwd=root, env=env, timeout=120).returncode
        print()
        try:
            site = SiteProcess(root, config, db_path, site_port, env)
            try:
                sign_up_student(site.url, smtp)
                alerts = [sys.executable, "-m", "cli", "alerts", "--config", str(config),
                          "--db", str(db_path)]
                # a short digest for this run, so it ends with "and N more" and its matches link
                short = {**env, "INTERNWATCH_MAX_DIGEST": "4"}
                code = max(code, subprocess.run(alerts, cwd=root, env=short, timeout=120).returncode)
                digest = next((m for m in reversed(smtp.messages) if m["To"] == STUDENT), None)
                show_pages(out, site.url, digest, config, db_path)
            finally:
                site.stop()
        except (RuntimeError, OSError) as exc:
            print(f"demo: the student site part failed: {exc}")
            code = max(code, 1)
        print()
        for number, message in enumerate(smtp.messages, start=1):
            eml = out / f"email-{number}.eml"
            eml.write_bytes(bytes(message))
            html_part = message.get_body(("html",))
            if html_part is not None:
                (out / f"email-{number}.html").write_text(html_part.get_content())
            text = message.get_body(("plain",))
            print(f"== email to {message['To']}: {message['Subject']}")
            print(text.get_content().strip() if text is not None else "")
            print(f"   (saved as {eml} and {out / f'email-{number}.html'})\n")
        for number, payload in enumerate(hook.received, start=1):
            print(f"== webhook message {number}: {payload.get('title')}")
            digest = json.loads(payload.get("message") or "{}")
            for posting in digest.get("postings", []):
                print(
                    f"   - {posting['title']} | {posting['company']} | {posting['locations']}"
                    f" | {posting['url']}"
                )
            if digest.get("more"):
                print(f"   ... and {digest['more']} more")
            (out / f"webhook-{number}.json").write_text(json.dumps(payload, indent=2))
        print(f"\ndemo: database at {db_path}")
        here, python = internwatch_command(), shlex.quote(_shown(Path(sys.executable)))
        project = _shown(Path(__file__).resolve().parents[1])
        db = shlex.quote(_shown(db_path))
        print(f"demo: browse it with `{here} search intern --db {db}`")
        print(
            f"demo: or with Datasette: `{python} -m pip install -e {shlex.quote(project + '[browse]')}`,"
            f" then `{python} -m datasette {db}`"
        )
        emails, hooks = plural(len(smtp.messages), "email"), plural(len(hook.received), "webhook message")
        print(f"demo: {emails} and {hooks} delivered")
        return code
    finally:
        for server in servers:
            server.stop()
        smtp.stop()
        hook.stop()
