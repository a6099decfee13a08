"""Real published reports, every cell hand-read (``../shared/real/*.expected.json``).

These documents were written by agencies, not by us: a WPS-made PDF whose row label wraps
inside its cell, and two portal pages whose text lost every cell boundary. Each cell the
expected file names must come out exactly, the template too, and every real published
inconsistency it lists must be flagged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from archive.extract import extract
from archive.parse import parse_document
from archive.validate import Context, validate

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real"
EXPECTED = sorted(REAL.glob("*.expected.json")) if REAL.is_dir() else []
if not EXPECTED:
    pytest.skip(f"the real reports are not here ({REAL}); CI has them", allow_module_level=True)

_MISSING = object()


def _get(rec: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(rec, dict) or part not in rec:
            return _MISSING
        rec = rec[part]
    return rec


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, str):
        return got is not _MISSING and re.sub(r"\s+", "", str(got)) == re.sub(r"\s+", "", want)
    if want is None:
        return got is None or got is _MISSING
    return got == want and not isinstance(got, bool)


def _parsed(name: str) -> dict[str, Any]:
    rec = parse_document(extract((REAL / name).read_bytes()))
    validate(rec, Context(filed_year=rec["year"]))
    return dict(rec)


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name.split(".")[0])
def test_every_hand_read_cell(expected: Path) -> None:
    exp = json.loads(expected.read_text(encoding="utf-8"))
    for name in exp["file"]:
        rec = _parsed(name)
        assert rec["template"] == exp["template"]
        wrong = {k: (_get(rec, k), v) for k, v in exp["cells"].items() if not _same(_get(rec, k), v)}
        assert not wrong, f"{len(wrong)} of {len(exp['cells'])} cells wrong: {wrong}"
        codes = {f["code"] for f in rec["findings"]}
        assert set(exp.get("must_flag", [])) <= codes
        # a report that is right raises no error (a false REPORT_INVALID for the office)
        errors = [f for f in rec["findings"] if f["severity"] == "error"
                  and f["code"] not in exp.get("must_flag", [])]
        assert not errors, errors


def test_glued_cells_are_marked_derived_and_ambiguous_ones_left_blank() -> None:
    """``801000081`` is split by the table's arithmetic and says so; 表二's runs, which no
    arithmetic ties, stay blank with the candidate splits named for a person to check."""
    if not (REAL / "pingtan-zone-2023.txt").exists():
        pytest.skip("pingtan-zone-2023.txt not in ../shared/real")
    rec = _parsed("pingtan-zone-2023.txt")
    derived = {d["where"]: d["values"] for d in rec["provenance"]["derived"]}
    assert derived["applications.new_received"] == [80, 1, 0, 0, 0, 0, 81]
    assert derived["review_litigation.litigation_direct"] == [4, 0, 0, 1, 5]
    t2 = rec["active_disclosure"]["normative_documents"]
    assert t2 == {"issued": None, "repealed": None, "in_force": None}
    warn = [f for f in rec["findings"] if f["code"] == "CELLS_AMBIGUOUS"]
    assert [f["where"] for f in warn] == ["active_disclosure.normative_documents"]
    assert "77132470" in warn[0]["message"] and "771324" in warn[0]["message"]
    assert warn[0]["severity"] == "warning"
    assert rec["active_disclosure"]["rules"] == {"issued": 0, "repealed": 0, "in_force": 0}
