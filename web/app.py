"""The student site (SPEC §7): one Starlette app over the same SQLite file cron writes.

Every page is server-rendered HTML that works without JavaScript; every form carries a
CSRF token; links in emails carry signed, expiring tokens. No page ever shows a traceback:
errors are pages that say what to do next.
"""

from __future__ import annotations

import logging
import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from alerts import site
from alerts.site import LinkError, Links
from config.clock import now
from config.models import Settings
from store.browse import Browse, browse, get_posting
from store.db import open_db
from web import mail
from web.forms import CATEGORIES, FREQUENCIES, PAY_PERIODS, Parsed, parse_form
from web.pages import FacetCache, PageCache, feed_xml, posting_view
from web.security import COOKIE, Csrf, CsrfError, OnceOnly, SlidingLimit

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"
SIGNUPS_PER_CLIENT = 10  # per hour
MAX_BODY = 4 * 1024 * 1024
#: seconds a rendered front/search page is reused: new postings show up within this
PAGE_TTL = 30.0
CSRF_SLOT = "\x00csrf\x00"


@dataclass
class Site:
    db_path: str
    settings: Settings
    secret: str

    def __post_init__(self) -> None:
        self.csrf = Csrf(self.secret)
        self.signups = SlidingLimit(SIGNUPS_PER_CLIENT, 3600)
        self.used_forms = OnceOnly()
        self.facets = FacetCache(self.db)
        self.rendered = PageCache(PAGE_TTL, size=2048)
        self._rendering: dict[str, asyncio.Lock] = {}
        self._local = threading.local()
        self.templates = Jinja2Templates(directory=str(TEMPLATES))
        self.templates.env.auto_reload = False  # no stat() of every template on every page
        self.templates.env.globals.update(
            categories=CATEGORIES,
            frequencies=FREQUENCIES,
            pay_periods=PAY_PERIODS,
            chat_services=self.settings.web.chat,
        )

    @asynccontextmanager
    async def rendering(self, key: str) -> AsyncIterator[None]:
        """Single flight: concurrent misses of one page wait for the first to render it."""
        lock = self._rendering.setdefault(key, asyncio.Lock())
        async with lock:
            yield
        if not lock.locked():
            self._rendering.pop(key, None)

    def db(self) -> sqlite_utils.Database:
        """One connection per thread (Starlette runs handlers in a thread pool)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = open_db(self.db_path)
        return db

    def links(self, request: Request) -> Links:
        base = self.settings.web.public_url or str(request.base_url).rstrip("/")
        return Links(base, self.secret)

    def page(
        self, request: Request, name: str, context: dict[str, Any], status: int = 200,
        cache_key: str | None = None,
    ) -> Response:
        """Render `name`; with `cache_key`, the same HTML is reused for PAGE_TTL seconds
        (every visitor's page differs only by its CSRF token, put in afterwards)."""
        cookie = request.cookies.get(COOKIE)
        fresh = cookie is None
        cookie = cookie or self.csrf.new_cookie()
        html = self.rendered.get(cache_key) if cache_key is not None else None
        if html is None:
            html = self.templates.get_template(name).render(
                {"request": request, "csrf": CSRF_SLOT, **context}
            )
            if cache_key is not None:
                self.rendered.put(cache_key, html)
        response = HTMLResponse(html.replace(CSRF_SLOT, self.csrf.token(cookie)), status)
        if fresh:
            secure = (self.settings.web.public_url or "").startswith("https://")
            response.set_cookie(COOKIE, cookie, httponly=True, samesite="lax", secure=secure)
        return response

    def message(
        self, request: Request, title: str, text: str, status: int = 200, link: tuple[str, str] | None = None
    ) -> Response:
        return self.page(request, "message.html", {"title": title, "text": text, "link": link}, status)

    async def form(self, request: Request) -> tuple[dict[str, str], list[str], str]:
        """The posted form, after the CSRF check (raises CsrfError)."""
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > MAX_BODY:
            raise HTTPException(413, "The form is too large.")
        form = await request.form()
        token = form.get("csrf")
        form_id = self.csrf.check(request.cookies.get(COOKIE), token if isinstance(token, str) else None)
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        categories = [c for c in form.getlist("categories") if isinstance(c, str)]
        return values, categories, form_id

    def read_link(self, request: Request, purpose: str, token: str) -> list[str]:
        return self.links(request).read(purpose, token)


def _filter_values(sub: site.SiteSubscription) -> dict[str, Any]:
    """A subscription's current filter as the form's field values."""
    f = sub.filter
    values: dict[str, Any] = {
        key: ", ".join(getattr(f, key))
        for key in ("keywords", "exclude", "companies", "exclude_companies", "locations", "seasons")
    }
    values.update(
        email=sub.email or "",
        categories=list(f.categories),
        graduation=f.graduation or "",
        needs_sponsorship=f.needs_sponsorship,
        frequency=sub.frequency,
        min_pay=f"{f.min_pay.amount:g}" if f.min_pay else "",
        min_pay_per=f.min_pay.per if f.min_pay else "hour",
        min_pay_currency=f.min_pay.currency if f.min_pay else "USD",
        chat="\n".join(sub.chat),
    )
    return values


def create_app(db_path: str, settings: Settings, secret: str) -> Starlette:
    s = Site(db_path, settings, secret)
    s.db()  # migrations applied before the first request

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
        if key is not None and s.rendered.get(key) is not None:
            return s.page(request, "index.html", {}, status, cache_key=key)
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
        if s.rendered.get(key) is not None:  # the common case, served on the event loop
            return s.page(request, "index.html", {}, cache_key=key)
        async with s.rendering(key):  # one thread renders a page; the others wait for it
            if s.rendered.get(key) is not None:
                return s.page(request, "index.html", {}, cache_key=key)
            return await run_in_threadpool(index, request)

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

    def _sub_for(request: Request, purpose: str) -> tuple[site.SiteSubscription, list[str]] | Response:
        try:
            parts = s.read_link(request, purpose, request.path_params["token"])
        except LinkError as exc:
            if exc.expired:
                return s.message(
                    request,
                    "This link has expired",
                    "Use the link in your latest email, or sign up again from the front page.",
                    410,
                    ("/", "Front page"),
                )
            return s.message(
                request,
                "This link does not work",
                f"{exc}. Copy the whole link from your email, or sign up again.",
                400,
                ("/", "Front page"),
            )
        sub = site.get(s.db(), parts[0]) if len(parts) >= 2 else None
        if sub is None or sub.nonce != parts[1]:
            return s.message(
                request,
                "No such subscription",
                "These alerts were stopped (or the "
                "address signed up again since). Sign up from the front page to get "
                "alerts again.",
                404,
                ("/", "Front page"),
            )
        return sub, parts

    async def confirm(request: Request) -> Response:
        found = _sub_for(request, "confirm")
        if isinstance(found, Response):
            return found
        sub, parts = found
        if request.method == "POST":
            try:
                await s.form(request)
            except CsrfError:
                return s.page(request, "confirm.html", {"sub": sub, "again": True}, 403)
            state = await run_in_threadpool(lambda: site.confirm(s.db(), sub.name, sub.nonce, now()))
            manage = s.links(request).url("manage", sub.name, sub.nonce)
            if state == "confirmed":
                return s.message(
                    request,
                    "Confirmed",
                    "Your alerts are on: the first email lists the "
                    "current matches and comes with the next run.",
                    200,
                    (manage, "Manage your alerts"),
                )
            return s.message(
                request,
                "Already confirmed",
                "This link was used before: your alerts are on.",
                409,
                (manage, "Manage your alerts"),
            )
        if sub.status == "active":
            manage = s.links(request).url("manage", sub.name, sub.nonce)
            return s.message(
                request, "Already confirmed", "Your alerts are on.", 409, (manage, "Manage your alerts")
            )
        return s.page(request, "confirm.html", {"sub": sub})

    async def manage(request: Request) -> Response:
        if request.method == "GET":  # a page rendered for this very state is reused
            try:
                parts = s.read_link(request, "manage", request.path_params["token"])
            except LinkError:
                parts = []
            current = site.state(s.db(), parts[0]) if len(parts) == 2 else None
            if current is not None and current[0] == parts[1]:
                key = f"manage:{parts[0]}:{current[1]}"
                if s.rendered.get(key) is not None:
                    return s.page(request, "manage.html", {}, cache_key=key)
        found = _sub_for(request, "manage")
        if isinstance(found, Response):
            return found
        sub, _ = found
        links = s.links(request)
        feed = links.url("feed", sub.name, sub.nonce, suffix=".rss")
        key = None
        unsub = links.url("unsubscribe", sub.name, sub.nonce)
        ctx: dict[str, Any] = {
            "sub": sub,
            "feed": feed,
            "unsubscribe": unsub,
            "notice": "",
            "values": _filter_values(sub),
            "errors": {},
        }
        if request.method == "GET":
            current = site.state(s.db(), sub.name)
            key = f"manage:{sub.name}:{current[1]}" if current else None
            return s.page(request, "manage.html", ctx, cache_key=key)
        try:
            values, categories, _ = await s.form(request)
        except CsrfError:
            ctx["notice"] = "The form had expired; here it is again with your current settings."
            return s.page(request, "manage.html", ctx, 403)
        return await run_in_threadpool(_manage_post, request, ctx, values, categories)

    def _manage_post(
        request: Request, ctx: dict[str, Any], values: dict[str, str], categories: list[str]
    ) -> Response:
        sub = ctx["sub"]
        action, db, moment = values.get("action", "save"), s.db(), now()
        if action == "unsubscribe":
            site.unsubscribe(db, sub.name, moment)
            return s.message(
                request, "Unsubscribed", "You will get no more alerts.", 200, ("/", "Front page")
            )
        if action in ("pause", "resume"):
            site.pause(db, sub.name, action == "pause", moment)
            ctx["notice"] = "Paused: nothing is sent until you resume." if action == "pause" else "Resumed."
        elif action == "save":
            if sub.origin == "file":
                ctx["notice"] = "These alerts are set by the site's operator; you may pause or stop them."
                return s.page(request, "manage.html", ctx, 409)
            parsed = parse_form(values, categories, settings, need_email=False)
            if not parsed.ok:
                ctx.update(values={**parsed.values, "email": sub.email or ""}, errors=parsed.errors)
                return s.page(request, "manage.html", ctx, 422)
            assert parsed.filter is not None
            mails = [u for u in sub.notify if u.startswith(("mailto://", "mailtos://"))]
            site.update(db, sub.name, [*mails, *parsed.chat], parsed.frequency, parsed.filter)
            ctx["notice"] = "Saved. New postings that match are sent from the next run."
        else:
            return s.message(request, "Unknown action", "Use the buttons of the form.", 400)
        fresh = site.get(db, sub.name)
        assert fresh is not None
        ctx.update(sub=fresh, values=_filter_values(fresh))
        return s.page(request, "manage.html", ctx)

    async def unsubscribe(request: Request) -> Response:
        found = _sub_for(request, "unsubscribe")
        if isinstance(found, Response):
            return found
        sub, _ = found
        if request.method == "GET":
            return s.page(request, "unsubscribe.html", {"sub": sub})
        # RFC 8058: a POST (body List-Unsubscribe=One-Click, no cookie) unsubscribes at once and
        # answers 200; the signed link is the authorisation, so no CSRF token is asked.
        await run_in_threadpool(lambda: site.unsubscribe(s.db(), sub.name, now()))
        return s.message(request, "Unsubscribed", "You will get no more alerts.", 200, ("/", "Front page"))

    async def matches(request: Request) -> Response:
        found = _sub_for(request, "matches")
        if isinstance(found, Response):
            return found
        sub, parts = found
        listed = site.digest_postings(s.db(), sub.name, parts[2]) if len(parts) > 2 else None
        current = await run_in_threadpool(lambda: site.current_matches(s.db(), sub.filter, now()))
        manage = s.links(request).url("manage", sub.name, sub.nonce)
        return s.page(
            request,
            "matches.html",
            {
                "digest": [posting_view(p) for p in listed or []],
                "known": listed is not None,
                "current": [posting_view(p) for p in current],
                "manage": manage,
            },
        )

    async def feed(request: Request) -> Response:
        found = _sub_for(request, "feed")
        if isinstance(found, Response):
            return found
        sub, _ = found
        postings = await run_in_threadpool(lambda: site.current_matches(s.db(), sub.filter, now()))
        return Response(feed_xml(postings, s.links(request).base), media_type="application/rss+xml")

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
        Route("/confirm/{token}", confirm, methods=["GET", "POST"]),
        Route("/manage/{token}", manage, methods=["GET", "POST"]),
        Route("/unsubscribe/{token}", unsubscribe, methods=["GET", "POST"]),
        Route("/matches/{token}", matches),
        Route("/feed/{token}.rss", feed),
        Route("/posting/{pid:path}", posting),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: not_found, Exception: server_error})
