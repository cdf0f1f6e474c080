"""Shared test helpers: run the real CLI in a child process, write config folders."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> Result:
    """`internwatch ARGS` in a child process (fresh Scrapy reactor each time, as cron runs it)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def write_config(
    folder: Path,
    sources: list[dict[str, Any]] | None = None,
    subscriptions: list[dict[str, Any]] | None = None,
    settings: dict[str, Any] | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.yaml").write_text(
        yaml.safe_dump({"sources": sources or []}, sort_keys=False)
    )
    if subscriptions is not None:
        (folder / "subscriptions.yaml").write_text(
            yaml.safe_dump({"subscriptions": subscriptions}, sort_keys=False)
        )
    # the local receivers of these tests are on 127.0.0.1: the operator's own host (SPEC §5)
    base_settings = {
        "autothrottle": False, "retry_times": 1, "download_timeout": 10,
        "allow_private_hosts": ["127.0.0.1"],
    }
    base_settings.update(settings or {})
    (folder / "settings.yaml").write_text(yaml.safe_dump(base_settings))
    return folder


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    return {
        "INTERNWATCH_DB": str(tmp_path / "iw.db"),
        "INTERNWATCH_CONFIG": str(tmp_path / "config"),
    }
