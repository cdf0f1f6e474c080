"""Scrapy settings: polite by default (SPEC §6), tuned for JSON APIs."""

from __future__ import annotations

from typing import Any

from scrapy.settings import default_settings

from config.models import Settings
from spiders.middlewares import DOWNLOADER_MIDDLEWARES

#: Scrapy components no crawl of ours uses. They are left out of Scrapy's base lists rather
#: than set to None: Scrapy imports every component a setting names, None or not, and each
#: crawl process paid ~0.15 s for RemoteControl (aiohttp) and CookiesMiddleware (tldextract).
UNUSED = frozenset({
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",  # COOKIES_ENABLED is off
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware",
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware",
    "scrapy.downloadermiddlewares.retry.RetryMiddleware",  # BackoffRetryMiddleware instead
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware",
    "scrapy.extensions.closespider.CloseSpider",
    "scrapy.extensions.feedexport.FeedExporter",
    "scrapy.extensions.logstats.LogStats",
    "scrapy.extensions.memdebug.MemoryDebugger",
    "scrapy.extensions.memusage.MemoryUsage",
    "scrapy.extensions.remote_control.RemoteControl",
    "scrapy.extensions.spiderstate.SpiderState",
    "scrapy.extensions.telnet.TelnetConsole",
})


#: Scrapy >= 2.19 renamed DNS_RESOLVER (the old name still works, with a warning)
RESOLVER_SETTING = (
    "TWISTED_DNS_RESOLVER" if hasattr(default_settings, "TWISTED_DNS_RESOLVER") else "DNS_RESOLVER"
)


def _used(base: dict[str, int]) -> dict[str, int]:
    return {name: order for name, order in base.items() if name not in UNUSED}


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
        "CONCURRENT_REQUESTS": settings.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrent_per_host,
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
        "SPIDER_MIDDLEWARES": {"spiders.middlewares.GroupItems": 950},  # next to the spider
        # Scrapy's own components, minus those no source uses (see UNUSED)
        "DOWNLOADER_MIDDLEWARES_BASE": _used(default_settings.DOWNLOADER_MIDDLEWARES_BASE),
        "SPIDER_MIDDLEWARES_BASE": _used(default_settings.SPIDER_MIDDLEWARES_BASE),
        "EXTENSIONS_BASE": _used(default_settings.EXTENSIONS_BASE),
        "DNS_TIMEOUT": 20,
        # refuses internal answers for names no source owns (SPEC §6; spiders/middlewares.py)
        RESOLVER_SETTING: "spiders.middlewares.PublicOnlyResolver",
        # a crawler serves several sources (spiders/group.py): the same URL in two is not a dupe
        "REQUEST_FINGERPRINTER_CLASS": "spiders.group.SourceFingerprinter",
        # Scrapy's, with its per-host concurrency actually kept (spiders/downloader.py)
        "DOWNLOADER": "spiders.downloader.PoliteDownloader",
        "HTTPERROR_ALLOWED_CODES": [],
        # Scrapy reads each callback's source and parses it, per handler spider of a group:
        # ~0.3 ms a source, every run. tests/test_spider_contract.py does that check once instead
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "LOG_LEVEL": "DEBUG" if verbose else "WARNING",
        "LOGSTATS_INTERVAL": 0 if not verbose else 60.0,
        "ITEM_PIPELINES": {"spiders.pipelines.PostingPipeline": 300},
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        # our own handler (cli) prints; Scrapy's would print INFO lines regardless
        "LOG_INSTALL_ROOT_HANDLER": False,
        "INTERNWATCH_DB": db_path,
        "INTERNWATCH_RUN_ID": run_id,
    }
