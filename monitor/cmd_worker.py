"""``nianbao worker``: crawl processes serving the distributed nights (``crawler/worker.py``)."""

from __future__ import annotations

import sys

import click

from monitor.app import Ctx, err, main, pass_ctx


@main.command()
@click.option("--processes", type=click.IntRange(1, 64), default=1, show_default=True,
              help="同时运行的采集进程数（每个进程一次采集 worker_portals 个站点）")
@click.option("--once", is_flag=True, help="服务完一个采集之夜就退出（测试与基准用）")
@pass_ctx
def worker(ctx: Ctx, processes: int, once: bool) -> None:
    """Crawl the portals of every distributed night (needs redis_url; runs until stopped)."""
    url = ctx.archive.settings.redis_url
    if not url:
        err("nianbao worker 需要 redis_url（nianbao.toml 或环境变量 NIANBAO_REDIS_URL）")
        sys.exit(2)
    from crawler.worker import serve

    sys.exit(serve(ctx.data_dir, str(url), processes, once=once, say=err))
