"""``nianbao demo``: run the whole pipeline on simulated portals, then serve the pages."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from monitor.app import Ctx, err, main, pass_ctx
from monitor.cmd_web import _is_loopback


@main.command()
@click.option("--no-serve", is_flag=True,
              help="只运行演示，不启动网页（环境变量 NIANBAO_DEMO_NO_SERVE=1 同此）")
@click.option("--host", default="127.0.0.1", show_default=True, help="网页监听地址")
@click.option("--port", type=int, default=8000, show_default=True, help="网页端口")
@pass_ctx
def demo(ctx: Ctx, no_serve: bool, host: str, port: int) -> None:
    """Demo on simulated portals: archive, edit/delete/outage, one nightly cycle, the pages.

    Uses the data directory like every command (a previous demo there is replaced; real
    data is never touched: the demo refuses and exits 2).
    """
    from .demo import DemoRefused, run_demo, summary

    no_serve = no_serve or os.environ.get("NIANBAO_DEMO_NO_SERVE", "") not in ("", "0")
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    if not no_serve and not _is_loopback(host) and not os.environ.get("NIANBAO_WEB_TOKEN"):
        err(f"拒绝在 {host} 上无令牌提供网页：请设置环境变量 NIANBAO_WEB_TOKEN，或只绑定 127.0.0.1")
        sys.exit(2)
    if not no_serve and not _port_free(host, port):
        err(f"端口 {host}:{port} 已被占用：请用 --port 换一个端口，或用 --no-serve 只运行演示")
        sys.exit(2)
    keep: list[Any] = []
    try:
        res = run_demo(ctx.data_dir, url, keep=keep)
    except DemoRefused as e:
        err(str(e))
        sys.exit(2)
    default = ctx.data_dir == (Path.cwd() / "nianbao-data").resolve()
    flag = "" if default or os.environ.get("NIANBAO_HOME") else f" --data-dir {ctx.data_dir}"
    Console().print(summary(res, flag))
    if no_serve:
        for farm in keep:
            farm.stop()
        return
    err(f"在浏览器中打开 {url} 查看演示结果（提醒、逾期、缺报、修改前后对比）；按 Ctrl-C 停止。")
    try:
        click.get_current_context().invoke(main.commands["serve"], host=host, port=port, token=None, threads=4)
    except OSError as e:
        err(f"无法在 {host}:{port} 启动网页（{e}）；请用 --port 换一个端口，或用 --no-serve 只运行演示")
        sys.exit(2)
    except KeyboardInterrupt:
        pass
    finally:
        for farm in keep:
            farm.stop()


def _port_free(host: str, port: int) -> bool:
    """Checked before the demo runs, so a busy port does not waste its minute."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True
