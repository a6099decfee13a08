"""Scrapy settings for the nianbao crawler (``scrapy crawl reports`` or ``nianbao crawl``).

Politeness comes from the data directory's ``nianbao.toml`` (``download_delay``,
``page_budget``, ``max_file_mb``; env ``NIANBAO_*`` overrides); timeouts and retries can
be tuned by ``NIANBAO_CRAWL_TIMEOUT`` / ``NIANBAO_CRAWL_RETRIES`` (tests shorten them).
"""

from __future__ import annotations

import os

from archive.config import load_settings, resolve_data_dir

NIANBAO_DATA_DIR = str(resolve_data_dir(os.environ.get("NIANBAO_DATA_DIR")))
_cfg = load_settings(resolve_data_dir(NIANBAO_DATA_DIR))

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# an HTTP field value is visible ASCII (RFC 9110); a UA with Chinese in it reaches servers
# and WAFs as Latin-1 mojibake or is refused. ``user_agent`` in nianbao.toml, else one
# naming the deployment's own pages (``site_url``) as the contact.
_UA = str(_cfg.get("user_agent") or "Mozilla/5.0 (compatible; nianbao/0.1; "
          f"+{_cfg.get('site_url') or 'http://127.0.0.1:8000'})")
USER_AGENT = "".join(ch for ch in _UA if " " <= ch <= "~").strip()

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = float(_cfg.get("download_delay", 1.0) or 0)
# AutoThrottle adapts the delay to each server's latency; a configured delay of 0 means
# "no politeness" (local simulated portals in tests and benchmarks), so it is off then.
AUTOTHROTTLE_ENABLED = DOWNLOAD_DELAY > 0
AUTOTHROTTLE_START_DELAY = max(DOWNLOAD_DELAY, 0.0)
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = float(os.environ.get("NIANBAO_CRAWL_TIMEOUT", "30"))
DOWNLOAD_MAXSIZE = int(_cfg.get("max_file_mb", 64) or 64) * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
PORTAL_PAGE_BUDGET = int(_cfg.get("page_budget", 300) or 300)
DISCOVERY_BUDGET = int(_cfg.get("discovery_budget", 20) or 20)
# scaling out (crawler/night.py): the shared night and per-host slots live in Redis
NIANBAO_REDIS_URL = _cfg.get("redis_url") or None
NIANBAO_LEASE_SECONDS = float(_cfg.get("lease_seconds", 60) or 60)
NIANBAO_WORKER_PORTALS = int(_cfg.get("worker_portals", 32) or 32)

RETRY_ENABLED = True
RETRY_TIMES = int(os.environ.get("NIANBAO_CRAWL_RETRIES", "4"))
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = float(os.environ.get("NIANBAO_CRAWL_BACKOFF", "1.0"))
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

LOG_LEVEL = os.environ.get("NIANBAO_LOG_LEVEL", "INFO")
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening socket on a nightly job
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
