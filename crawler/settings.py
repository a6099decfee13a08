"""Scrapy settings of the nianbao crawler: what never changes here, and
:func:`from_config`, which turns the one typed :class:`archive.config.Settings` (nianbao.toml
and ``NIANBAO_*``, loaded and checked once) into the rest; :func:`configure` applies them
once per crawl (``crawler/run.py`` before logging starts, else the spider's
``update_settings`` under ``scrapy crawl reports``).
"""

from __future__ import annotations

import os
from typing import Any

from archive.config import Settings, load_settings, resolve_data_dir

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_PER_DOMAIN = 1
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_WARNSIZE = 0

RETRY_ENABLED = True
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 120.0

COOKIES_ENABLED = True  # WAF gates set a cookie on a 302 to the same page
REDIRECT_MAX_TIMES = 5
METAREFRESH_IGNORE_TAGS = ["noscript"]
HTTPERROR_ALLOWED_CODES: list[int] = []

DOWNLOADER_MIDDLEWARES = {
    "crawler.downloadermiddlewares.guard.AddressGuard": 50,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.downloadermiddlewares.retry.BackoffRetry": 550,
    "crawler.downloadermiddlewares.challenge.ChallengeSolver": 560,
    "crawler.downloadermiddlewares.conditional.ConditionalRequests": 580,
    # next to the downloader: the request as sent, the response as served (archive/warc.py)
    "crawler.downloadermiddlewares.warc.WarcRecorder": 800,
    # last before the wire: the host's slot shared by every worker (off without redis_url)
    "crawler.downloadermiddlewares.hostslot.HostSlots": 950,
}
ITEM_PIPELINES = {"crawler.pipelines.IngestPipeline": 300}

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"  # until the configuration's log_level is applied
REMOTE_CONTROL_ENABLED = False  # no listening socket on a nightly job
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"


def from_config(cfg: Settings) -> dict[str, Any]:
    """The Scrapy settings that come from the deployment's configuration."""
    # an HTTP field value is visible ASCII (RFC 9110); a UA with Chinese in it reaches
    # servers and WAFs as Latin-1 mojibake or is refused. ``user_agent``, else one naming
    # the deployment's own pages (``site_url``) as the contact.
    ua = cfg.user_agent or f"Mozilla/5.0 (compatible; nianbao/0.1; +{cfg.site_url})"
    delay = cfg.download_delay
    return {
        "USER_AGENT": "".join(ch for ch in ua if " " <= ch <= "~").strip(),
        "DOWNLOAD_DELAY": delay,
        # AutoThrottle adapts the delay to each server's latency; a delay of 0 means "no
        # politeness" (local simulated portals in tests and benchmarks), so it is off then
        "AUTOTHROTTLE_ENABLED": delay > 0,
        "AUTOTHROTTLE_START_DELAY": delay,
        "DOWNLOAD_TIMEOUT": cfg.crawl_timeout,
        "DOWNLOAD_MAXSIZE": cfg.max_file_mb * 1024 * 1024,
        "PORTAL_PAGE_BUDGET": cfg.page_budget,
        "DISCOVERY_BUDGET": cfg.discovery_budget,
        "RETRY_TIMES": cfg.crawl_retries,
        "RETRY_BACKOFF_BASE": cfg.crawl_backoff,
        "LOG_LEVEL": cfg.log_level,
        # scaling out (crawler/night.py): the shared night and per-host slots in Redis
        "NIANBAO_REDIS_URL": cfg.redis_url,
        "NIANBAO_LEASE_SECONDS": float(cfg.lease_seconds),
        "NIANBAO_WORKER_PORTALS": cfg.worker_portals,
    }


def configure(settings: Any) -> None:
    """Apply the data directory's configuration to Scrapy ``settings``, once: the data
    directory is ``NIANBAO_DATA_DIR`` (a setting, else the environment, else
    ``NIANBAO_HOME``/``./nianbao-data``)."""
    if settings.getbool("NIANBAO_CONFIGURED"):
        return
    data_dir = resolve_data_dir(settings.get("NIANBAO_DATA_DIR")
                                or os.environ.get("NIANBAO_DATA_DIR"))
    settings.set("NIANBAO_DATA_DIR", str(data_dir), priority="project")
    settings.setdict({**from_config(load_settings(data_dir)), "NIANBAO_CONFIGURED": True},
                     priority="project")
