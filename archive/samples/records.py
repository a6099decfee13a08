"""Sample records: a report whose every sum holds, last year's report consistent with it,
and the context a clean report is validated in."""

from __future__ import annotations

import random
import zlib

from ..record import SECTIONS, T3_COLUMNS, Record, Template, empty_record, get_path, t3_keys
from ..validate import Context
from .legacy import LEGACY_SECTIONS_FOUND, sample_legacy
from .narrative import body_text, narrative
from .tables import retotal, sample_t2, sample_t3, sample_t4


def template_for(year: int) -> Template:
    """The official template generation a report on ``year`` should use."""
    return "gov2021" if year >= 2021 else "gov2019" if year >= 2019 else "legacy"


def _rng(agency: str, year: int, seed: int) -> random.Random:
    return random.Random(zlib.crc32(f"{agency}|{year}|{seed}".encode()))


def _slug(agency: str) -> str:
    h = zlib.crc32(agency.encode())
    letters = "abcdefghjkmnpqrstwxyz"
    return "nx" + "".join(letters[(h >> (5 * i)) % len(letters)] for i in range(4))




# ---------------------------------------------------------------- records


def sample_record(agency: str, year: int, template: str = "gov2021", seed: int = 0, *,
                  blank_cells: int = 0, big: bool | None = None) -> Record:
    """A report of ``agency`` for ``year`` whose every sum holds, deterministic per seed.

    ``blank_cells`` prints that many 表三 zero cells blank (null); ``big`` forces large
    counts (thousands of applications) like a provincial government office's.
    """
    if template not in ("gov2021", "gov2019", "legacy"):
        raise ValueError(f"unknown template {template!r}: gov2021, gov2019 or legacy")
    rng = _rng(agency, year, seed)
    rec = empty_record()
    rec["agency"] = agency
    rec["year"] = year
    rec["template"] = template  # type: ignore[typeddict-item]
    rec["title"] = f"{agency}{year}年政府信息公开工作年度报告"
    month, day = (1, rng.randint(8, 30)) if template != "legacy" else (3, rng.randint(1, 30))
    rec["published_on"] = f"{year + 1}-{month:02d}-{day:02d}"
    rec["period"] = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    slug = _slug(agency)
    rec["portal_urls"] = [f"http://www.{slug}.gov.cn/"]
    area = rng.choice(("0951", "0952", "0953", "0954", "0955"))
    rec["contact"] = {
        "address": f"银川市金凤区{rng.choice(('北京中路', '康平路', '亲水大街', '宁安大街'))}"
                   f"{rng.randint(1, 399)}号",
        "postcode": f"75{rng.randint(0, 9999):04d}",
        "phone": f"{area}-{rng.randint(5000000, 6999999)}",
        "fax": f"{area}-{rng.randint(5000000, 6999999)}" if rng.random() < 0.5 else None,
        "email": f"{slug}@{rng.choice(('nx.gov.cn', '163.com', 'qq.com'))}",
    }
    if template == "legacy":
        rec["legacy_stats"] = sample_legacy(rng)
        rec["sections"] = dict(LEGACY_SECTIONS_FOUND)
    else:
        if big is None:
            big = rng.random() < 0.15
        rec["active_disclosure"] = sample_t2(rng, template, seed)
        rec["applications"] = sample_t3(rng, template, big)
        rec["review_litigation"] = sample_t4(rng)
        rec["sections"] = {k: True for k, _ in SECTIONS}
        retotal(rec)
        if blank_cells:
            zeros = [(k, c) for k in t3_keys(template) for c in T3_COLUMNS[:6]
                     if get_path(rec["applications"], k)[c] == 0]
            for k, c in rng.sample(zeros, min(blank_cells, len(zeros))):
                get_path(rec["applications"], k)[c] = None
    rec["provenance"] = {"body": body_text(rec, rng), "posted_on": rec["published_on"]}
    rec["provenance"]["narrative"] = narrative(rec)
    return rec


def previous_record(rec: Record, seed: int = 0) -> Record:
    """Last year's report of the same agency, consistent with ``rec`` across years:
    its 结转下年度 equals this year's 上年结转 and its 现行有效 carries over."""
    year = (rec["year"] or 2000) - 1
    tmpl = template_for(year) if rec["template"] != "legacy" else "legacy"
    prev = sample_record(rec["agency"] or "", year, tmpl, seed + 7919)
    if tmpl == "legacy" or rec["template"] == "legacy":
        return prev
    apps = prev["applications"]
    for c in T3_COLUMNS[:6]:
        want = get_path(rec["applications"], "carried_over").get(c) or 0
        delta = want - (apps["carried_forward"][c] or 0)
        apps["carried_forward"][c] = want
        apps["new_received"][c] = (apps["new_received"][c] or 0) + delta
        if apps["new_received"][c] < 0:
            apps["granted"][c] = (apps["granted"][c] or 0) - apps["new_received"][c]
            apps["new_received"][c] = 0
    retotal(prev)
    if tmpl == "gov2021" and rec["template"] == "gov2021":
        for key in ("rules", "normative_documents"):
            this = rec["active_disclosure"][key]
            prev["active_disclosure"][key]["in_force"] = (
                this["in_force"] - this["issued"] + this["repealed"])
    prev["provenance"]["narrative"] = narrative(prev)
    return prev


def clean_context(rec: Record) -> Context:
    """The context a clean report is validated in: last year's consistent report and
    another agency's (different) text."""
    other = sample_record("宁夏回族自治区示例厅", rec["year"] or 2020, rec["template"]
                          if rec["template"] != "unknown" else "gov2021", 99)
    return Context(previous=previous_record(rec), others=[("宁夏回族自治区示例厅", other["provenance"][
        "narrative"])], filed_year=rec["year"])
