"""The scenario behind ``nianbao demo``: simulated portals whose reports, dates and faults
are chosen so that one nightly cycle raises every kind of alert a user must recognise.

The portals are the crawler's own simulator profiles (TRS, Hanweb, JSON API), given a
fixed plan instead of random reports: the five seed agencies of ``archive/registry.yaml``
plus twelve fictional ones, reports for eight years (legacy template up to 2018, gov2019
for 2019–2020, gov2021 after), each agency's years chained so carry-overs agree. Dates
are relative to "today", so the demo tells the same story on any day.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from archive.record import Record, get_path
from archive.registry import builtin_registry

from .content import served_bytes
from .farm import Farm
from .portal import Portal, SimReport
from .profiles import PROFILES


def last_due_year(today: dt.date) -> int:
    """The latest report year whose departments' deadline (31 January) is past."""
    return today.year - 1 if today > dt.date(today.year, 1, 31) else today.year - 2


@dataclass
class AgencyPlan:
    id: str
    name: str
    kind: str = "department"  # government: due 31 March
    since: int = 0
    emails: list[str] = field(default_factory=list)
    missing: tuple[int, ...] = ()  # years never published
    late: dict[int, dt.date] = field(default_factory=dict)  # years posted after the deadline
    faults: dict[int, str] = field(default_factory=dict)  # year -> finding code injected
    edit: int | None = None  # year edited in place after the first crawl
    delete: int | None = None  # year deleted after the first crawl
    seed: bool = False  # one of the five seed agencies
    region: str | None = None  # registry region, for the roll-up (宁夏/凤川市/云泉县)
    level: str | None = None


@dataclass
class PortalPlan:
    profile: str
    agencies: list[AgencyPlan]
    down: bool = False  # unreachable on the nightly cycle


@dataclass
class Scenario:
    today: dt.date
    year: int  # the latest year due
    portals: list[PortalPlan]

    def agencies(self) -> list[AgencyPlan]:
        return [a for p in self.portals for a in p.agencies]

    def expected_alerts(self) -> set[tuple[str, str, int | None]]:
        """(kind, agency id, year) of every alert the nightly check must open."""
        out: set[tuple[str, str, int | None]] = set()
        for p in self.portals:
            for a in p.agencies:
                if p.down:
                    out.add(("PORTAL_UNREACHABLE", a.id, None))
                out |= {("REPORT_MISSING", a.id, y) for y in a.missing}
                out |= {("REPORT_LATE", a.id, y) for y in a.late}
                out |= {("REPORT_INVALID", a.id, y) for y in a.faults}
                if a.edit is not None:
                    out.add(("REPORT_CHANGED", a.id, a.edit))
                if a.delete is not None:
                    out.add(("REPORT_REMOVED", a.id, a.delete))
        return out

    def registry(self, farm: Farm) -> list[dict[str, Any]]:
        """Registry entries pointing at the running portals, marked ``demo``."""
        out = []
        for p, plan in zip(farm.portals, self.portals, strict=True):
            for a in plan.agencies:
                out.append({"id": a.id, "name": a.name, "kind": a.kind, "portal": p.root,
                            "emails": list(a.emails), "since": a.since, "demo": True,
                            "region": a.region, "level": a.level})
        return out


