"""``nianbao evidence``: a report's evidence of publication as a bundle, and its check."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from monitor.app import Ctx, emit, err, main, pass_ctx


@main.command()
@click.argument("agency", required=False)
@click.argument("year", type=click.IntRange(1990, 2100), required=False)
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="证据包目录（新建，或为空目录）")
@click.option("--verify", "verify_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="核验一个证据包：逐一重算 SHA-256")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def evidence(ctx: Ctx, agency: str | None, year: int | None, out: Path | None,
             verify_dir: Path | None, as_json: bool) -> None:
    """Evidence of publication: `evidence AGENCY YEAR --out DIR` writes the report's WARC
    records (every version, its pages and listing as first and last seen), manifest.json,
    证据说明.html and SHA256SUMS; `evidence --verify DIR` re-checks every hash (exit 1 on a
    mismatch, naming the file)."""
    if verify_dir is not None:
        if agency or year or out:
            err("--verify 只接受证据包目录")
            sys.exit(2)
        _verify(verify_dir, as_json)
        return
    if not agency or year is None or out is None:
        err("用法：nianbao evidence AGENCY YEAR --out DIR，或 nianbao evidence --verify DIR")
        sys.exit(2)
    if out.exists() and any(out.iterdir()):
        err(f"{out} 已存在且不为空；请指定新的目录")
        sys.exit(2)
    _build(ctx, agency, year, out, as_json)


def _build(ctx: Ctx, agency: str, year: int, out: Path, as_json: bool) -> None:
    from archive.evidence import NotFound, build

    try:
        m = build(ctx.archive, agency, year, out)
    except NotFound as e:
        err(str(e))
        sys.exit(2)
    if as_json:
        emit(m)
        return
    r = m["report"]
    click.echo(f"{m['agency']['name']} {year} 年度报告：{len(m['versions'])} 个版本，"
               f"{len(m['exchanges'])} 次采集；首次发现 {r['first_seen']}，最近见到 "
               f"{r['last_seen']}，删除 {r['removed_on'] or '—'}")
    if not m["warc_complete"]:
        click.echo(f"注意：{m['note']}")
    click.echo(f"证据包：{out}（{m['warc']}、manifest.json、证据说明.html、SHA256SUMS）")


def _verify(bundle: Path, as_json: bool) -> None:
    from archive.evidence import verify

    if not bundle.is_dir():
        err(f"{bundle} 不是目录")
        sys.exit(2)
    problems = verify(bundle)
    if as_json:
        emit({"bundle": str(bundle), "ok": not problems, "problems": problems})
    elif problems:
        for p in problems:
            err(f"核验失败：{p}")
    else:
        click.echo(f"{bundle}：全部文件的 SHA-256 与清单一致")
    sys.exit(1 if problems else 0)
