"""Scrapy settings: polite by default (SPEC §6), tuned for JSON APIs.

Only documented settings: no component lists of Scrapy's rewritten, no private classes.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import default_settings

from config.models import Settings
from spiders.middlewares import DOWNLOADER_MIDDLEWARES

#: Twisted's default reactor, not the asyncio one Scrapy prefers since 2.13: under the
#: asyncio reactor, Scrapy 2.19's downloader starts each download as an asyncio task and
#: counts it as transferring only when the task first runs, so every request queued for a
#: host leaves at once (measured: 14 open with CONCURRENT_REQUESTS_PER_DOMAIN = 2; under
#: this reactor, 2). Report text for upstream in docs/crawl.md; tests/test_host_limit.py
#: measures the limit at the server.
REACTOR = None


#: Scrapy >= 2.19 renamed DNS_RESOLVER (the old name still works, with a warning)
RESOLVER_SETTING = (
    "TWISTED_DNS_RESOLVER" if hasattr(default_settings, "TWISTED_DNS_RESOLVER") else "DNS_RESOLVER"
)


def scrapy_settings(
    settings: Settings, *, db_path: str, run_id: str, verbose: bool
) -> dict[str, Any]:
    return {
        "BOT_NAME": "internwatch",
        "SPIDER_MODULES": ["spiders"],
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": settings.obey_robots,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "MEMUSAGE_ENABLED": False,
        # every host (and port: spiders.base.slot_key) has its own download slot
        "CONCURRENT_REQUESTS": settings.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrent_per_host,
        # Scrapy's queue for crawls of many hosts at once: the next request is taken from
        # the host with the fewest downloads open, not from the one queued first
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": settings.autothrottle,
        "AUTOTHROTTLE_START_DELAY": 0.25,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(settings.concurrent_per_host),
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "DOWNLOAD_MAXSIZE": settings.download_maxsize,
        "DOWNLOAD_WARNSIZE": min(settings.download_maxsize, 8 * 1024 * 1024),
        "RETRY_ENABLED": settings.retry_times > 0,
        "RETRY_TIMES": settings.retry_times,
        "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 522, 524, 408],
        "REDIRECT_MAX_TIMES": 5,
        # Retry-After aware backoff; redirects to non-HTTP schemes and loops refused
        "DOWNLOADER_MIDDLEWARES": DOWNLOADER_MIDDLEWARES,
        "DNS_TIMEOUT": 20,
        # refuses internal answers for names no source owns (SPEC §6; spiders/middlewares.py)
        RESOLVER_SETTING: "spiders.middlewares.PublicOnlyResolver",
        # one crawler serves every source: the same URL in two sources is not a duplicate
        "REQUEST_FINGERPRINTER_CLASS": "spiders.run_spider.SourceFingerprinter",
        "HTTPERROR_ALLOWED_CODES": [],
        # Scrapy reads and parses the source of each spider's callback to warn about a
        # generator returning a value: once per source here (each is its own spider object).
        # tests/test_spider_contract.py checks every callback once instead.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        # a callback's output is one Answer and its requests, processed by a synchronous
        # pipeline: Scrapy's default of 100 in parallel only built 100 idle tasks per page
        "CONCURRENT_ITEMS": 1,
        "LOG_LEVEL": "DEBUG" if verbose else "WARNING",
        "LOGSTATS_INTERVAL": 0 if not verbose else 60.0,
        "ITEM_PIPELINES": {"spiders.pipelines.PostingPipeline": 300},
        "TWISTED_REACTOR": REACTOR,
        # our own handler (cli) prints; Scrapy's would print INFO lines regardless
        "LOG_INSTALL_ROOT_HANDLER": False,
        "INTERNWATCH_DB": db_path,
        "INTERNWATCH_RUN_ID": run_id,
    }
