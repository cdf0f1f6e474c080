"""The shipped config: config/sources.yaml (real boards, a documented starter set) and
config/subscriptions.example.yaml load cleanly with the real type specs and filter model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alerts.filters import Filter
from config.loader import load_sources, load_subscriptions
from spiders.runner import type_specs

CONFIG = Path(__file__).resolve().parents[1] / "config"
#: the starter set documented at the top of config/sources.yaml
STARTER = {"tiktok", "simplify-summer2027", "stripe", "palantir", "ramp"}
ENTRY = re.compile(r"^  - name: (\S+)\s*$")


def test_sources_load_with_the_real_types() -> None:
    sources = load_sources(CONFIG / "sources.yaml", type_specs())
    names = [s.name for s in sources]
    assert len(names) >= 40
    assert len(set(names)) == len(names)
    assert any(s.type == "tiktok" and s.company == "TikTok" for s in sources)
    companies = {s.company or s.name for s in sources if s.type not in ("feed", "simplify")}
    assert len(companies) >= 40
    assert {s.type for s in sources} == set(type_specs())  # every type has an example


def test_only_the_documented_starter_set_is_enabled() -> None:
    sources = load_sources(CONFIG / "sources.yaml", type_specs())
    assert {s.name for s in sources if s.enabled} == STARTER
    header = (CONFIG / "sources.yaml").read_text().split("sources:")[0]
    documented = set(re.findall(r"^#\s+- ([a-z0-9-]+)\s", header, flags=re.MULTILINE))
    assert documented == STARTER


def test_every_source_says_where_it_was_checked() -> None:
    lines = (CONFIG / "sources.yaml").read_text().splitlines()
    for index, line in enumerate(lines):
        match = ENTRY.match(line)
        if not match:
            continue
        comments = []
        for previous in reversed(lines[:index]):
            if not previous.strip().startswith("#"):
                break
            comments.append(previous.strip())
        assert comments, f"{match.group(1)}: no comment saying where it was checked"
        assert any(re.match(r"# (fixture|code|intern|unverified):", c) for c in comments), (
            match.group(1)
        )


def test_example_subscriptions_load(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("SMTP_USER", "SMTP_PASS", "STUDENT_EMAIL", "DISCORD_WEBHOOK_ID",
                "DISCORD_WEBHOOK_TOKEN"):
        monkeypatch.setenv(var, f"x{var.lower()}1")
    monkeypatch.setenv("STUDENT_EMAIL", "student@example.edu")
    subs = load_subscriptions(CONFIG / "subscriptions.example.yaml", Filter)
    assert [s.name for s in subs] == ["ds-2027", "club-swe"]
    assert all("${" not in url for s in subs for url in s.notify)
    raw = (CONFIG / "subscriptions.example.yaml").read_text()
    assert "${SMTP_PASS}" in raw and "${DISCORD_WEBHOOK_TOKEN}" in raw  # no secret in the file
