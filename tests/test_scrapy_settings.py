"""The Scrapy components a crawl builds: what sources need, and not what none uses (Scrapy
imports every component its settings name, even one set to None)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CRAWL_NOTHING = """
import json, sys
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
import scrapy
from scrapy.crawler import Crawler, CrawlerProcess
from config.models import Settings
from spiders.settings import scrapy_settings

class Nothing(scrapy.Spider):
    name = "nothing"
    async def start(self):
        return
        yield

config = scrapy_settings(Settings(), db_path=":memory:", run_id="t", verbose=False)
config["ITEM_PIPELINES"] = {}
process = CrawlerProcess(config)
crawler = Crawler(Nothing, config)
process.crawl(crawler)
process.start()
engine = crawler.engine
built = [type(m).__module__ + "." + type(m).__name__ for m in
         [*engine.downloader.middleware.middlewares, *engine.scraper.spidermw.middlewares,
          *crawler.extensions.middlewares]]
print(json.dumps({"built": built, "imported": sorted(m for m in ("aiohttp", "tldextract")
                                                     if m in sys.modules)}))
"""


def test_a_crawler_builds_what_sources_need_and_imports_nothing_unused() -> None:
    out = subprocess.run([sys.executable, "-c", CRAWL_NOTHING], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    report = json.loads(out.strip().splitlines()[-1])
    assert report["imported"] == []  # RemoteControl and CookiesMiddleware pulled these in
    built = set(report["built"])
    for needed in (
        "spiders.middlewares.BackoffRetryMiddleware",
        "spiders.middlewares.RedirectGuardMiddleware",
        "scrapy.downloadermiddlewares.redirect.RedirectMiddleware",
        "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware",
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware",
        "scrapy.downloadermiddlewares.downloadtimeout.DownloadTimeoutMiddleware",
        "scrapy.downloadermiddlewares.useragent.UserAgentMiddleware",
        "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware",
        "spiders.middlewares.GroupItems",
        "scrapy.extensions.corestats.CoreStats",
    ):
        assert needed in built, needed
    assert not any("Cookies" in name or "RemoteControl" in name or "Telnet" in name
                   for name in built)
