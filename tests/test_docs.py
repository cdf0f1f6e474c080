"""Docs are part of the change: every CLI command is documented."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    raise AssertionError("no subcommands")


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for command in _commands():
        assert f"`internwatch {command}" in readme, command


def test_readme_starts_with_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    first_code = readme.index("make demo")
    assert readme.index("make test") > first_code
    assert first_code < readme.index("## Everyday commands")


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()
