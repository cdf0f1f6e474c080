"""The student site over HTTP (SPEC §7): every rule of sign-up, tokens, CSRF, limits,
manage, one-click unsubscribe, and the alerts side (pending gets nothing, links in digests)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from defusedxml import ElementTree
from starlette.testclient import TestClient

from alerts import links, site
from alerts.deliver import deliver
from alerts.outbox import collect
from config.clock import now
from tests import webkit
from tests.conftest import run_cli, write_config
from tests.webkit import PUBLIC, SECRET, SiteKit, errors_of
from web import app as web_app

kit = webkit.kit  # the fixture

FIELDS = (
    "email",
    "keywords",
    "exclude",
    "companies",
    "exclude_companies",
    "locations",
    "categories",
    "seasons",
    "graduation",
    "min_pay",
    "min_pay_per",
    "min_pay_currency",
    "needs_sponsorship",
    "frequency",
    "chat",
)


def test_front_page_has_every_field_labelled_and_a_search(kit: SiteKit) -> None:
    page = kit.client.get("/")
    assert page.status_code == 200
    for name in FIELDS:
        assert f'name="{name}"' in page.text, name
    for field_id in re.findall(r'<input type="(?:text|email|month)" id="([a-z_]+)"', page.text):
        assert f'<label for="{field_id}">' in page.text, field_id
    assert "Data Science Intern" in page.text and 'role="search"' in page.text


def test_search_facets_and_posting_page(kit: SiteKit) -> None:
    page = kit.client.get("/", params={"category": "data"})
    assert "Data Analyst Intern" in page.text and "Software Engineering Intern" not in page.text
    page = kit.client.get("/", params={"q": "machine learning", "country": "SG"})
    assert "Machine Learning Intern" in page.text and "Data Analyst Intern" not in page.text
    page = kit.client.get("/", params={"company": "Globex", "season": "Summer 2026"})
    assert "Software Engineering Intern" in page.text and "Data Science Intern" not in page.text
    assert kit.client.get("/", params={"remote": "remote"}).text.count('<li><a href="/posting/') == 0
    one = kit.client.get("/posting/src:1")
    assert one.status_code == 200 and "Software Engineering Intern" in one.text
    assert kit.client.get("/posting/nope:9").status_code == 404


def test_sign_up_sends_a_confirmation_and_stores_a_pending_subscription(kit: SiteKit) -> None:
    answer = kit.sign_up(
        keywords="data science",
        locations="Singapore, remote",
        categories=["data"],
        min_pay="30",
        min_pay_per="hour",
        needs_sponsorship="on",
        frequency="daily",
    )
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    [message] = kit.smtp.messages
    assert message["To"] == "student@example.edu"
    [link] = kit.links()
    assert link.startswith(f"{PUBLIC}/confirm/")
    [row] = kit.subscriptions()
    assert (row["status"], row["paused"], row["origin"], row["frequency"]) == ("pending", 1, "site", "daily")
    stored = site.get(kit.db(), row["name"])
    assert stored is not None and stored.filter.needs_sponsorship and stored.filter.min_pay is not None


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(kit: SiteKit) -> None:
    first = kit.sign_up("a@example.edu")
    name = kit.subscriptions()[0]["name"]
    site.confirm(kit.db(), name, kit.subscriptions()[0]["nonce"], now())
    second = kit.sign_up("a@example.edu")
    assert first.status_code == second.status_code == 200
    strip = re.compile(r'name="csrf" value="[^"]+"')
    assert strip.sub("", first.text) == strip.sub("", second.text)
    assert len(kit.smtp.messages) == 2
    assert kit.links()[0].startswith(f"{PUBLIC}/manage/")  # the owner gets the manage link


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not an address"}, "email"),
        ({"email": "a@b.edu, victim@c.edu"}, "email"),
        ({"email": ""}, "email"),
        ({"keywords": "x" * 1_000_000}, "keywords"),
        ({"locations": "y" * 1_000_000}, "locations"),
        ({"categories": ["nope"]}, "categories"),
        ({"locations": "Singapore, Xyzzyville"}, "locations"),
        ({"seasons": "Someday 2027"}, "seasons"),
        ({"graduation": "June"}, "graduation"),
        ({"min_pay": "lots"}, "min_pay"),
        ({"min_pay": "30", "min_pay_per": "fortnight"}, "min_pay_per"),
        ({"min_pay": "30", "min_pay_currency": "dollars"}, "min_pay_currency"),
        ({"frequency": "hourly"}, "frequency"),
        ({"keywords": "!!!, ???"}, "keywords"),
        ({"chat": "javascript:alert(1)"}, "chat"),
        ({"chat": "ntfy://10.1.2.3/topic"}, "chat"),
        ({"chat": "ntfy://169.254.169.254/topic"}, "chat"),
        ({"chat": "slack://T1/B2/C3"}, "chat"),
        ({"companies": "!!!, \x00\x01"}, "companies"),
    ],
)
def test_bad_input_is_told_beside_its_field_and_changes_nothing(
    kit: SiteKit, fields: dict[str, object], field: str
) -> None:
    data = {"email": "student@example.edu", **fields}
    answer = kit.sign_up(**data)  # type: ignore[arg-type]
    assert answer.status_code == 422
    errors = errors_of(answer.text)
    assert field in errors, errors
    assert "Traceback" not in answer.text and "<script>" not in answer.text
    assert kit.subscriptions() == [] and kit.smtp.messages == []


def test_forms_need_the_csrf_token_of_their_own_browser(kit: SiteKit) -> None:
    missing = kit.client.post("/subscribe", data={"email": "a@example.edu"})
    assert missing.status_code == 403
    other = TestClient(kit.client.app)
    token = re.search(r'name="csrf" value="([^"]+)"', other.get("/").text).group(1)  # type: ignore[union-attr]
    forged = kit.client.post("/subscribe", data={"csrf": token, "email": "a@example.edu"})
    assert forged.status_code == 403
    assert kit.subscriptions() == [] and kit.smtp.messages == []


def test_a_double_submit_is_told_and_sends_once(kit: SiteKit) -> None:
    data = {"csrf": kit.csrf(), "email": "twice@example.edu"}
    assert kit.client.post("/subscribe", data=data).status_code == 200
    again = kit.client.post("/subscribe", data=data)
    assert again.status_code == 409 and "already sent" in errors_of(again.text)["email"]
    assert len(kit.smtp.messages) == 1


def test_at_most_three_confirmation_emails_per_address_per_day(kit: SiteKit) -> None:
    codes = [kit.sign_up("many@example.edu").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert len(kit.smtp.messages) == 3


def test_a_client_may_sign_up_only_so_often(kit: SiteKit) -> None:
    codes = [kit.sign_up(f"s{n}@example.edu").status_code for n in range(web_app.SIGNUPS_PER_CLIENT + 1)]
    assert codes[:-1] == [200] * web_app.SIGNUPS_PER_CLIENT and codes[-1] == 429
    assert len(kit.smtp.messages) == web_app.SIGNUPS_PER_CLIENT


def _confirm_link(kit: SiteKit, email: str = "student@example.edu", **fields: object) -> str:
    kit.sign_up(email, **fields)  # type: ignore[arg-type]
    return kit.links()[0].removeprefix(PUBLIC)


def test_confirm_get_shows_a_button_and_only_post_activates(kit: SiteKit) -> None:
    path = _confirm_link(kit)
    page = kit.client.get(path)
    assert page.status_code == 200 and "<button" in page.text
    assert kit.subscriptions()[0]["status"] == "pending"
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    done = kit.client.post(path, data={"csrf": token})
    assert done.status_code == 200 and "Confirmed" in done.text
    row = kit.subscriptions()[0]
    assert (row["status"], row["paused"], row["watermark"]) == ("active", 0, None)
    replay = kit.client.post(path, data={"csrf": token})
    assert replay.status_code == 409 and "Already confirmed" in replay.text


def test_bad_and_expired_links_get_a_clear_4xx_page(kit: SiteKit, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _confirm_link(kit)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    for bad in (tampered, "/confirm/garbage", "/manage/x.y.z", "/matches/", "/feed/nope.rss"):
        answer = kit.client.get(bad)
        assert 400 <= answer.status_code < 500 and "Traceback" not in answer.text, bad
    later = now() + links.MAX_AGE["confirm"] + timedelta(hours=1)
    monkeypatch.setenv("INTERNWATCH_NOW", later.isoformat())
    expired = kit.client.get(path)
    assert expired.status_code == 410 and "expired" in expired.text
    assert kit.subscriptions()[0]["status"] == "pending"


def test_a_pending_subscription_is_listed_as_pending_and_only_its_student_starts_it(
    kit: SiteKit, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    path = _confirm_link(kit)
    row = kit.subscriptions()[0]
    cli = ("--config", str(write_config(tmp_path / "config")), "--db", str(kit.db_path))
    listed = run_cli("subscriptions", "list", *cli)
    key = row["name"].removeprefix("site-")  # the kit's mail user is "site", masked in output
    assert listed.code == 0 and re.search(rf"{key} +pending ", listed.out), listed.out
    resumed = run_cli("subscriptions", "resume", row["name"], *cli)
    assert resumed.code == 2 and "pending" in resumed.err and "confirm" in resumed.err
    manage = links.Links(PUBLIC, SECRET).url("manage", row["name"], row["nonce"]).removeprefix(PUBLIC)
    page = kit.client.get(manage)
    assert 'value="resume"' not in page.text and "waiting for confirmation" in page.text
    refused = kit.client.post(manage, data={"csrf": kit.csrf(manage), "action": "resume"})
    assert refused.status_code == 409 and "confirm" in refused.text
    assert [(r["status"], r["paused"]) for r in kit.subscriptions()] == [("pending", 1)]
    kit.client.post(path, data={"csrf": kit.csrf(path)})
    assert re.search(rf"{key} +active ", run_cli("subscriptions", "list", *cli).out)


def _active(kit: SiteKit, **fields: object) -> str:
    """Sign up and confirm; the manage path."""
    path = _confirm_link(kit, **fields)
    kit.client.post(path, data={"csrf": kit.csrf(path)})
    row = kit.subscriptions()[0]
    return (
        links.Links(PUBLIC, "test-secret-for-links")
        .url("manage", row["name"], row["nonce"])
        .removeprefix(PUBLIC)
    )


def test_manage_shows_current_values_and_changes_them(kit: SiteKit) -> None:
    manage = _active(kit, keywords="data science", locations="Singapore", categories=["data"])
    page = kit.client.get(manage)
    assert 'value="data science"' in page.text and 'value="Singapore"' in page.text
    assert 'value="data" checked' in page.text and "/feed/" in page.text
    form = {
        "csrf": kit.csrf(manage),
        "action": "save",
        "keywords": "machine learning",
        "locations": "London, remote",
        "frequency": "weekly",
        "chat": "ntfy://127.0.0.1:8999/my-topic",
    }
    saved = kit.client.post(manage, data=form)
    assert saved.status_code == 200 and 'value="machine learning"' in saved.text
    sub = site.get(kit.db(), kit.subscriptions()[0]["name"])
    assert sub is not None and sub.filter.keywords == ["machine learning"] and sub.frequency == "weekly"
    assert sub.chat == ["ntfy://127.0.0.1:8999/my-topic"] and len(sub.notify) == 2
    bad = kit.client.post(manage, data={**form, "csrf": kit.csrf(manage), "locations": "Xyzzyville"})
    assert bad.status_code == 422 and "locations" in errors_of(bad.text)
    assert site.get(kit.db(), sub.name).filter.locations == ["London", "remote"]  # type: ignore[union-attr]
    paused = kit.client.post(manage, data={"csrf": kit.csrf(manage), "action": "pause"})
    assert paused.status_code == 200 and kit.subscriptions()[0]["paused"] == 1
    kit.client.post(manage, data={"csrf": kit.csrf(manage), "action": "resume"})
    assert kit.subscriptions()[0]["paused"] == 0
    gone = kit.client.post(manage, data={"csrf": kit.csrf(manage), "action": "unsubscribe"})
    assert gone.status_code == 200 and kit.subscriptions() == []
    assert kit.client.get(manage).status_code == 404


def test_one_click_unsubscribe_needs_no_cookie_and_answers_200(kit: SiteKit) -> None:
    _active(kit)
    row = kit.subscriptions()[0]
    url = links.Links(PUBLIC, "test-secret-for-links").url("unsubscribe", row["name"], row["nonce"])
    mail_client = TestClient(kit.client.app)  # a mail provider: no cookie, no CSRF token
    answer = mail_client.post(
        url.removeprefix(PUBLIC),
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert answer.status_code == 200 and "Unsubscribed" in answer.text
    assert kit.subscriptions() == []
    again = mail_client.post(url.removeprefix(PUBLIC), content=b"List-Unsubscribe=One-Click")
    assert again.status_code == 200  # a provider's retry gets the same answer


def test_pending_gets_nothing_and_confirmed_gets_current_matches_with_site_links(kit: SiteKit) -> None:
    path = _confirm_link(kit, keywords="intern")
    moment = now()
    collect(kit.db(), moment)
    assert deliver(kit.db(), kit.settings, moment) == []
    kit.client.post(path, data={"csrf": kit.csrf(path)})
    collect(kit.db(), moment)
    [outcome] = deliver(kit.db(), kit.settings, moment)
    assert outcome.ok and outcome.postings == 4
    digest = kit.smtp.messages[-1]
    assert digest["List-Unsubscribe"].startswith(f"<{PUBLIC}/unsubscribe/")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    links = kit.links(digest)
    matches = next(u for u in links if "/matches/" in u)
    assert any("/manage/" in u for u in links)
    page = kit.client.get(matches.removeprefix(PUBLIC))
    for title in (
        "Data Science Intern",
        "Software Engineering Intern",
        "Data Analyst Intern",
        "Machine Learning Intern",
    ):
        assert title in page.text  # max_digest=2 listed, the other two on the page
    statuses = {r["status"] for r in kit.db().query("SELECT status FROM deliveries")}
    assert statuses == {"sent"}
    unsubscribe = digest["List-Unsubscribe"].strip("<>").removeprefix(PUBLIC)
    assert (
        TestClient(kit.client.app).post(unsubscribe, content=b"List-Unsubscribe=One-Click").status_code == 200
    )


def test_feed_is_well_formed_rss_of_the_matches(kit: SiteKit) -> None:
    manage = _active(kit, keywords="data")
    feed = re.search(r'href="(http://testserver/feed/[^"]+\.rss)"', kit.client.get(manage).text)
    assert feed is not None
    answer = kit.client.get(feed.group(1).removeprefix(PUBLIC))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/rss+xml")
    titles = [t.text for t in ElementTree.fromstring(answer.content).iter("title")]
    assert (
        "Data Analyst Intern at Initech" in titles and "Software Engineering Intern at Globex" not in titles
    )


def test_feed_and_matches_follow_a_changed_filter_at_once(kit: SiteKit) -> None:
    """Both are kept a while (matching costs ~0.1 s), but only for the filter they were made for."""
    manage = _active(kit, keywords="data")
    row = kit.subscriptions()[0]
    signer = links.Links(PUBLIC, "test-secret-for-links")
    feed = signer.url("feed", row["name"], row["nonce"], suffix=".rss").removeprefix(PUBLIC)
    matches = signer.url("matches", row["name"], row["nonce"]).removeprefix(PUBLIC)
    assert "Initech" in kit.client.get(feed).text and "Initech" in kit.client.get(matches).text
    assert "Globex" not in kit.client.get(feed).text  # a second look, from what was kept
    form = {"csrf": kit.csrf(manage), "action": "save", "keywords": "software", "frequency": "instant"}
    assert kit.client.post(manage, data=form).status_code == 200
    for path in (feed, matches):
        page = kit.client.get(path).text
        assert "Globex" in page and "Initech" not in page, path


def test_serve_without_the_secret_exits_2_naming_it(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("INTERNWATCH_SECRET", raising=False)
    config = write_config(tmp_path / "config")
    result = run_cli(
        "serve", "--config", str(config), "--db", str(tmp_path / "x.db"), env={"INTERNWATCH_SECRET": ""}
    )
    assert result.code == 2 and "INTERNWATCH_SECRET" in result.err


def test_web_settings_are_validated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path / "config", settings={"web": {"public_url": "https://x.edu", "chta": []}})
    result = run_cli(
        "serve", "--config", str(config), "--db", str(tmp_path / "x.db"), env={"INTERNWATCH_SECRET": "s"}
    )
    assert result.code == 2 and "'web.chta' (did you mean 'chat'?)" in result.err
    config = write_config(tmp_path / "config", settings={"web": {"public_url": "https://x.edu"}})
    result = run_cli(
        "sources", "check", "--config", str(config), "--db", str(tmp_path / "x.db"),
        env={"INTERNWATCH_SECRET": ""},
    )
    assert result.code == 2 and "INTERNWATCH_SECRET" in result.err


def test_an_internal_error_is_a_page_without_a_traceback(
    kit: SiteKit, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals /srv/x.py line 3")

    monkeypatch.setattr(web_app, "browse", broken)  # an unforeseen failure inside a page
    client = TestClient(kit.client.app, raise_server_exceptions=False)
    answer = client.get("/?q=anything")
    assert answer.status_code == 500 and "Something went wrong" in answer.text
    assert "Traceback" not in answer.text and "secret internals" not in answer.text


def test_scraped_markup_is_shown_as_text(kit: SiteKit) -> None:
    from tests.alertkit import posting, store_postings

    evil = posting(
        99,
        company="Evil <b>Corp</b>",
        title="<script>alert(1)</script> Data Intern",
        url="https://jobs.example.org/evil/99",
        apply_url="javascript:alert(2)",
    )
    store_postings(kit.db(), [evil], "2026-02-28T11:00:00+00:00")
    for path in ("/?q=data", "/posting/src:99"):
        page = kit.client.get(path).text
        assert "<script>alert" not in page and "javascript:" not in page and "<b>Corp" not in page
