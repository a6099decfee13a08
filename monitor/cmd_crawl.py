"""``nianbao crawl`` and ``nianbao registry …``: the agency registry and the crawler."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from archive.models import Agency, PortalCrawl, utcnow
from archive.registry import (
    RegistryError,
    load_registry,
    parse_registry,
    portal_key,
    private_allowed,
)
from monitor.app import Ctx, emit, err, main, pass_ctx

OUTCOME_CN = {"ok": "正常", "partial": "部分失败", "unreachable": "无法访问"}


def agency_json(a: Agency) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "kind": a.kind, "portal": a.portal, "column": a.column,
            "column_path": a.column_path, "emails": list(a.emails or []),
            "deadline": a.deadline, "since": a.since, "region": a.region, "level": a.level}


def store_entry(agency: Agency, entry: dict[str, Any]) -> None:
    """A column the registry names is the agency's own, not a walk's find: the night that
    reads it is evidence for the agency even when it lists none of its reports yet."""
    if entry.get("column"):
        agency.column_path = None


@main.command()
@click.option("--registry", "registry_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="YAML 注册表：其中的机关先存入数据目录（按 id 新增或更新）")
@click.option("--agency", "agency_ids", multiple=True, help="只采集这些机关（id，可重复）")
@click.option("--json", "as_json", is_flag=True)
@click.option("--distributed/--local", "distributed", default=None,
              help="由 nianbao worker 进程采集（需 redis_url；设置了 redis_url 时默认如此）/ 在本进程采集")
@click.option("--timeout", type=float, default=None,
              help="分布式采集最多等待的秒数（默认一直等到全部站点采集完）")
@pass_ctx
def crawl(ctx: Ctx, registry_file: Path | None, agency_ids: tuple[str, ...],
          as_json: bool, distributed: bool | None, timeout: float | None) -> None:
    """Crawl the portals, archive what is new or changed; exit 1 if some are unreachable."""
    a = ctx.archive
    redis_url = a.settings.redis_url
    if distributed and not redis_url:
        err("--distributed 需要 redis_url（nianbao.toml 或环境变量 NIANBAO_REDIS_URL）")
        sys.exit(2)
    distributed = bool(redis_url) if distributed is None else distributed
    ids = list(agency_ids)
    if registry_file is not None:
        try:
            entries = load_registry(registry_file, allow_private=private_allowed(ctx.archive.settings))
        except RegistryError as e:
            err(str(e))
            sys.exit(2)
        with a.Session.begin() as s:
            for entry in entries:
                store_entry(a.upsert_agency(s, entry), entry)
        err(f"注册表：已存入 {len(entries)} 个机关")
        if not ids:
            ids = [e["id"] for e in entries]
    with a.Session() as s:
        known = {x for x in s.scalars(select(Agency.id))}
        unknown = [i for i in ids if i not in known]
        if unknown:
            err(f"注册表中没有这些机关：{', '.join(unknown)}（先用 nianbao registry add 添加）")
            sys.exit(2)
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)
    if distributed:
        crawl_distributed(ctx, str(redis_url), ids, timeout)
    else:
        from crawler.run import crawl as run_crawl

        run_crawl(ctx.data_dir, ids)
    with a.Session() as s:
        rows = list(s.scalars(select(PortalCrawl).where(PortalCrawl.started_at >= started)
                              .order_by(PortalCrawl.portal)))
        out: list[dict[str, Any]] = []
        for c in rows:  # a portal's agencies may be split by what the night proves
            if out and out[-1]["portal"] == c.portal:
                last = out[-1]
                if c.outcome != "ok" and last["outcome"] == "ok":
                    last["outcome"], last["reason"] = c.outcome, c.reason
                last["requests"] += c.requests
                last["reports_found"] += c.reports_found
                last["agency_ids"] = [*last["agency_ids"], *c.agency_ids]
                continue
            out.append({"portal": c.portal, "outcome": c.outcome, "reason": c.reason,
                        "requests": c.requests, "reports_found": c.reports_found,
                        "agency_ids": list(c.agency_ids or [])})
    bad = [r for r in out if r["outcome"] == "unreachable"]
    with a.Session() as s:
        q = select(Agency.portal).where(Agency.portal.is_not(None))
        if ids:
            q = q.where(Agency.id.in_(ids))
        expected = {p.split("://", 1)[-1].split("/", 1)[0].lower() for p in s.scalars(q) if p}
    if len(out) < len(expected):
        err(f"采集异常中止：{len(expected)} 个站点中只有 {len(out)} 个有结果（详见上面的日志）")
        if as_json:
            emit({"portals": out, "error": "crawl aborted"})
        sys.exit(1)
    if as_json:
        emit({"portals": out, "reports_found": sum(r["reports_found"] for r in out),
              "unreachable": len(bad)})
    for r in out:
        if r["outcome"] != "ok":
            err(f"{r['portal']}：{OUTCOME_CN[r['outcome']]}：{r['reason']}")
    err(f"采集完成：{len(out)} 个站点，找到 {sum(r['reports_found'] for r in out)} 份报告，"
        f"{len(bad)} 个站点无法访问")
    sys.exit(1 if bad else 0)


def crawl_distributed(ctx: Ctx, redis_url: str, ids: list[str], timeout: float | None) -> None:
    """Put tonight's portals in Redis, wait for the workers; a portal given up (its
    workers kept dying) is a partial night for its agencies, with the reason."""
    from crawler.distributed import coordinate
    from crawler.night import Night, Status
    from crawler.store import CrawlStore

    with ctx.archive.Session() as s:
        q = select(Agency).where(Agency.portal.is_not(None))
        if ids:
            q = q.where(Agency.id.in_(ids))
        by_portal: dict[str, list[str]] = {}
        for ag in s.scalars(q.order_by(Agency.id)):
            by_portal.setdefault(portal_key(ag.portal or ""), []).append(ag.id)
    shown = [0.0]

    def show(st: Status) -> None:
        if time.monotonic() - shown[0] >= 10 or st.finished:
            shown[0] = time.monotonic()
            err(f"分布式采集：共 {st.total} 个站点，已完成 {st.done}，进行中 {st.leased}，"
                f"排队 {st.queued}，放弃 {st.failed}")

    night = Night.from_url(redis_url)
    started = utcnow()
    night_id, status = coordinate(night, sorted(by_portal), ids or None, show, timeout)
    if status.night == night_id and status.finished:
        store = CrawlStore(ctx.archive)
        for portal, why in night.failed().items():
            store.outcome(portal, started, "partial",
                          f"采集进程多次中断（{why}），本次未能采集该站点", 0, 0,
                          by_portal.get(portal, []))
        night.close()
    else:
        err(f"分布式采集在 {timeout} 秒内未完成：{status.queued} 个站点仍在排队，"
            f"{status.leased} 个正在采集（worker 仍会继续）")


@main.group()
def registry() -> None:
    """The agency registry stored in the data directory."""


@registry.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def registry_list(ctx: Ctx, as_json: bool) -> None:
    """List the stored agencies."""
    with ctx.archive.Session() as s:
        rows = [agency_json(a) for a in s.scalars(select(Agency).order_by(Agency.id))]
    if as_json:
        emit({"agencies": rows})
        return
    for r in rows:
        click.echo(f"{r['id']}\t{r['name']}\t{r['kind']}\t{r['portal'] or ''}\t"
                   f"{r['column'] or ''}\t{','.join(r['emails'])}\t{r['region'] or ''}\t"
                   f"{r['level'] or ''}")


@registry.command("add")
@click.option("--id", "agency_id", required=True)
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(["department", "government"]), default="department")
@click.option("--portal", required=True)
@click.option("--column", default=None)
@click.option("--email", "emails", multiple=True)
@click.option("--since", type=int, default=None)
@click.option("--deadline", default=None)
@click.option("--region", default=None, help="地区路径，由大到小，例如 宁夏/中卫市/沙坡头区")
@click.option("--level", default=None, help="层级：省级、市级、县级或乡级")
@pass_ctx
def registry_add(ctx: Ctx, agency_id: str, name: str, kind: str, portal: str,
                 column: str | None, emails: tuple[str, ...], since: int | None,
                 deadline: str | None, region: str | None, level: str | None) -> None:
    """Add or update one agency."""
    import yaml

    item: dict[str, Any] = {"id": agency_id, "name": name, "kind": kind, "portal": portal,
                            "column": column, "emails": list(emails), "deadline": deadline,
                            "region": region, "level": level}
    if since:
        item["since"] = since
    try:
        entry = parse_registry(yaml.safe_dump({"agencies": [item]}, allow_unicode=True),
                               "--id/--name", allow_private=private_allowed(ctx.archive.settings))[0]
    except RegistryError as e:
        err(str(e))
        sys.exit(2)
    if not emails:
        entry.pop("emails")
    a = ctx.archive
    with a.Session.begin() as s:
        existed = s.get(Agency, agency_id) is not None
        store_entry(a.upsert_agency(s, entry), entry)
    err(f"{'已更新' if existed else '已添加'}机关 {agency_id}（{name}）")


@registry.command("from-reports")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def registry_from_reports(ctx: Ctx, as_json: bool) -> None:
    """Propose registry entries from the archived reports' own text (portal, email)."""
    from archive.models import Report

    props: dict[str, dict[str, Any]] = {}
    with ctx.archive.Session() as s:
        for r in s.scalars(select(Report).order_by(Report.year)):
            if not r.versions:
                continue
            rec = r.versions[-1].record or {}
            a = r.agency
            p = props.setdefault(a.id, {"id": a.id, "name": a.name, "kind": a.kind,
                                        "portal": a.portal, "emails": list(a.emails or []),
                                        "proposed": {"portal_urls": [], "emails": []},
                                        "since": r.year})
            p["since"] = min(p["since"], r.year)
            for u in rec.get("portal_urls") or []:
                if u not in p["proposed"]["portal_urls"]:
                    p["proposed"]["portal_urls"].append(u)
            mail = (rec.get("contact") or {}).get("email")
            if mail and mail not in p["proposed"]["emails"]:
                p["proposed"]["emails"].append(mail)
            p["region"], p["level"] = a.region, a.level
            p["address"] = (rec.get("contact") or {}).get("address") or p.get("address")
        known = [x for x in s.scalars(select(Agency.region)) if x]
    _propose_regions(list(props.values()), known)
    out = []
    for p in props.values():
        prop = p.pop("proposed")
        p.pop("address", None)
        if not p["portal"] and prop["portal_urls"]:
            p["portal"] = prop["portal_urls"][0]
        for m in prop["emails"]:
            if m not in p["emails"]:
                p["emails"].append(m)
        p["found_in_reports"] = prop
        out.append(p)
    if as_json:
        emit({"agencies": out})
        return
    import yaml

    click.echo(yaml.safe_dump({"agencies": [{k: v for k, v in p.items()
                                             if k != "found_in_reports"} for p in out]},
                              allow_unicode=True, sort_keys=False), nl=False)


