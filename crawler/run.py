"""Run the ``reports`` spider once in this process (Twisted's reactor cannot restart, so
one crawl per process: the CLI calls :func:`crawl` once; tests use a subprocess)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def crawl(data_dir: Path, agencies: list[str] | None = None,
          overrides: dict[str, Any] | None = None, progress: bool = True) -> None:
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from .settings import configure

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NIANBAO_DATA_DIR", str(data_dir), priority="cmdline")
    configure(settings)  # before CrawlerProcess starts logging at the configured level
    settings.set("NIANBAO_PROGRESS", progress, priority="cmdline")
    for k, v in (overrides or {}).items():
        settings.set(k, v, priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=True)
    process.crawl("reports", agency=",".join(agencies or []) or None, data_dir=str(data_dir))
    process.start()
