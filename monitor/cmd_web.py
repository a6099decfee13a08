"""``nianbao serve``: the web pages and JSON API, served by waitress."""

from __future__ import annotations

import ipaddress
import os
import sys

import click

from monitor.app import Ctx, err, main, pass_ctx


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--token", default=None,
              help="access token the pages demand (env NIANBAO_WEB_TOKEN); required when "
                   "--host is not a loopback address")
@click.option("--threads", type=int, default=4, show_default=True)
@pass_ctx
def serve(ctx: Ctx, host: str, port: int, token: str | None, threads: int) -> None:
    """Serve the web pages and the JSON API (read-only)."""
    token = token or os.environ.get("NIANBAO_WEB_TOKEN") or None
    if not _is_loopback(host) and not token:
        err(f"拒绝在 {host} 上无令牌提供网页：请用 --token 或环境变量 NIANBAO_WEB_TOKEN 设置访问令牌，"
            "或只绑定 127.0.0.1 并在前面加反向代理")
        sys.exit(2)
    import waitress

    from monitor.web import create_app

    app = create_app(ctx.archive, token=token)
    import threading

    from archive.search import warm_up

    threading.Thread(target=warm_up, daemon=True).start()  # the first search needs no wait
    shown = f"[{host}]" if ":" in host else host
    err(f"网页已启动：http://{shown}:{port}/" + ("（需要令牌：?token=…）" if token else ""))
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="nianbao")
    except OSError as e:
        err(f"无法在 {host}:{port} 上监听（{e.strerror or e}）：端口可能已被占用，请换一个 --port")
        sys.exit(2)