def _propose_regions(props: list[dict[str, Any]], known: list[str]) -> None:
    """Fill ``region``/``level`` of entries that have none from the report's evidence
    (``archive.regions.propose``); a proposal that starts below the province (中卫市/…)
    is completed from a known region naming the same place (宁夏/中卫市)."""
    from archive.regions import propose

    for p in props:
        portals = [x for x in [p.get("portal"), *p["proposed"]["portal_urls"]] if x]
        guess = propose(p["name"], portals, p.get("address"))
        p["proposed"]["region"] = guess
        if p.get("region"):
            continue
        p["region"], p["level"] = guess["region"], guess["level"]
    parents: dict[str, str] = {}
    for region in [*known, *(p["region"] for p in props if p.get("region"))]:
        segs = region.split("/")
        for i in range(1, len(segs)):
            parents.setdefault(segs[i], "/".join(segs[:i]))
    for p in props:
        region = p.get("region")
        if not region or p["proposed"]["region"]["region"] != region:
            continue
        head = region.split("/")[0]
        if head in parents:
            p["region"] = parents[head] + "/" + region
            guess = p["proposed"]["region"]
            guess["region"] = p["region"]
            guess["basis"] = (guess["basis"] or "") + f"；“{head}”见于已知地区 {parents[head]}/{head}"
