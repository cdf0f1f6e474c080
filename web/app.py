"""The student site (SPEC §7): one Starlette app over the same SQLite file cron writes.

Every page is server-rendered HTML that works without JavaScript; every form carries a
CSRF token; links in emails carry signed, expiring tokens. No page ever shows a traceback:
errors are pages that say what to do next.
"""

from __future__ import annotations

import logging
import threading

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from alerts import site
from config.clock import now
from config.models import Settings
from store.browse import Browse, browse, get_posting
from web import account, mail
from web.core import SIGNUPS_PER_CLIENT, Site
from web.forms import Parsed, parse_form
from web.pages import posting_view
from web.security import CsrfError

__all__ = ["SIGNUPS_PER_CLIENT", "create_app"]
log = logging.getLogger(__name__)


def create_app(db_path: str, settings: Settings, secret: str) -> Starlette:
    s = Site(db_path, settings, secret)
    s.db()  # migrations applied before the first request
    # facet counts over every open posting take a second at 100,000: not on a visitor's time
    threading.Thread(target=s.facets.get, name="facets", daemon=True).start()

    def browse_request(request: Request) -> tuple[Browse, int]:
        q = request.query_params
        want = Browse(
            q=q.get("q", "")[:200],
            **{
                k: (q.get(k) or None) and q.get(k, "")[:200]
                for k in ("company", "country", "category", "season", "remote")
            },
        )
        page = q.get("page", "1")
        return want, max(1, min(int(page), 50)) if page.isdigit() else 1

    def index(
        request: Request, parsed: Parsed | None = None, status: int = 200, notice: str = ""
    ) -> Response:
        key = None if parsed or notice else "index?" + request.url.query
        want, page = browse_request(request)
        results = browse(s.db(), want, limit=20, offset=(page - 1) * 20)
        context = {
            "values": parsed.values
            if parsed
            else {"frequency": "instant", "min_pay_per": "hour", "min_pay_currency": "USD"},
            "errors": parsed.errors if parsed else {},
            "notice": notice,
            "want": want,
            "page": page,
            "results": [posting_view(p) for p in results],
            "facets": s.facets.get(),
        }
        return s.page(request, "index.html", context, status, cache_key=key)

    async def home(request: Request) -> Response:
        key = "index?" + request.url.query
        hit = s.cached(request, key)  # the common case, served on the event loop
        if hit is not None:
            return hit
        async with s.rendering(key):  # one thread renders a page; the others wait for it
            hit = s.cached(request, key)
            return hit if hit is not None else await s.render(index, request)

    async def subscribe(request: Request) -> Response:
        try:
            values, categories, form_id = await s.form(request)
        except CsrfError:
            return s.message(
                request,
                "Please send the form again",
                "This form has expired or came from another page. We reloaded it for you: "
                "fill it in and send it again.",
                403,
                ("/", "Back to the form"),
            )
        parsed = parse_form(values, categories, settings)
        if not parsed.ok:
            return index(request, parsed, 422)
        if not s.used_forms.first_time(form_id):
            parsed.errors["email"] = "this form was already sent: check your inbox (and spam folder)"
            return index(request, parsed, 409)
        client = request.client.host if request.client else "unknown"
        if not s.signups.allow(client):
            parsed.errors["email"] = "too many sign-ups from your network this hour; try again later"
            return index(request, parsed, 429)
        if not settings.web.mail:
            return s.message(
                request,
                "Sign-up is not open",
                "This site cannot send email yet: the operator must set web.mail in settings.yaml.",
                503,
            )
        return await run_in_threadpool(_sign_up, request, parsed)

    def _sign_up(request: Request, parsed: Parsed) -> Response:
        """Store and send off the event loop: SQLite may wait for a crawl's write, SMTP for
        the mail server."""
        assert settings.web.mail
        db, moment = s.db(), now()
        if site.mails_today(db, parsed.email, moment) >= site.MAILS_PER_DAY:
            parsed.errors["email"] = (
                f"we already sent {site.MAILS_PER_DAY} emails to this address today; "
                "check your inbox and spam folder, or try again tomorrow"
            )
            return index(request, parsed, 429)
        assert parsed.filter is not None
        notify = [site.mail_url(settings.web.mail, parsed.email), *parsed.chat]
        sub, active = site.sign_up(db, parsed.email, notify, parsed.frequency, parsed.filter, moment)
        links = s.links(request)
        if active:
            title = "Your internwatch alerts"
            body = (
                "Someone (probably you) asked to sign this address up for internship alerts, "
                "and it already has them.\n\nChange or stop them here:\n"
                f"{links.url('manage', sub.name, sub.nonce)}\n"
            )
        else:
            title = "Confirm your internwatch alerts"
            body = (
                "Please confirm that you want internship alerts at this address: open this link "
                f"and press the button.\n\n{links.url('confirm', sub.name, sub.nonce)}\n\n"
                "If you did not ask for this, ignore this email: nothing will be sent.\n"
            )
        try:
            mail.send(settings, parsed.email, title, body)
        except mail.MailError as exc:
            log.warning("confirmation email not sent: %s", exc)
            return s.message(
                request,
                "We could not send the email",
                "Our mail server did not take the message. Please try again in a few minutes.",
                503,
                ("/", "Back to the form"),
            )
        site.record_mail(db, parsed.email, moment)
        return s.message(
            request,
            "Check your inbox",
            f"We sent an email to {parsed.email}. Open the link in it to confirm (or to "
            "manage your alerts). Nothing is sent before you confirm.",
            200,
        )

    async def posting(request: Request) -> Response:
        found = get_posting(s.db(), request.path_params["pid"][:300])
        if found is None:
            return s.message(request, "No such posting", "It may have been removed.", 404, ("/", "Search"))
        return s.page(request, "posting.html", {"p": posting_view(found, full=True)})

    async def not_found(request: Request, exc: Exception) -> Response:
        code = getattr(exc, "status_code", 404)
        text = getattr(exc, "detail", "") if code != 404 else "There is no page at this address."
        return s.message(
            request, "Not here" if code == 404 else "Cannot do that", str(text), code, ("/", "Front page")
        )

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("site error on %s: %s", request.url.path, type(exc).__name__, exc_info=exc)
        return HTMLResponse(
            "<!doctype html><title>Error</title><h1>Something went wrong on our side</h1>"
            "<p>Please try again in a minute. <a href='/'>Front page</a></p>",
            500,
        )

    routes = [
        Route("/", home),
        Route("/subscribe", subscribe, methods=["POST"]),
        Route("/posting/{pid:path}", posting),
        *account.routes(s),
    ]
    # behind a reverse proxy listed in web.trusted_proxies, the client is the address its
    # X-Forwarded-For names (the nearest one no trusted proxy added); from any other peer the
    # header is ignored (uvicorn's ProxyHeadersMiddleware)
    proxies = [Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.web.trusted_proxies)]
    return Starlette(
        routes=routes,
        middleware=proxies if settings.web.trusted_proxies else [],
        exception_handlers={HTTPException: not_found, Exception: server_error},
    )
