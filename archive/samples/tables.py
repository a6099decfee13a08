"""The sample 表二, 表三 and 表四: random but consistent figures, and their derived cells."""

from __future__ import annotations

import random
from typing import Any

from ..numbers import parse_amount
from ..record import (
    T2_GOV2019,
    T2_GOV2021,
    T3_COLUMNS,
    T4_COLUMNS,
    T4_GROUPS,
    Record,
    get_path,
    set_path,
    t3_keys,
    t3_result_keys,
)

# ---------------------------------------------------------------- tables


def retotal(rec: Record) -> None:
    """Recompute every derived cell (row totals, （七）总计, 表四 总计) from the parts."""
    apps = rec["applications"]
    tmpl = rec["template"]
    for key in t3_keys(tmpl, apps):
        row = get_path(apps, key)
        if isinstance(row, dict) and key != "results_total":
            row["total"] = total_of(row.get(c) for c in T3_COLUMNS[:6])
    if get_path(apps, "results_total") is not None:
        tot = get_path(apps, "results_total")
        for c in T3_COLUMNS:
            tot[c] = total_of(get_path(apps, k).get(c) for k in t3_result_keys(tmpl, apps))
    for g in rec["review_litigation"].values():
        g["total"] = total_of(g.get(c) for c in T4_COLUMNS[:4])


def total_of(values: Any) -> int:
    return sum(v or 0 for v in values)


def sample_t3(rng: random.Random, template: str, big: bool) -> dict[str, Any]:
    apps: dict[str, Any] = {}
    results = t3_result_keys(template)
    for key in t3_keys(template):
        set_path(apps, key, dict.fromkeys(T3_COLUMNS, 0))
    # how likely each result row is, so most applications are granted or not held
    weights = {k: 1 for k in results}
    weights.update({"granted": 30, "partially_granted": 6, "unable.not_held": 14,
                    "not_processed.repeated": 3, "denied.process_information": 2})
    scales = (60, 8, 1, 1, 2, 1) if not big else (3000, 40, 3, 2, 5, 2)
    for i, col in enumerate(T3_COLUMNS[:6]):
        new = rng.randint(0, scales[i]) if rng.random() < 0.8 or i == 0 else 0
        carried = rng.randint(0, max(0, new // 10)) if new else 0
        forward = rng.randint(0, max(0, (new + carried) // 8)) if new else 0
        done = new + carried - forward
        apps["new_received"][col] = new
        apps["carried_over"][col] = carried
        apps["carried_forward"][col] = forward
        keys = rng.choices(results, weights=[weights[k] for k in results], k=done)
        for k in keys:
            get_path(apps, k)[col] += 1
    return apps


def sample_t4(rng: random.Random) -> dict[str, dict[str, int | None]]:
    out: dict[str, dict[str, int | None]] = {}
    for g in T4_GROUPS:
        busy = rng.random() < 0.4
        cells: dict[str, int | None] = {c: (rng.randint(0, 3) if busy else 0)
                                        for c in T4_COLUMNS[:4]}
        cells["total"] = 0
        out[g] = cells
    return out


def _amount(rng: random.Random, style: int, *, gov2021: bool) -> Any:
    wan = rng.randint(1, 300000) / 100
    if gov2021:
        text = [f"{wan:.2f}", f"{wan:.2f}万元", f"{wan:g}"][style % 3]
        return parse_amount(text, "万元")
    text = [f"{wan:.2f} 万", f"{wan:.2f}万元", f"{round(wan * 10000)}元"][style % 3]
    return parse_amount(text)


def sample_t2(rng: random.Random, template: str, style: int) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    spec = T2_GOV2021 if template == "gov2021" else T2_GOV2019
    for key, _, cols in spec:
        row: dict[str, Any] = {}
        for col in cols:
            if col == "amount":
                row[col] = _amount(rng, style, gov2021=template == "gov2021")
            elif col == "change":
                row[col] = rng.choice([0, 0, 1, 2, -1, -3])
            elif col == "in_force":
                row[col] = row.get("issued", 0) + rng.randint(0, 40)
            else:
                row[col] = rng.randint(0, 9) if key in ("rules", "normative_documents", "fees") \
                    else rng.randint(0, 400)
        out[key] = row
    if template != "gov2021":
        out["rules"]["published"] = out["rules"]["made"]
        out["rules"]["total_public"] = out["rules"]["made"] + rng.randint(0, 30)
    return out
