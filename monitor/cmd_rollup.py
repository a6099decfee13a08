"""``nianbao rollup``: a region's year — sums, rates, who is left out, change, rankings."""

from __future__ import annotations

import sys
from typing import Any

import click

from monitor.app import Ctx, emit, err, main, pass_ctx

STATUS_CN = {"included": "已汇总", "missing": "未发布", "unreadable": "无法解析",
             "invalid": "数据有误", "no_tables": "无统计表"}


def pct(v: Any) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def known_region(ctx: Ctx, region: str | None) -> None:
    """Exit 2 when ``region`` names no registered agency's region (a typo, not a region
    with nothing in it)."""
    if region is None:
        return
    from sqlalchemy import select

    from archive.models import Agency
    from archive.registry import in_region, normalise_region

    if normalise_region(region) is None:
        err("--region 不能为空")
        sys.exit(2)
    with ctx.archive.Session() as s:
        regions = sorted({r for r in s.scalars(select(Agency.region)) if r})
    if not any(in_region(r, region) for r in regions):
        err(f"没有机关属于地区“{region}”；已登记的地区："
            f"{'、'.join(regions) if regions else '（无：请用 registry add --region 设置）'}")
        sys.exit(2)


@main.command()
@click.option("--region", default=None, help="地区路径，如 宁夏/中卫市（含其下各级）；省略则为全部机关")
@click.option("--year", type=click.IntRange(1990, 2100), required=True, help="报告年度")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def rollup(ctx: Ctx, region: str | None, year: int, as_json: bool) -> None:
    """A region's year: sums of 表二/表三/表四, the rates, agencies left out and why,
    change on last year, rankings."""
    from monitor.rollup import region_rollup

    known_region(ctx, region)
    r = region_rollup(ctx.archive, year, region)
    if as_json:
        emit(r)
        return
    n = r["agencies"]
    click.echo(f"{r['region'] or '全部机关'} {year} 年度：应发布 {n['expected']}，找到 {n['found']}，"
               f"汇总 {n['included']}，未汇总 {n['left_out']}")
    for key, rate in r["rates"].items():
        ch = r["change"]["rates"][key]
        if key == "applications":
            d = ch["delta"]
            click.echo(f"  {rate['label']}：{rate['value']}"
                       f"（上年 {ch['previous']}，{'+' if d and d > 0 else ''}{d}）")
        else:
            click.echo(f"  {rate['label']}：{pct(rate['value'])}"
                       f"（{rate['numerator']}/{rate['denominator']}；上年 {pct(ch['previous'])}）")
    for x in r["left_out"]:
        click.echo(f"  未汇总：{x['agency']}（{x['agency_id']}）：{STATUS_CN[x['status']]}："
                   f"{x['reason']}")
    for i, x in enumerate(r["rankings"]["applications"][:10]):
        if i == 0:
            click.echo("  申请量排名：")
        click.echo(f"    {x['rank']}. {x['agency']} {x['value']}")


def in_scope(ctx: Ctx, region: str | None) -> set[str]:
    """The ids of the registered agencies in ``region`` (exit 2 for an unknown region)."""
    from sqlalchemy import select

    from archive.models import Agency
    from archive.registry import in_region

    known_region(ctx, region)
    with ctx.archive.Session() as s:
        return {a.id for a in s.scalars(select(Agency)) if in_region(a.region, region)}


def export_xlsx(ctx: Ctx, region: str | None, year: int | None, out: Any) -> None:
    """``export --format xlsx``: the roll-up workbook of a region's year."""
    if year is None or out is None:
        err("--format xlsx 需要 --year 和 --out FILE.xlsx")
        sys.exit(2)
    known_region(ctx, region)
    from monitor.workbook import write

    r = write(ctx.archive, year, region, out)
    n = r["agencies"]
    err(f"已导出 {r['region'] or '全部机关'} {year} 年度汇总到 {out}："
        f"{n['expected']} 个机关，汇总 {n['included']} 个，未汇总 {n['left_out']} 个")