def scenario(today: dt.date) -> Scenario:
    """The demo's plan for ``today`` (the check's local date)."""
    y = last_due_year(today)
    first = y - 7
    seeds = {e["id"]: e for e in builtin_registry()}

    def seed(aid: str, **kw: Any) -> AgencyPlan:
        e = seeds[aid]
        return AgencyPlan(aid, e["name"], e.get("kind", "department"),
                          min(int(e.get("since") or first), y), list(e.get("emails") or []),
                          seed=True, region=e.get("region"), level=e.get("level"), **kw)

    #: the fictional cities and counties, placed in 宁夏 for the roll-up
    places = {"fc": ("宁夏/凤川市", "市级"), "yq": ("宁夏/凤川市/云泉县", "县级"),
              "ap": ("宁夏/安平市", "市级"), "hs": ("宁夏/河山市", "市级"),
              "dl": ("宁夏/德林市", "市级"), "xh": ("宁夏/德林市/兴和县", "县级")}

    def fic(aid: str, name: str, kind: str = "department", **kw: Any) -> AgencyPlan:
        region, level = places[aid.split("-", 1)[0]]
        return AgencyPlan(f"demo-{aid}", name, kind, first, [f"{aid}@demo.example.gov.cn"],
                          region=region, level=level, **kw)

    portals = [
        PortalPlan("trs_classic", [seed("nx-jgsw", edit=y - 1)]),
        PortalPlan("trs_1based", [seed("zw-spt-jgswj", late={y - 1: dt.date(y, 4, 18)})]),
        PortalPlan("hanweb_jpage", [seed("zw-jgswfwzx", missing=(y,))]),
        PortalPlan("json_api", [seed("nx-xfj", faults={y: "T3_BALANCE"})]),
        PortalPlan("trs_classic_years", [seed("nx-zfbgt", delete=y - 2)]),
        PortalPlan("trs_classic", [
            fic("fc-gov", "凤川市人民政府", "government", late={y - 2: dt.date(y - 1, 5, 20)}),
            fic("fc-office", "凤川市人民政府办公室")]),
        PortalPlan("hanweb_jpage", [
            fic("yq-edu", "云泉县教育局", faults={y - 1: "T3_RESULTS_TOTAL"}),
            fic("yq-fin", "云泉县财政局", missing=(y - 1, y))]),
        PortalPlan("json_api", [
            fic("ap-land", "安平市自然资源局"),
            fic("ap-eco", "安平市生态环境局", late={y - 1: dt.date(y, 3, 9)})]),
        PortalPlan("trs_1based", [
            fic("hs-health", "河山市卫生健康委员会"),
            fic("hs-civil", "河山市民政局")], down=True),
        PortalPlan("trs_classic", [
            fic("dl-market", "德林市市场监督管理局"),
            fic("dl-stats", "德林市统计局", missing=(y,))]),
        PortalPlan("hanweb_jpage", [
            fic("xh-gov", "兴和县人民政府", "government"),
            fic("xh-agri", "兴和县农业农村局", faults={y: "T4_TOTAL"})]),
    ]
    return Scenario(today, y, portals)


# ---------------------------------------------------------------- reports


def _edit(rec: Record) -> Record:
    """A quiet correction: one application moved from 予以公开 to 部分公开 (sums still hold)."""
    from archive.samples import restate, retotal

    out = copy.deepcopy(rec)
    apps = out["applications"]
    g, p = get_path(apps, "granted"), get_path(apps, "partially_granted")
    col = next((c for c in ("natural_person", "legal_commercial", "legal_other")
                if (g.get(c) or 0) > 0), "natural_person")
    if (g.get(col) or 0) > 0:
        g[col] -= 1
        p[col] = (p.get(col) or 0) + 1
    else:  # nothing granted: one more application received and granted
        g[col] = 1
        get_path(apps, "new_received")[col] = (get_path(apps, "new_received").get(col) or 0) + 1
    retotal(out)
    restate(out)
    return out


def fragment(rec: Record, fmt: str) -> bytes:
    """The report as a portal serves it: the article body for html, else the file."""
    from archive.render import render

    return served_bytes(render, rec, fmt)


@dataclass
class DemoReport(SimReport):
    """A simulated report whose record is given (possibly with a fault) instead of drawn."""

    record: Record | None = None
    edited: Record | None = None

    def file_bytes(self, fmt: str | None = None) -> bytes:
        fmt = fmt or ("pdf" if self.fmt == "both" else self.fmt)
        key = (fmt, self.revision)
        if key not in self._cache:
            rec = self.edited if self.revision and self.edited is not None else self.record
            assert rec is not None
            self._cache[key] = fragment(rec, fmt)
        return self._cache[key]


