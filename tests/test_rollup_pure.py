"""``archive.rollup``'s pure part on hand-made facts: blanks, amounts, empty denominators,
ties in rankings, reports without tables, change on a year with nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from archive.registry import in_region, normalise_region
from archive.rollup import AgencyYear, rates, record_cells, rollup

DUE = dt.date(2025, 1, 31)


def fact(ident: str, status: str = "included", year: int = 2024, errors: int = 0,
         posted: dt.date | None = dt.date(2025, 1, 20), **cells: Any) -> AgencyYear:
    return AgencyYear(agency_id=ident, agency=ident, kind="department", region="宁夏/甲市",
                      level="市级", year=year, due=DUE, status=status,
                      posted_on=posted if status != "missing" else None, errors=errors,
                      cells={k.replace("__", "."): v for k, v in cells.items()})


def test_totals_blanks_and_what_is_left_out() -> None:
    facts = [
        fact("a", applications__granted__total=3, applications__results_total__total=4),
        fact("b", applications__granted__total=None, applications__results_total__total=2),
        fact("c", "invalid", errors=1, applications__granted__total=100),
        fact("d", "no_tables"),
        fact("e", "missing"),
        fact("f", "unreadable", posted=dt.date(2025, 3, 1)),
    ]
    r = rollup(facts, 2024, "宁夏/甲市")
    assert r["totals"] == {"applications.granted.total": 3,
                           "applications.results_total.total": 6}
    assert {x["agency_id"]: x["status"] for x in r["left_out"]} == {
        "c": "invalid", "d": "no_tables", "e": "missing", "f": "unreadable"}
    rt = r["rates"]
    assert (rt["on_time_rate"]["numerator"], rt["on_time_rate"]["denominator"]) == (4, 6)
    assert (rt["error_rate"]["numerator"], rt["error_rate"]["denominator"]) == (1, 4)
    assert rt["granted_rate"]["value"] == 0.5
    assert rt["review_correction_rate"]["value"] is None  # nothing decided: no rate
    assert rt["applications"]["value"] == 0 and rt["applications"]["denominator"] is None
    # no 2023 facts: the change has no previous values
    assert r["change"]["rates"]["granted_rate"] == {
        "previous": None, "current": 0.5, "delta": None, "pct": None}


def test_litigation_and_review_rates_leave_pending_out() -> None:
    cells = {f"review_litigation__admin_review__{c}": v
             for c, v in (("upheld", 3), ("corrected", 1), ("other", 0), ("pending", 6),
                          ("total", 10))}
    cells |= {f"review_litigation__litigation_direct__{c}": v
              for c, v in (("upheld", 1), ("corrected", 1), ("other", 0), ("pending", 9))}
    cells |= {f"review_litigation__litigation_after_review__{c}": v
              for c, v in (("upheld", 0), ("corrected", 2), ("other", 0), ("pending", 0))}
    rt = rates([fact("a", **cells)])
    assert rt["review_correction_rate"]["value"] == 0.25  # 1 / (3+1+0)
    assert rt["litigation_correction_rate"]["value"] == 0.75  # (1+2) / (2+2)


def test_rankings_share_ranks_and_skip_missing() -> None:
    facts = [fact("a", applications__new_received__total=5),
             fact("b", applications__new_received__total=9),
             fact("c", applications__new_received__total=5),
             fact("d", applications__new_received__total=1, posted=dt.date(2025, 2, 3)),
             fact("e", "missing")]
    r = rollup(facts, 2024)
    assert [(x["agency_id"], x["rank"]) for x in r["rankings"]["applications"]] == [
        ("b", 1), ("a", 2), ("c", 2), ("d", 4)]
    days = r["rankings"]["days_before_deadline"]
    assert "e" not in {x["agency_id"] for x in days}
    assert days[-1] == {"rank": 4, "agency_id": "d", "agency": "d", "value": -3}


def test_amounts_count_in_yuan() -> None:
    rec: Any = {"active_disclosure": {"fees": {"amount": {"text": "1.5万元", "yuan": 15000}},
                                      "procurement": {"amount": {"text": "x", "yuan": None}}},
                "applications": {"granted": {"total": 2}}, "review_litigation": {},
                "legacy_stats": [{"label": "x", "value": 7}]}
    assert record_cells(rec) == {"active_disclosure.fees.amount": 15000,
                                 "active_disclosure.procurement.amount": None,
                                 "applications.granted.total": 2}


def test_region_paths() -> None:
    assert normalise_region(" 宁夏 ／中卫市\\ 沙坡头区 ") == "宁夏/中卫市/沙坡头区"
    assert normalise_region(" / ") is None
    assert in_region("宁夏/中卫市/沙坡头区", "宁夏/中卫市")
    assert in_region("宁夏/中卫市", "宁夏/中卫市")
    assert not in_region("宁夏/中卫市", "宁夏/中卫")
    assert not in_region(None, "宁夏") and in_region(None, None)
