"""The cron entry point (a child process, as cron runs it), then export formats, search and
sources through `cli.main` in this process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

from demo.servers import BoardServer, Reply
from tests.clikit import call
from tests.conftest import ROOT, write_config

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    tmp = tmp_path_factory.mktemp("cli")
    routes = {
        "/gh/acme": Reply((FIX / "greenhouse" / "acme_interns.json").read_bytes()),
        "/lever/palantir": Reply((FIX / "lever" / "palantir.json").read_bytes()),
    }
    with BoardServer(routes) as boards:
        config = write_config(
            tmp / "config",
            [
                {"name": "acme", "type": "greenhouse", "board": "acme", "url": boards.url("/gh/acme")},
                {
                    "name": "palantir",
                    "type": "lever",
                    "site": "palantir",
                    "company": "Palantir",
                    "url": boards.url("/lever/palantir"),
                },
            ],
            [
                {
                    "name": "sg",
                    "notify": ["json://127.0.0.1:9/hook"],
                    "filter": {"locations": ["Singapore"], "strict": True},
                }
            ],
        )
        base = ["--config", str(config), "--db", str(tmp / "iw.db")]
        proc = subprocess.run(  # exactly what cron runs
            [sys.executable, "run_crawl.py", *base, "--source", "acme", "--source", "palantir"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert "acme: 4 postings (4 new" in proc.stdout, proc.stderr
        assert proc.returncode == 1  # the webhook on port 9 is down: a failed delivery
        assert "sg: FAILED to send" in proc.stderr
        yield base


def test_export_json_is_the_record(crawled: list[str]) -> None:
    result = call("export", "--format", "json", *crawled)
    records = json.loads(result.out)
    assert len(records) == 6
    keys = {
        "id",
        "source",
        "kind",
        "company",
        "title",
        "url",
        "apply_url",
        "is_internship",
        "locations",
        "remote",
        "pay",
        "seasons",
        "graduation",
        "degrees",
        "sponsorship",
        "duration_months",
        "deadline",
        "categories",
        "description",
        "posted_at",
        "first_seen",
        "last_seen",
        "closed_at",
        "cluster_id",
    }
    assert all(keys <= set(r) for r in records)
    ds = next(r for r in records if r["title"] == "Data Science Intern (Summer 2027)")
    assert (
        ds["url"] == "https://boards.greenhouse.io/acmeanalytics/jobs/7100001?gh_jid=7100001"
    )  # gh_src gone


@pytest.mark.parametrize("fmt", ["csv", "md", "rss"])
def test_export_other_formats(crawled: list[str], fmt: str) -> None:
    result = call("export", "--format", fmt, *crawled)
    assert result.code == 0
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.out)))
        assert len(rows) == 6 and "title" in rows[0]
    elif fmt == "md":
        assert result.out.count("\n| ") >= 6 and "Data Science Intern (Summer 2027)" in result.out
    else:
        items = ElementTree.fromstring(result.out).findall("./channel/item")
        assert len(items) == 6


def test_export_filter_by_subscription(crawled: list[str]) -> None:
    result = call("export", "--format", "json", "--filter", "sg", *crawled)
    assert [r["title"] for r in json.loads(result.out)] == ["Data Science Intern (Summer 2027)"]
    missing = call("export", "--filter", "nope", *crawled)
    assert missing.code == 2 and "no subscription named 'nope'" in missing.err


def test_search_quotes_user_input(crawled: list[str]) -> None:
    hits = json.loads(call("search", "retailers pricing", "--json", *crawled).out)
    assert [h["title"] for h in hits] == ["Data Science Intern (Summer 2027)"]
    # FTS syntax in a query is treated as words, never as an error or a column filter
    odd = call("search", 'title:"intern" OR NEAR(', *crawled)
    assert odd.code == 0
    only = call("search", "intern", "--company", "palantir", *crawled)
    assert "no postings match" in only.out


def test_search_prefix_and_operators(crawled: list[str]) -> None:
    def hits(*query: str) -> list[dict[str, str]]:
        result = call("search", *query, "--json", "--all", *crawled)
        assert result.code == 0, result.err
        return list(json.loads(result.out))

    def titles(*query: str) -> list[str]:
        return sorted(h["title"] for h in hits(*query))

    assert "Data Science Intern (Summer 2027)" in titles("scien*")
    assert titles("scien") == []  # a word is a whole word: the prefix is what `*` adds
    either = hits("retailers OR Palantir")
    assert "Data Science Intern (Summer 2027)" in [h["title"] for h in either]
    assert "Palantir" in [h["company"] for h in either]
    assert titles("retailers Palantir") == []  # without OR every word must match
    assert titles("retailers NOT pricing") == []


@pytest.mark.parametrize(
    "query",
    ['title:"intern" OR NEAR(', "OR", "NOT data", "data OR", "AND AND", '"unclosed', "*", "a*b",
     "^data", "(data OR design)", "data:*", '"" OR ""', "col:x* NOT", "- + @ ="],
)  # fmt: skip
def test_search_never_passes_fts_syntax_through(tmp_path: Path, query: str) -> None:
    from store.db import open_db
    from store.search import search

    assert search(open_db(tmp_path / "s.db"), query) == []  # no error, whatever was typed


def test_sources_list_and_check(crawled: list[str]) -> None:
    listing = call("sources", *crawled)
    assert "acme" in listing.out and "healthy" in listing.out
    check = call("sources", "check", *crawled)
    assert check.code == 0 and "valid" in check.out and " ok " in check.out


@pytest.mark.parametrize(
    "command",
    [
        ("search", "intern"),
        ("export",),
        ("sources",),  # works without a database (it lists "never crawled")...
        ("sources", "check"),
        ("alerts",),
        ("alerts", "--dry-run"),
        ("subscriptions", "list"),
        ("subscriptions", "pause", "x"),
        ("subscriptions", "update", "--name", "x", "--frequency", "daily"),
    ],
)
def test_a_mistyped_db_is_refused_not_created(tmp_path: Path, command: tuple[str, ...]) -> None:
    config = write_config(tmp_path / "config", [{"name": "a", "type": "greenhouse", "board": "a"}])
    typo = tmp_path / "internwach.db"
    result = call(*command, "--config", str(config), "--db", str(typo))
    assert not typo.exists()  # ...but never creates one
    if command[0] == "sources":
        assert result.code == 0 and f"no database yet at {typo}" in result.out
        assert "never crawled" in result.out
    else:
        assert result.code == 2 and f"no database at {typo}" in result.err
        assert "Traceback" not in result.text and len(result.err.splitlines()) == 1


@pytest.mark.parametrize(
    "command",
    [("run",), ("crawl",), ("subscriptions", "add", "--name", "x", "--notify", "json://1.1.1.1/x"),
     ("search", "x")],
)  # fmt: skip
def test_a_db_in_a_missing_folder_is_one_line_exit_2(tmp_path: Path, command: tuple[str, ...]) -> None:
    config = write_config(tmp_path / "config", [{"name": "a", "type": "greenhouse", "board": "a"}])
    where = tmp_path / "no" / "such" / "iw.db"
    result = call(*command, "--config", str(config), "--db", str(where))
    assert result.code == 2 and "Traceback" not in result.text
    assert len(result.err.splitlines()) == 1 and str(where) in result.err
    assert not (tmp_path / "no").exists()
    folder = call("search", "x", "--config", str(config), "--db", str(tmp_path))
    assert folder.code == 2 and "is a folder" in folder.err


def test_commands_that_add_create_the_database(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config")
    fresh = tmp_path / "fresh.db"
    added = call(
        "subscriptions", "add", "--name", "x", "--notify", "json://1.1.1.1/x",
        "--config", str(config), "--db", str(fresh),
    )  # fmt: skip
    assert added.code == 0 and fresh.exists()
    assert call("search", "x", "--config", str(config), "--db", str(fresh)).code == 0
