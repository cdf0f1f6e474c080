"""Filters students ask for (SPEC §2) and the "matched: ..." line (SPEC §5), end to end:
real SQLite, the real outbox and apprise sending to a webhook receiver on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alerts.deliver import deliver, render_for
from alerts.filters import Filter
from alerts.outbox import collect
from alerts.render import Digest, Line
from alerts.subscriptions import sync_subscriptions
from demo.servers import WebhookSink
from store.models import Location
from tests.alertkit import at, new_db, posting, settings, store_postings, subscription

WHEN = "2026-11-26T01:00:00Z"
SINGAPORE = [Location(city="Singapore", country="SG")]


@pytest.fixture
def hook() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink


def sent(tmp_path: Path, hook: WebhookSink, flt: dict[str, Any], postings: list[Any]) -> Any:
    """The one message a new subscription with ``flt`` gets for ``postings``."""
    db = new_db(tmp_path)
    store_postings(db, postings, "2026-11-26T00:00:00Z")
    subs = [subscription("s", [f"json://127.0.0.1:{hook.port}/hook"], flt)]
    sync_subscriptions(db, subs, at(WHEN))
    collect(db, at(WHEN))
    outcomes = deliver(db, settings(), at(WHEN))
    assert [o.ok for o in outcomes] == [True]
    return hook.received[0]


def test_full_time_job_is_not_sent_as_an_internship(tmp_path: Path, hook: WebhookSink) -> None:
    """The issue's case: `categories: [software]` got "Senior ABAP Developer" in a message
    titled "N new internships"."""
    postings = [
        posting(1, title="Software Engineering Intern", categories=["software"]),
        posting(2, company="Globex", title="Senior ABAP Developer", is_internship=False,
                categories=["software"]),
    ]
    message = sent(tmp_path, hook, {"categories": ["software"]}, postings)
    body = json.loads(message["message"])
    assert [p["title"] for p in body["postings"]] == ["Software Engineering Intern"]
    assert body["more"] == 0
    assert "1 new internship " in message["title"]


def test_internships_only_false_sends_other_postings(tmp_path: Path, hook: WebhookSink) -> None:
    postings = [posting(2, title="Senior ABAP Developer", is_internship=False)]
    body = json.loads(sent(tmp_path, hook, {"internships_only": False}, postings)["message"])
    assert [p["title"] for p in body["postings"]] == ["Senior ABAP Developer"]


def test_needs_sponsorship_and_exclude_companies(tmp_path: Path, hook: WebhookSink) -> None:
    postings = [
        posting(1, company="Stripe", title="Sponsors Intern", sponsorship="yes"),
        posting(2, company="Stripe", title="No Visa Intern", sponsorship="no"),
        posting(3, company="Stripe", title="Citizens Intern", sponsorship="citizens_only"),
        posting(4, company="Stripe", title="Unstated Intern"),
        posting(5, company="Palantir Technologies Inc.", title="Excluded Intern",
                sponsorship="yes"),
    ]
    flt = {"needs_sponsorship": True, "exclude_companies": ["Palantir"]}
    body = json.loads(sent(tmp_path, hook, flt, postings)["message"])
    assert sorted(p["title"] for p in body["postings"]) == ["Sponsors Intern", "Unstated Intern"]
    why = {p["title"]: p["matched"] for p in body["postings"]}
    assert why == {"Sponsors Intern": ["visa sponsorship"],
                   "Unstated Intern": ["sponsorship not stated"]}


def test_each_line_says_why_it_matched(tmp_path: Path, hook: WebhookSink) -> None:
    postings = [posting(1, description="Join our data science team.", locations=SINGAPORE)]
    flt = {"keywords": ["data science", "rust"], "locations": ["Singapore", "London"]}
    body = json.loads(sent(tmp_path, hook, flt, postings)["message"])
    assert body["postings"][0]["matched"] == ["data science", "Singapore"]


@pytest.mark.parametrize(
    ("flt", "fields", "why"),
    [
        ({"keywords": ["data science"], "locations": ["Singapore"]},
         {"description": "data science", "locations": SINGAPORE}, ["data science", "Singapore"]),
        ({"companies": ["Stripe"]}, {"company": "Stripe, Inc."}, ["Stripe"]),
        ({"locations": ["UK", "remote"]}, {"locations": [], "remote": "remote"}, ["remote"]),
        ({"locations": ["UK"]}, {"locations": []}, ["location not stated"]),
        ({"categories": ["data", "quant"]}, {"categories": ["quant"]}, ["quant"]),
        ({"seasons": ["summer 2027"]}, {"seasons": ["Summer 2027"]}, ["summer 2027"]),
        ({"graduation": "2027-06"}, {"graduation": {"from": "2027-01", "to": None}},
         ["graduating 2027-06"]),
        ({"min_pay": {"amount": 30, "per": "hour"}},
         {"pay": {"min": 40, "currency": "USD", "per": "hour", "source": "text"}},
         ["pay 30+ USD/hour"]),
        ({"needs_sponsorship": True}, {"sponsorship": "yes"}, ["visa sponsorship"]),
        ({"needs_sponsorship": True}, {}, ["sponsorship not stated"]),
        ({}, {}, ["every new internship"]),
        ({"internships_only": False}, {"is_internship": False}, ["every new posting"]),
    ],
)
def test_reasons(flt: dict[str, Any], fields: dict[str, Any], why: list[str]) -> None:
    filter_ = Filter.model_validate(flt)
    match = posting(1, **fields)
    assert filter_.matches(match, at(WHEN))
    assert filter_.reasons(match) == why


@pytest.mark.parametrize("scheme", ["mailto", "discord", "json"])
def test_every_format_shows_the_reason(scheme: str) -> None:
    line = Line.of(posting(1), ["data science", "<b>Singapore</b>"])
    digest = Digest("s", [line], 0, "stop", "more")
    _, body, _ = render_for(f"{scheme}://example.org", digest)
    assert "matched" in body and "data science" in body and "<b>" not in body
