"""`internwatch ARGS` in this process: `cli.main(argv)` with its output captured.

For every command that neither crawls (Scrapy's reactor runs once per process) nor needs a
second process to hold the lock; those go through `tests.conftest.run_cli` (a child).
"""

from __future__ import annotations

import io
import os
from contextlib import redirect_stderr, redirect_stdout

from cli import main
from tests.conftest import Result


def call(*args: str, env: dict[str, str] | None = None) -> Result:
    saved = {key: os.environ.get(key) for key in env or {}}
    os.environ.update(env or {})
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Result(code, out.getvalue(), err.getvalue())