def _chain(a: AgencyPlan, top: int) -> dict[int, Record]:
    """Records for a.since … top, each consistent with the next year's carry-over."""
    from archive.samples import narrative, previous_record, restate, sample_record, template_for

    recs = {top: sample_record(a.name, top, template_for(top), 0)}
    for year in range(top - 1, a.since - 1, -1):
        prev = recs[year] = previous_record(recs[year + 1])
        restate(prev)  # the narrative quotes the carried-over figures too
        prev["provenance"]["narrative"] = narrative(prev)
    return recs


def _posted(a: AgencyPlan, year: int, rng: random.Random, today: dt.date) -> dt.date:
    if year in a.late:
        return a.late[year]
    if a.kind == "government" or year <= 2018:
        day = dt.date(year + 1, rng.choice((2, 3)), rng.randint(3, 27))
    else:
        day = dt.date(year + 1, 1, rng.randint(6, 27))
    return min(day, today - dt.timedelta(days=1))


def _fmt(i: int, year: int, top: int) -> str:
    """Mostly HTML pages; Word files and PDFs for some, as on real portals."""
    if year == top and i % 4 == 1:
        return "both"  # page plus PDF
    if year == top - 1 and i % 3 == 0:
        return "pdf"
    return "docx" if (i + year) % 4 == 0 else "html"


class _Planned:
    """Mixin for a profile: place the planned reports instead of random ones."""

    plan: PortalPlan
    scenario: Scenario

    def build(self) -> None:
        from archive.samples import inject

        portal: Any = self
        today, top = self.scenario.today, self.scenario.year
        for k, a in enumerate(self.plan.agencies):
            rng = random.Random(f"{a.id}")
            recs = _chain(a, top)
            for n, year in enumerate(sorted(recs, reverse=True)):
                if year in a.missing:
                    continue
                rec = recs[year]
                posted = _posted(a, year, rng, today)
                rec["published_on"] = (posted - dt.timedelta(days=4)).isoformat()
                if year in a.faults:
                    rec = inject(rec, a.faults[year])[0]
                edited = _edit(rec) if year == a.edit else None
                fmt = "html" if edited is not None else _fmt(portal.index + k, year, top)
                r = DemoReport(a.id, a.name, year, fmt, portal.index * 10000 + k * 100 + n + 1,
                               posted, seed=0, record=rec, edited=edited)
                portal.place(r)
                portal.reports.append(r)


class DemoFarm(Farm):
    """The scenario's portals, started like any farm; :meth:`mutate` plays the night."""

    def __init__(self, plan: Scenario, first_ip: int = 2):
        super().__init__(0)
        self.scenario = plan
        for i, pp in enumerate(plan.portals):
            prof, kw = pp.profile, {}
            if prof == "trs_classic_years":
                prof, kw = "trs_classic", {"year_columns": True}
            base = PROFILES[prof]
            cls = type(f"Demo{base.__name__}", (_Planned, base),
                       {"plan": pp, "scenario": plan})
            agencies = [(a.id, a.name) for a in pp.agencies]
            self.portals.append(cls(self, i, f"127.0.0.{first_ip + i}", agencies,
                                    random.Random(i), **kw))

    def mutate(self) -> list[str]:
        """Edit one report, delete another, take one portal down; says what it did."""
        done = []
        for p, pp in zip(self.portals, self.scenario.portals, strict=True):
            for a in pp.agencies:
                for r in self._reports(p, a.id):
                    if r.year == a.edit:
                        p.modify(r)
                        done.append(f"修改了{a.name}{r.year}年度报告（原地址）")
                    if r.year == a.delete:
                        p.delete(r)
                        done.append(f"删除了{a.name}{r.year}年度报告")
            if pp.down:
                self.take_down(p)
                done.append(f"{p.agencies[0][1]}等机关的门户网站停机")
        return done

    @staticmethod
    def _reports(p: Portal, agency_id: str) -> list[SimReport]:
        return [r for r in p.reports if r.agency_id == agency_id]
