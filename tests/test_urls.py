"""URL canonicalisation and job ids read from URLs (store/urls.py)."""

from __future__ import annotations

import pytest

from store.urls import canonical_url, native_id_from_url, native_key


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # tracking parameters removed, gh_jid kept
        (
            "https://careers.duolingo.com/jobs/8455252002?gh_jid=8455252002&gh_src=abc&utm_source=li",
            "https://careers.duolingo.com/jobs/8455252002?gh_jid=8455252002",
        ),
        (
            "https://jobs.lever.co/kitware/ea2b148b-abd9-48b9-b0d1-496d3c0e5a51?lever-source=LinkedIn"
            "&lever-origin=applied",
            "https://jobs.lever.co/kitware/ea2b148b-abd9-48b9-b0d1-496d3c0e5a51",
        ),
        (
            "https://careers.l3harris.com/job/-/-/4832/67443054544?src=SNS-10240",
            "https://careers.l3harris.com/job/-/-/4832/67443054544",
        ),
        ("https://example.com/job?ref=simplify&source=newsletter", "https://example.com/job"),
        ("https://example.com/job?UTM_Campaign=x&fbclid=1&id=7", "https://example.com/job?id=7"),
        # fragment dropped, host lower-cased, query sorted, trailing slash dropped
        ("HTTPS://Jobs.Example.COM/Role/#apply", "https://jobs.example.com/Role"),
        ("https://example.com/jobs?b=2&a=1", "https://example.com/jobs?a=1&b=2"),
        # meaningful parameters kept
        (
            "https://jobs.apple.com/en-us/details/200554359/x?team=STDNT",
            "https://jobs.apple.com/en-us/details/200554359/x?team=STDNT",
        ),
        ("  https://example.com/a%20b  ", "https://example.com/a%20b"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    url = "https://Boards.greenhouse.io/spacex/jobs/66?utm_medium=x&gh_jid=66#top"
    once = canonical_url(url)
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("url", "native", "key"),
    [
        (
            "https://boards.greenhouse.io/spacex/jobs/6675035002?gh_jid=6675035002",
            "6675035002",
            "greenhouse:6675035002",
        ),
        (
            "https://careers.duolingo.com/jobs/8455252002?gh_jid=8455252002",
            "8455252002",
            "greenhouse:8455252002",
        ),
        (
            "https://job-boards.greenhouse.io/embed/job_app?token=123456",
            "123456",
            "greenhouse:123456",
        ),
        (
            "https://boards.greenhouse.io/weissassetmanagement/jobs/6874375002",
            "6874375002",
            "greenhouse:6874375002",
        ),
        (
            "https://jobs.lever.co/kitware/EA2B148B-abd9-48b9-b0d1-496d3c0e5a51/apply",
            "ea2b148b-abd9-48b9-b0d1-496d3c0e5a51",
            "lever:ea2b148b-abd9-48b9-b0d1-496d3c0e5a51",
        ),
        (
            "https://jobs.ashbyhq.com/wealthsimple/09bd3d7e-a411-45f2-b47b-bd6daae7fa27/application",
            "09bd3d7e-a411-45f2-b47b-bd6daae7fa27",
            "ashby:09bd3d7e-a411-45f2-b47b-bd6daae7fa27",
        ),
        (
            "https://cadence.wd1.myworkdayjobs.com/en-US/External_Careers/job/SAN-JOSE/"
            "Software-Engineer-Intern---Undergrad_R40695-1",
            "R40695-1",
            "workday:cadence:R40695-1",
        ),
        (
            "https://begacheese.wd3.myworkdayjobs.com/en-US/Bega_Careers/job/Hobart-TAS/"
            "Quality-Specialist---Environmental---Sanitation_JR-7309",
            "JR-7309",
            "workday:begacheese:JR-7309",
        ),
        (
            "https://jobs.smartrecruiters.com/Ubisoft2/744000151872065-crm-webmarketing-assistant",
            "744000151872065",
            "smartrecruiters:744000151872065",
        ),
        ("https://jobs.apple.com/en-us/details/200554359/swe", "200554359", "apple:200554359"),
        ("https://careers.l3harris.com/job/-/-/4832/67443054544", None, None),
        ("https://example.com/test", None, None),
        ("https://jobs.lever.co/kitware", None, None),
    ],
)
def test_native_id(url: str, native: str | None, key: str | None) -> None:
    assert native_id_from_url(url) == native
    assert native_key(url) == key


def test_workday_ids_are_per_tenant() -> None:
    a = native_key("https://acme.wd5.myworkdayjobs.com/en-US/Ext/job/X/Intern_JR-100")
    b = native_key("https://other.wd5.myworkdayjobs.com/en-US/Ext/job/X/Intern_JR-100")
    assert a != b
