"""One-change breakages of a sample report: the smallest real fault that makes one finding
code fire."""

from __future__ import annotations

import copy
import re

from ..record import FINDING_CODES, T3_COLUMNS, Record, get_path, t3_keys
from ..validate import Context
from .narrative import narrative
from .records import clean_context, sample_record
from .tables import retotal, total_of

# ---------------------------------------------------------------- breakages



def inject(record: Record, code: str) -> tuple[Record, Context]:
    """A copy of ``record`` changed so that finding ``code`` fires, with its context.

    The change is the smallest a real report shows for that finding: one wrong cell, a
    missing section, an outdated table. Table rules need a gov2021/gov2019 record;
    ``LEGACY_SUM`` needs a legacy one.
    """
    if code not in FINDING_CODES:
        raise ValueError(f"unknown finding code {code!r}")
    rec = copy.deepcopy(record)
    ctx = clean_context(rec)
    apps = rec["applications"]
    tmpl = rec["template"]
    body = rec["provenance"]["body"]
    if code == "SECTION_MISSING":
        rec["sections"]["problems"] = False
        body.pop("problems", None)
    elif code == "TABLE_MISSING":
        if tmpl == "legacy":
            rec["legacy_stats"] = []
        else:
            rec["review_litigation"] = {}
    elif code == "TABLE_BLANK":
        if tmpl == "legacy":
            for row in rec["legacy_stats"]:
                row["value"] = None
        else:
            for g in rec["review_litigation"].values():
                for c in g:
                    g[c] = None
    elif code == "CELLS_BLANK":
        key, col = next((k, c) for k in t3_keys(tmpl) for c in T3_COLUMNS[:6]
                        if get_path(apps, k)[c] == 0)
        get_path(apps, key)[col] = None
    elif code == "CELLS_AMBIGUOUS":
        # numbers that, once their cell boundaries are lost (``12345``), no arithmetic ties
        # down: 表二 has no sums within a row
        key = "normative_documents"
        cols = [c for c in rec["active_disclosure"][key]]
        rec["active_disclosure"][key].update(dict(zip(cols, (12, 3, 45), strict=False)))
    elif code == "T3_BALANCE":
        # one more application received than handled, carried and row totals still add up
        apps["new_received"]["natural_person"] += 1
        apps["new_received"]["total"] += 1
    elif code == "T3_ROW_TOTAL":
        apps["granted"]["total"] += 1
        apps["results_total"]["total"] += 1
        apps["new_received"]["total"] += 1
    elif code == "T3_RESULTS_TOTAL":
        for key in ("results_total", "new_received"):
            apps[key]["natural_person"] += 1
            apps[key]["total"] += 1
    elif code == "T3_OTHER_HANDLING_SUM":
        if tmpl != "gov2021":
            raise ValueError("T3_OTHER_HANDLING_SUM needs a gov2021 record")
        node = apps["other_handling"]
        printed = {c: total_of(node[k][c] for k in ("no_correction", "unpaid_fee", "other"))
                   for c in T3_COLUMNS}
        printed["natural_person"] += 1
        printed["total"] += 1
        node["printed"] = printed
    elif code == "T4_TOTAL":
        group = rec["review_litigation"]["litigation_direct"]
        group["total"] = (group["total"] or 0) + 1
    elif code == "LEGACY_SUM":
        if tmpl != "legacy":
            raise ValueError("LEGACY_SUM needs a legacy record")
        i = next(i for i, r in enumerate(rec["legacy_stats"]) if "专职人员数" in r["label"])
        rec["legacy_stats"][i]["value"] = (rec["legacy_stats"][i]["value"] or 0) + 1
    elif code == "CARRYOVER_MISMATCH":
        apps["carried_over"]["natural_person"] += 1
        apps["carried_over"]["total"] += 1
        apps["granted"]["natural_person"] += 1
        apps["granted"]["total"] += 1
        retotal(rec)
    elif code == "IN_FORCE_DRIFT":
        if tmpl != "gov2021" or (rec["year"] or 0) < 2022:
            raise ValueError("IN_FORCE_DRIFT needs a gov2021 record for 2022 or later")
        rec["active_disclosure"]["rules"]["in_force"] += 2
    elif code == "NARRATIVE_MISMATCH":
        stated = (get_path(apps, "new_received.total") or 0) + (
            get_path(apps, "carried_over.total") or 0) + 5
        body["applications"][0] = re.sub(r"收到政府信息公开申请\d+件", f"收到政府信息公开申请{stated}件",
                                          body["applications"][0])
    elif code == "YEAR_MISMATCH":
        # the statistics period copied from last year's report, title left right
        year = rec["year"] or 0
        rec["period"] = {"start": f"{year - 1}-01-01", "end": f"{year - 1}-12-31"}
        body["intro"][0] = body["intro"][0].replace(f"自{year}年", f"自{year - 1}年").replace(
            f"至{year}年", f"至{year - 1}年")
    elif code == "TEMPLATE_OUTDATED":
        year = max(rec["year"] or 0, 2022)
        new = sample_record(rec["agency"] or "", year, "gov2019", 0)
        return new, clean_context(new)
    elif code == "DUPLICATE_TEXT":
        ctx.others.append(("宁夏回族自治区另一厅", rec["provenance"]["narrative"]))
    if code != "NARRATIVE_MISMATCH":
        restate(rec)
    rec["provenance"]["narrative"] = narrative(rec)
    return rec, ctx


def restate(rec: Record) -> None:
    """Make the figures the narrative quotes agree with the tables again."""
    body = rec["provenance"].get("body", {})
    total = get_path(rec["applications"], "new_received.total")
    if total is not None and body.get("applications"):
        body["applications"][0] = re.sub(r"收到政府信息公开申请\d+件", f"收到政府信息公开申请{total}件",
                                          body["applications"][0])
    review = get_path(rec["review_litigation"], "admin_review.total")
    if review is not None and body.get("review_litigation"):
        body["review_litigation"][0] = re.sub(r"行政复议\d+起", f"行政复议{review}起",
                                               body["review_litigation"][0])
