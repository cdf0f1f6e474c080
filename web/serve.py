"""`internwatch serve`: the student site on uvicorn, beside cron, on the same SQLite file."""

from __future__ import annotations

import os
from collections.abc import Callable

from alerts.links import SECRET_ENV
from config.models import Settings
from web.mail import MailError, check_mail_server


def serve(db_path: str, settings: Settings, host: str, port: int, warn: Callable[[str], None]) -> int:
    """Run until interrupted; 2 (nothing served) without INTERNWATCH_SECRET or with a
    `web.mail` server on a private address that is not allowed."""
    secret = os.environ.get(SECRET_ENV)
    if not secret:
        warn(
            f"internwatch: serve needs {SECRET_ENV} (it signs the site's links and forms):"
            f" export {SECRET_ENV}=<a long random string, kept the same across restarts>"
        )
        return 2
    try:
        check_mail_server(settings)
    except MailError as exc:
        warn(f"internwatch: {exc}")
        return 2
    if not settings.web.mail:
        warn("internwatch: web.mail is not set in settings.yaml: sign-up cannot send email")
    import uvicorn

    from web.app import create_app

    app = create_app(db_path, settings, secret)
    from store.places import table

    table()  # ~0.5 s now, not on the first pages students open (every form's places are checked)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
    return 0
