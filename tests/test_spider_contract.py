"""Every source type found by Scrapy's spider loader has a recorded fixture, parses it into
valid Postings equal to the checked-in expected file, and is documented in the README."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
from scrapy.utils.misc import is_generator_with_return_value

from spiders.runner import spider_types
from store.models import Posting
from tests.crawlkit import FIXTURES, crawl_fixture, expected

ROOT = Path(__file__).resolve().parents[1]
TYPES = sorted(spider_types())


def test_every_known_type_is_found() -> None:
    assert {"greenhouse", "lever"} <= set(TYPES)


@pytest.mark.parametrize("type_name", TYPES)
def test_no_callback_is_a_generator_returning_a_value(type_name: str) -> None:
    # Scrapy drops such a value; its own run-time check is off (WARN_ON_GENERATOR_RETURN_VALUE)
    # because it re-reads the source of every handler spider's callbacks in every run
    cls = spider_types()[type_name]
    returning = [name for name in dir(cls) if not name.startswith("__")
                 and inspect.isgeneratorfunction(getattr(cls, name))
                 and is_generator_with_return_value(getattr(cls, name))]
    assert returning == []


@pytest.mark.parametrize("type_name", TYPES)
def test_type_has_fixture_and_expected_output(type_name: str) -> None:
    folder = FIXTURES / type_name
    assert (folder / "routes.json").exists(), f"{folder}/routes.json missing"
    assert (folder / "expected.json").exists(), f"{folder}/expected.json missing"
    spec = json.loads((folder / "routes.json").read_text())
    for route in spec["routes"].values():
        if "file" in route:
            assert (folder / route["file"]).exists()


@pytest.mark.parametrize("type_name", TYPES)
def test_type_parses_fixture_into_expected_postings(type_name: str) -> None:
    result, _server, items = crawl_fixture(type_name)
    assert result.failures == []
    name = json.loads((FIXTURES / type_name / "routes.json").read_text())["source"]["name"]
    for item in result.items:
        Posting.model_validate(item)  # valid against the record model
        assert item["id"].startswith(name + ":")
    assert items == expected(type_name)


@pytest.mark.parametrize("type_name", TYPES)
def test_type_is_documented_in_readme(type_name: str) -> None:
    readme = (ROOT / "README.md").read_text()
    assert f"| `{type_name}` |" in readme, f"README source table has no row for {type_name}"
