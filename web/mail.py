"""The site's own email (the confirmation), through apprise and `web.mail`."""

from __future__ import annotations

import apprise

from alerts.site import mail_url
from config.hosts import BlockedAddress, check_host, public_only_resolution
from config.models import Settings
from config.secrets import REDACTOR


class MailError(RuntimeError):
    pass


def mail_host(mail: str) -> str:
    """The SMTP server `web.mail` reaches (apprise derives it, e.g. smtp.gmail.com)."""
    plugin = apprise.Apprise.instantiate(mail, suppress_exceptions=True)
    if plugin is None:
        raise MailError("web.mail is not a mailto:// URL apprise can use")
    return str(getattr(plugin, "smtp_host", "") or getattr(plugin, "host", ""))


def check_mail_server(settings: Settings) -> None:
    """Refuse a `web.mail` server on a private address unless allowed (SPEC §5)."""
    if settings.web.mail:
        try:
            check_host(mail_host(settings.web.mail), settings.allow_private_hosts)
        except BlockedAddress as exc:
            raise MailError(f"web.mail: {exc}") from exc


def send(settings: Settings, to: str, title: str, body: str) -> None:
    """Send one plain-text email to `to`; raises MailError (secrets masked) on failure."""
    if not settings.web.mail:
        raise MailError("this site cannot send email: the operator must set web.mail")
    url = mail_url(settings.web.mail, to)
    REDACTOR.add_url(url)
    check_mail_server(settings)
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        raise MailError("web.mail is not a mailto:// URL apprise can use")
    with public_only_resolution(settings.allow_private_hosts):
        ok = plugin.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT)
    if not ok:
        raise MailError("the mail server did not accept the message")
