"""The command group and what every command shares: the context (data directory, the
archive), JSON output, messages, and the one error path of the command line. Command
modules import from here; :mod:`monitor.cli` registers them all."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from archive.config import ConfigError, resolve_data_dir
from archive.store import Archive


def emit(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def err(msg: str) -> None:
    click.echo(msg, err=True)


class Ctx:
    def __init__(self, data_dir: str | None, debug: bool = False):
        self.data_dir = resolve_data_dir(data_dir)
        self.debug = debug
        self._archive: Archive | None = None

    @property
    def archive(self) -> Archive:
        if self._archive is None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            a = Archive(self.data_dir)
            a.migrate()
            self._archive = a
        return self._archive


pass_ctx = click.make_pass_decorator(Ctx)


class _Main(click.Group):
    """The command group: a bad setting anywhere is a message and exit 2, not a traceback;
    any other unexpected exception is one line on stderr and exit 1 (``--debug`` shows the
    traceback instead)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as e:
            err(f"配置错误：{e}")
            sys.exit(2)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as e:  # noqa: BLE001 - the one error path of the command line
            if isinstance(ctx.obj, Ctx) and ctx.obj.debug:
                raise
            err(f"nianbao 内部错误（{type(e).__name__}: {e}）；加 --debug 查看详情，"
                "并请把它报告给开发者")
            sys.exit(1)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", envvar=None, default=None,
              help="数据目录（默认 $NIANBAO_HOME 或 ./nianbao-data）")
@click.option("--debug", is_flag=True, help="出错时显示详细的调用栈（traceback）")
@click.pass_context
def main(click_ctx: click.Context, data_dir: str | None, debug: bool) -> None:
    """nianbao 年报 — 政府信息公开工作年度报告的采集、存档、校验、提醒与检索。"""
    from archive import budget

    budget.ISOLATE = True  # every file this process reads is read under the budget
    click_ctx.obj = Ctx(data_dir, debug)


def report_unreadable(ctx: Ctx, file: Path | str, status: str, reason: str | None,
                      detail: str | None = None) -> None:
    """One line per file that could not be read; its traceback under ``--debug``."""
    err(f"{file}: {status}: {reason}")
    if ctx.debug and detail:
        err(detail.rstrip())
