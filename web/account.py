"""The pages a student reaches from an email's signed link: confirm, manage, one-click
unsubscribe, the matches of a digest, and the RSS feed."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from alerts import site
from alerts.links import LinkError
from config.clock import now
from web.core import Site, filter_values
from web.forms import parse_form
from web.pages import feed_xml, posting_view
from web.security import CsrfError


def routes(s: Site) -> list[Route]:
    settings = s.settings

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
            if current is None or current[0] != parts[1]:
                return await s.render(_manage_get, request)  # its error page
            key = f"manage:{parts[0]}:{current[1]}"
            hit = s.cached(request, key)
            if hit is not None:
                return hit
            async with s.rendering(key):  # one thread renders it; the others wait and reuse it
                hit = s.cached(request, key)
                # parse and render off the event loop: cached pages keep flowing meanwhile
                return hit if hit is not None else await s.render(_manage_get, request)
        return await _manage(request)

    def _manage_get(request: Request) -> Response:
        found = _sub_for(request, "manage")
        if isinstance(found, Response):
            return found
        sub, _ = found
        links = s.links(request)
        ctx: dict[str, Any] = {
            "sub": sub,
            "feed": links.url("feed", sub.name, sub.nonce, suffix=".rss"),
            "unsubscribe": links.url("unsubscribe", sub.name, sub.nonce),
            "notice": "",
            "values": filter_values(sub),
            "errors": {},
        }
        return s.page(request, "manage.html", ctx, cache_key=f"manage:{sub.name}:{sub.version}")

    async def _manage(request: Request) -> Response:
        """The manage form posted: save, pause, resume or unsubscribe."""
        found = _sub_for(request, "manage")
        if isinstance(found, Response):
            return found
        sub, _ = found
        links = s.links(request)
        feed = links.url("feed", sub.name, sub.nonce, suffix=".rss")
        unsub = links.url("unsubscribe", sub.name, sub.nonce)
        ctx: dict[str, Any] = {
            "sub": sub,
            "feed": feed,
            "unsubscribe": unsub,
            "notice": "",
            "values": filter_values(sub),
            "errors": {},
        }
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
        if action in ("pause", "resume") and sub.status == "pending":
            ctx["notice"] = "These alerts start when you confirm them: open the link in the email we sent."
            return s.page(request, "manage.html", ctx, 409)
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
            site.update(db, sub.name, [*mails, *parsed.chat], parsed.frequency, parsed.filter, moment)
            ctx["notice"] = "Saved. New postings that match are sent from the next run."
        else:
            return s.message(request, "Unknown action", "Use the buttons of the form.", 400)
        fresh = site.get(db, sub.name)
        assert fresh is not None
        ctx.update(sub=fresh, values=filter_values(fresh))
        return s.page(request, "manage.html", ctx)

    async def unsubscribe(request: Request) -> Response:
        found = _sub_for(request, "unsubscribe")
        if isinstance(found, Response):
            if found.status_code == 404 and request.method == "POST":  # already gone: the same
                return s.message(request, "Unsubscribed", "You will get no more alerts.", 200)
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
        digest_id = parts[2] if len(parts) > 2 else ""
        # kept PAGE_TTL seconds for this very state of the subscription: matching it against
        # the newest postings costs ~0.1 s, too much for every visit or feed reader's poll
        key = f"matches:{sub.name}:{sub.version}:{digest_id}"
        hit = s.cached(request, key)
        if hit is not None:
            return hit
        async with s.rendering(key):
            hit = s.cached(request, key)
            return hit if hit is not None else await s.render(_matches_page, request, sub, digest_id, key)

    def _matches_page(request: Request, sub: site.SiteSubscription, digest_id: str, key: str) -> Response:
        db = s.db()
        listed = site.digest_postings(db, sub.name, digest_id) if digest_id else None
        current = site.current_matches(db, sub.filter, now())
        manage = s.links(request).url("manage", sub.name, sub.nonce)
        context = {
            "digest": [posting_view(p) for p in listed or []],
            "known": listed is not None,
            "current": [posting_view(p) for p in current],
            "manage": manage,
        }
        return s.page(request, "matches.html", context, cache_key=key)

    async def feed(request: Request) -> Response:
        found = _sub_for(request, "feed")
        if isinstance(found, Response):
            return found
        sub, _ = found
        key = f"feed:{sub.name}:{sub.version}"  # as the matches page
        xml = s.rendered.get(key)
        if xml is None:
            async with s.rendering(key):
                xml = s.rendered.get(key) or await s.render(_feed_xml, request, sub, key)
        return Response(xml, media_type="application/rss+xml")

    def _feed_xml(request: Request, sub: site.SiteSubscription, key: str) -> str:
        xml = feed_xml(site.current_matches(s.db(), sub.filter, now()), s.links(request).base)
        s.rendered.put(key, xml)
        return xml

    return [
        Route("/confirm/{token}", confirm, methods=["GET", "POST"]),
        Route("/manage/{token}", manage, methods=["GET", "POST"]),
        Route("/unsubscribe/{token}", unsubscribe, methods=["GET", "POST"]),
        Route("/matches/{token}", matches),
        Route("/feed/{token}.rss", feed),
    ]
