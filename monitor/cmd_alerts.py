"""CLI of the monitor: ``check``, ``alerts`` / ``alerts send``, ``run``, ``daemon``."""

from __future__ import annotations

import datetime as dt
import logging
import sys

import click

from monitor.app import Ctx, emit, err, main, pass_ctx


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD，而不是 {value!r}") from None


@main.command()
@click.option("--today", default=None, help="evaluate as of this date (YYYY-MM-DD)")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def check(ctx: Ctx, today: str | None, as_json: bool) -> None:
    """Evaluate deadlines, changes and findings; record new alerts (idempotent)."""
    from .alerts import check as run_check

    res = run_check(ctx.archive, today=_date(today))
    if as_json:
        emit(res.json())
        return
    for a in res.opened:
        click.echo(f"新增 #{a['id']} {a['detail'].get('label', a['kind'])}："
                   f"{a['detail'].get('message', '')}")
    for a in res.resolved:
        click.echo(f"解除 #{a['id']} {a['detail'].get('label', a['kind'])}："
                   f"{a['detail'].get('resolved_message', '')}")
    err(f"{res.today}：新增 {len(res.opened)} 条，解除 {len(res.resolved)} 条，"
        f"当前未解除 {res.open_count} 条")


@main.group(invoke_without_command=True)
@click.option("--pending", is_flag=True, help="only alerts not yet mailed")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def alerts(click_ctx: click.Context, pending: bool, as_json: bool) -> None:
    """List alerts; `alerts send` mails the pending ones as one digest."""
    if click_ctx.invoked_subcommand is not None:
        return
    from .alerts import list_alerts

    ctx = click_ctx.find_object(Ctx)
    assert ctx is not None
    rows = list_alerts(ctx.archive, pending=pending)
    if as_json:
        emit({"alerts": rows})
        return
    states = {"open": "未解除", "resolved": "已解除"}
    for a in rows:
        click.echo(f"#{a['id']}\t{states.get(a['state'], a['state'])}\t{a['opened_on']}\t"
                   f"{a['detail'].get('label', a['kind'])}\t{a['agency_id'] or ''}\t"
                   f"{a['year'] or ''}\t{a['detail'].get('message', '')}")
    err(f"共 {len(rows)} 条")


@alerts.command()
@click.option("--retry-now", is_flag=True, help="ignore the retry backoff of queued mail")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def send(ctx: Ctx, retry_now: bool, as_json: bool) -> None:
    """Deliver pending alerts by email as one digest (fails softly when the server is down)."""
    from .mail import send_pending

    rep = send_pending(ctx.archive, retry_now=retry_now)
    if rep.warning:
        err(f"警告：{rep.warning}")
    if rep.error:
        when = rep.next_attempt_at.isoformat(timespec="seconds") if rep.next_attempt_at else "稍后"
        err(f"邮件未能发出：{rep.error}；{rep.failed} 封留在发件箱，将于 {when} UTC 后重试"
            "（或运行 nianbao alerts send --retry-now）。")
    if rep.waiting:
        err(f"{rep.waiting} 封邮件在等待重试时间（nianbao alerts send --retry-now 可立即重试）。")
    err(f"已发送 {len(rep.sent)} 封邮件。")
    if as_json:
        emit(rep.json())


@main.command()
@click.option("--no-crawl", is_flag=True, help="skip the crawl step (check and send only)")
@pass_ctx
def run(ctx: Ctx, no_crawl: bool) -> None:
    """One nightly cycle: crawl → check → send."""
    from .cycle import run_cycle

    detail = run_cycle(ctx.archive, crawl=not no_crawl)
    words = {"ok": "成功", "partial": "部分完成", "failed": "有步骤失败"}
    err(f"本次运行结束：{words[detail['status']]}")
    sys.exit(1 if detail["status"] == "failed" else 0)


@main.command()
@click.option("--cron", default=None,
              help='override the schedule: 5 cron fields, or 6 with seconds first')
@click.option("--timezone", default=None, help="override the time zone (e.g. Asia/Shanghai)")
@click.option("--no-crawl", is_flag=True, help="skip the crawl step of each cycle")
@click.option("--outbox-minutes", type=float, default=5.0, show_default=True,
              help="how often queued mail is retried between cycles")
@pass_ctx
def daemon(ctx: Ctx, cron: str | None, timezone: str | None, no_crawl: bool,
           outbox_minutes: float) -> None:
    """Run the nightly cycle on its schedule until stopped."""
    from .schedule import make_trigger
    from .scheduler import daemon as run_daemon

    st = ctx.archive.settings
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        make_trigger(cron or st.schedule, timezone or st.timezone)
    except (ValueError, KeyError) as e:
        raise click.UsageError(str(e)) from None
    run_daemon(ctx.archive, schedule=cron, timezone=timezone, crawl=not no_crawl,
               outbox_minutes=outbox_minutes)
