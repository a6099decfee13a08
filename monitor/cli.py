"""The ``nianbao`` command line (``docs/commands.md``).

With ``--json`` a command prints one JSON document on stdout and nothing else; progress
and logs go to stderr. Exit 0 on success, 1 when the command ran but found problems it
was asked to report, 2 on bad usage or input.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import click

from archive.config import write_default_config
from monitor.app import Ctx, emit, err, main, pass_ctx, report_unreadable


@main.command()
@pass_ctx
def init(ctx: Ctx) -> None:
    """Create the data directory, database and default registry."""
    from archive.registry import builtin_registry

    ctx.data_dir.mkdir(parents=True, exist_ok=True)
    wrote = write_default_config(ctx.data_dir)
    a = ctx.archive
    with a.Session.begin() as s:
        from archive.models import Agency

        if s.query(Agency).count() == 0:
            for entry in builtin_registry():
                a.upsert_agency(s, entry)
    err(f"数据目录：{ctx.data_dir}")
    err("已写入默认配置 nianbao.toml" if wrote else "nianbao.toml 已存在，未改动")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the record as JSON")
@click.option("--year", type=int, default=None, help="the year the file is filed under")
@pass_ctx
def parse(ctx: Ctx, file: Path, as_json: bool, year: int | None) -> None:
    """Parse one file (any format) and print its record, without touching the database.

    Exit 2 when the file cannot be read as a report (the reason on stderr)."""
    from archive.budget import Budget, Unreadable, describe, read_report
    from archive.config import load_settings
    from archive.validate import Context, validate

    budget = Budget.from_settings(load_settings(ctx.data_dir))
    try:
        _, rec = read_report(file.read_bytes(), filed_year=year, budget=budget, isolate=True)
        validate(rec, Context(filed_year=year))
    except Unreadable as e:
        report_unreadable(ctx, file, "无法解析", e.reason, e.detail)
        sys.exit(2)
    except Exception as e:  # noqa: BLE001 - a validator bug: the same one error path
        import traceback

        report_unreadable(ctx, file, "无法解析", describe(e, budget), traceback.format_exc())
        sys.exit(2)
    if as_json:
        emit(rec)
        return
    click.echo(render_record(dict(rec)))


def render_record(rec: dict[str, Any]) -> str:
    from archive.record import iter_cells

    out = io.StringIO()
    out.write(f"机关: {rec['agency']}\n年度: {rec['year']}\n模板: {rec['template']}\n")
    out.write(f"标题: {rec['title']}\n落款日期: {rec['published_on']}\n")
    for path, value in iter_cells(rec):  # type: ignore[arg-type]
        if path.startswith("legacy_stats."):
            row = rec["legacy_stats"][int(path.split(".")[1])]
            out.write(f"{row['label']}\t{row.get('unit') or ''}\t"
                      f"{'null' if row.get('value') is None else row['value']}\n")
            continue
        if isinstance(value, dict):
            value = value.get("text")
        out.write(f"{path}\t{'null' if value is None else value}\n")
    for f in rec["findings"]:
        out.write(f"[{f['severity']}] {f['code']} {f['where'] or ''}: {f['message']}\n")
    for note in rec["notes"]:
        out.write(f"(注) {note}\n")
    return out.getvalue()


@main.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--agency", default=None, help="agency id or name")
@click.option("--year", type=int, default=None)
@click.option("--url", default=None, help="the address the file was published at")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def ingest(ctx: Ctx, files: tuple[Path, ...], agency: str | None, year: int | None,
           url: str | None, as_json: bool) -> None:
    """Archive local files, parse, validate, store.

    ``--agency`` must name a registered agency (exit 2 otherwise); a file whose own text
    names another registered agency is reported (``agency_conflict``), not filed."""
    a = ctx.archive
    if agency:
        with a.Session() as s:
            if a.registered_agency(s, agency) is None:
                err(f"未登记的机关：{agency}；请先用 nianbao registry add 添加，"
                    "或用 nianbao registry list 查看已登记机关的 id 和名称")
                sys.exit(2)
    results = []
    bad = 0
    for f in files:
        r = a.ingest(f.read_bytes(), url=url, agency=agency, year=year, role="attachment",
                     strict_agency=True)
        results.append({"file": str(f), "sha256": r.sha256, "status": r.status,
                        "report_id": r.report_id, "error": r.error,
                        "findings": [x["code"] for x in r.findings]})
        if r.status in ("unparseable", "not_report", "agency_conflict"):
            bad += 1
            report_unreadable(ctx, f, r.status, r.error, r.detail)
        else:
            err(f"{f}: {r.status} (report {r.report_id}, {len(r.findings)} findings)")
    if as_json:
        emit({"ingested": results})
    sys.exit(1 if bad else 0)


@main.command()
@click.option("--agency", default=None)
@click.option("--year", type=int, default=None)
@click.option("--limit", type=int, default=None)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def reports(ctx: Ctx, agency: str | None, year: int | None, limit: int | None,
            as_json: bool) -> None:
    """Archived reports: one entry per agency and year."""
    rows = ctx.archive.reports(agency=agency, year=year, limit=limit)
    if as_json:
        emit({"reports": rows})
        return
    from rich.console import Console
    from rich.table import Table

    t = Table("id", "机关", "年度", "模板", "版本", "错误", "发现")
    for r in rows:
        t.add_row(str(r["id"]), r["agency"], str(r["year"]),
                  r["template"] or f"无法解析：{r['unreadable']}",
                  str(len(r["versions"])), str(r["errors"]), ",".join(sorted(set(r["findings"]))))
    Console().print(t)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def fsck(ctx: Ctx, as_json: bool) -> None:
    """Re-hash every blob and check every database reference; exit 1 on any problem."""
    problems = ctx.archive.fsck()
    if as_json:
        emit({"ok": not problems, "problems": problems})
    else:
        for p in problems:
            click.echo(f"{p['kind']}: {p['message']}")
        err("fsck: 没有发现问题" if not problems else f"fsck: 发现 {len(problems)} 个问题")
    sys.exit(1 if problems else 0)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default="csv")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--region", default=None, help="只导出该地区（含其下各级）的机关")
@click.option("--year", type=click.IntRange(1990, 2100), default=None,
              help="只导出该年度（xlsx 必需）")
@pass_ctx
def export(ctx: Ctx, fmt: str, out: Path | None, region: str | None,
           year: int | None) -> None:
    """The parsed statistics: one row per report and cell (csv, json); or the roll-up
    workbook of a region's year (xlsx: summary, one sheet per table, findings, left out)."""
    a = ctx.archive
    if fmt == "xlsx":
        from monitor.cmd_rollup import export_xlsx

        export_xlsx(ctx, region, year, out)
        return
    rows = a.export_cells()
    if region is not None or year is not None:
        from monitor.cmd_rollup import in_scope

        keep = in_scope(ctx, region)
        rows = [r for r in rows if r["agency_id"] in keep and year in (None, r["year"])]
    if fmt == "json":
        text = json.dumps({"cells": rows}, ensure_ascii=False, indent=1)
    else:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(a.EXPORT_FIELDS))
        w.writeheader()
        w.writerows(rows)
        text = buf.getvalue()
    if out:
        out.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        err(f"已导出 {len(rows)} 行到 {out}")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("query", required=False)
@click.option("--agency", default=None)
@click.option("--year", type=int, default=None)
@click.option("--limit", type=int, default=50)
@click.option("--rebuild", is_flag=True, help="rebuild the search index from the archive")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def search(ctx: Ctx, query: str | None, agency: str | None, year: int | None, limit: int,
           rebuild: bool, as_json: bool) -> None:
    """Full-text search of every archived report."""
    from archive.search import get_search

    engine = get_search(ctx.archive)
    if rebuild:
        n = engine.rebuild()
        err(f"已重建索引：{n} 个版本")
        if not query:
            return
    if not query:
        raise click.UsageError("需要检索词 QUERY")
    hits = engine.search(query, agency=agency, year=year, limit=limit)
    if as_json:
        emit({"hits": [h.json() for h in hits]})
        return
    for h in hits:
        click.echo(f"{h.report_id}\t{h.agency}\t{h.year}\t{h.snippet}")


# the commands that live in their own modules register themselves on ``main`` on import
from monitor import (  # noqa: E402,F401
    cmd_alerts,
    cmd_crawl,
    cmd_demo,
    cmd_evidence,
    cmd_rollup,
    cmd_web,
    cmd_worker,
)
