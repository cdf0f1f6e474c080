"""What every page of the student site shares: the settings, one database connection per
thread, CSRF, signed links, rendering (with reuse of unchanged pages) and the posted form."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import sqlite_utils
from anyio import CapacityLimiter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.templating import Jinja2Templates

from alerts import site
from alerts.links import Links
from config.models import Settings
from store.db import open_db
from web.forms import CATEGORIES, FREQUENCIES, PAY_PERIODS
from web.pages import FacetCache, PageCache
from web.security import COOKIE, Csrf, OnceOnly, SlidingLimit

TEMPLATES = Path(__file__).resolve().parent / "templates"
SIGNUPS_PER_CLIENT = 10  # per hour
MAX_BODY = 4 * 1024 * 1024
#: seconds a rendered front/search page is reused: new postings show up within this
PAGE_TTL = 30.0
CSRF_SLOT = "\x00csrf\x00"
#: pages read and rendered at once in worker threads (about the number of cores)
RENDERERS = 2
T = TypeVar("T")


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
        self._renderers: CapacityLimiter | None = None
        self._local = threading.local()
        public = self.settings.web.public_url
        self._links = Links(public, self.secret) if public else None
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

    async def render(self, fn: Callable[..., T], *args: Any) -> T:
        """Read and render a page in a worker thread, at most RENDERERS at once: rendering is
        Python holding the GIL, so more threads than cores only make the event loop, which
        serves every reused page, wait for its turn."""
        if self._renderers is None:
            self._renderers = CapacityLimiter(RENDERERS)
        return await anyio.to_thread.run_sync(fn, *args, limiter=self._renderers)

    def db(self) -> sqlite_utils.Database:
        """One connection per thread (Starlette runs handlers in a thread pool)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = open_db(self.db_path)
        return db

    def links(self, request: Request) -> Links:
        if self._links is not None:
            return self._links
        return Links(str(request.base_url).rstrip("/"), self.secret)

    def page(
        self,
        request: Request,
        name: str,
        context: dict[str, Any],
        status: int = 200,
        cache_key: str | None = None,
    ) -> Response:
        """Render `name`; with `cache_key`, keep the HTML for `cached` to reuse for PAGE_TTL
        seconds (every visitor's page differs only by its CSRF token, put in afterwards)."""
        html = self.templates.get_template(name).render({"request": request, "csrf": CSRF_SLOT, **context})
        if cache_key is not None:
            self.rendered.put(cache_key, html)
        return self._respond(request, html, status)

    def cached(self, request: Request, cache_key: str) -> Response | None:
        """The page kept under `cache_key`, if still fresh."""
        html = self.rendered.get(cache_key)
        return None if html is None else self._respond(request, html, 200)

    def _respond(self, request: Request, html: str, status: int) -> Response:
        cookie = request.cookies.get(COOKIE)
        fresh = cookie is None
        cookie = cookie or self.csrf.new_cookie()
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


def filter_values(sub: site.SiteSubscription) -> dict[str, Any]:
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
