"""Every finding code fires on a published report that has exactly that fault, and only then.

A clean sample report is rendered as a portal would publish it, parsed and validated: no
findings. The same report with one injected fault (``archive.samples.inject``) must yield
that finding code — and no other — after the same round trip. Table rules are checked on
a second format (PDF, the hardest to read), cross-year rules against last year's report,
duplicate text against another agency's narrative.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from archive.extract import extract
from archive.parse import parse_document
from archive.record import FINDING_CODES, Record
from archive.render import render, render_text
from archive.samples import clean_context, inject, sample_record
from archive.validate import Context, validate

TABLE_RULES = ("TABLE_MISSING", "TABLE_BLANK", "CELLS_BLANK", "T3_BALANCE", "T3_ROW_TOTAL",
               "T3_RESULTS_TOTAL", "T3_OTHER_HANDLING_SUM", "T4_TOTAL", "LEGACY_SUM",
               "CARRYOVER_MISMATCH", "IN_FORCE_DRIFT")
#: rules that also apply to the 2019 tables, checked on a gov2019 report as well
GOV2019_RULES = ("SECTION_MISSING", "TABLE_MISSING", "TABLE_BLANK", "CELLS_BLANK", "T3_BALANCE",
                 "T3_ROW_TOTAL", "T3_RESULTS_TOTAL", "T4_TOTAL", "CARRYOVER_MISMATCH",
                 "NARRATIVE_MISMATCH", "YEAR_MISMATCH", "DUPLICATE_TEXT")
LEGACY_RULES = ("LEGACY_SUM", "TABLE_MISSING", "TABLE_BLANK", "YEAR_MISMATCH")


def base(template: str) -> Record:
    if template == "legacy":
        return sample_record("沙坡头区机关事务局", 2016, "legacy", 2)
    if template == "gov2019":
        return sample_record("自治区信访局", 2020, "gov2019", 3)
    return sample_record("自治区民政厅", 2023, "gov2021", 1)


@cache
def _parsed(data: bytes) -> Record:
    return parse_document(extract(data))


def glued(rec: Record) -> bytes:
    """The report's text with every line break and space gone, as a portal archive's
    ``page.txt`` holds it: cells run together (``一、本年新收…申请数量801000081``)."""
    return re.sub(r"\s+", "", render_text(rec)).encode()


def found(rec: Record, fmt: str, ctx: Context) -> set[str]:
    """Render, parse and validate as the archive does; the codes that fired."""
    parsed = _parsed(glued(rec) if fmt == "glued" else render(rec, fmt))
    copy = dict(parsed)
    copy["findings"] = []
    return {f["code"] for f in validate(copy, ctx)}  # type: ignore[arg-type]


#: found only where cell boundaries were lost
GLUED_RULES = ("CELLS_AMBIGUOUS",)
CASES = [(code, "gov2021" if code != "LEGACY_SUM" else "legacy", "html")
         for code in FINDING_CODES if code not in GLUED_RULES]
CASES += [(code, "gov2021", "glued") for code in GLUED_RULES]
CASES += [(code, "gov2021" if code != "LEGACY_SUM" else "legacy", "pdf") for code in TABLE_RULES]
CASES += [(code, "gov2019", "html") for code in GOV2019_RULES]
CASES += [(code, "legacy", "docx") for code in LEGACY_RULES]


def test_every_code_has_an_injection_and_a_readme_entry() -> None:
    """A new finding code needs its injected fault (else the parametrised test below has
    nothing to run) and a line in the README's table the office reads."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for code in FINDING_CODES:
        template = "legacy" if code == "LEGACY_SUM" else "gov2021"
        clean = base(template)
        broken, ctx = inject(clean, code)  # raises for a code it does not know
        assert (broken, ctx) != (clean, clean_context(clean)), code
        assert f"| `{code}` | {FINDING_CODES[code]} |" in readme, code


# a clean glued report is not clean: its 表二 runs are ambiguous (CELLS_AMBIGUOUS) by nature
@pytest.mark.parametrize("template,fmt", sorted({(t, f) for _, t, f in CASES if f != "glued"}))
def test_clean_report_has_no_findings(template: str, fmt: str) -> None:
    rec = base(template)
    assert found(rec, fmt, clean_context(rec)) == set()


@pytest.mark.parametrize("code,template,fmt", CASES, ids=[f"{c}-{t}-{f}" for c, t, f in CASES])
def test_injected_fault_yields_exactly_its_code(code: str, template: str, fmt: str) -> None:
    broken, ctx = inject(base(template), code)
    assert found(broken, fmt, ctx) == {code}


def test_cross_year_rules_need_last_year() -> None:
    """Without last year's report the carry-over and drift rules cannot fire."""
    for code in ("CARRYOVER_MISMATCH", "IN_FORCE_DRIFT"):
        broken, ctx = inject(base("gov2021"), code)
        ctx.previous = None
        assert code not in found(broken, "html", ctx)


def test_injection_refuses_what_cannot_happen() -> None:
    with pytest.raises(ValueError, match="legacy"):
        inject(base("gov2021"), "LEGACY_SUM")
    with pytest.raises(ValueError, match="gov2021"):
        inject(base("gov2019"), "T3_OTHER_HANDLING_SUM")
    with pytest.raises(ValueError, match="unknown finding code"):
        inject(base("gov2021"), "NO_SUCH_CODE")


def test_a_short_narrative_is_no_evidence_of_copying() -> None:
    """A report whose text was barely read is "contained" in every long one: too short to
    compare, on either side."""
    rec = base("gov2021")
    mine = rec["provenance"]["narrative"]
    assert len(mine) > 400
    ctx = Context(others=[("某局", mine[:150])])
    assert "DUPLICATE_TEXT" not in found(rec, "html", ctx)
    ctx.others.append(("另一局", mine[: len(mine) // 2]))
    assert "DUPLICATE_TEXT" in found(rec, "html", ctx)


def test_copy_candidates_never_miss_a_copy() -> None:
    """The archive compares a report only with the narratives its sampled shingles pick
    (``archive/likeness.py``). Every pair the rule would call copied (similarity ≥ 0.8)
    must be picked; distinct reports must not be."""
    import itertools
    import random

    from archive.likeness import maybe_copied, sketch
    from archive.validate import DUPLICATE_THRESHOLD, similarity

    names = ["自治区民政厅", "自治区财政厅", "银川市教育局", "中卫市司法局", "沙坡头区统计局",
             "自治区信访局"]
    texts = [sample_record(n, 2020 + i % 4, "gov2021" if i % 2 else "gov2019", i)
             ["provenance"]["narrative"] for i, n in enumerate(names * 4)]
    rng = random.Random(1)
    variants = []
    for t in texts[:12]:
        sentences = t.split("。")
        for share in (0.0, 0.1, 0.2, 0.3):  # that share of sentences rewritten
            s2 = list(sentences)
            for k in rng.sample(range(len(s2)), int(len(s2) * share)):
                s2[k] = f"另行表述的一句话{k}"
            variants.append("。".join(s2))
        variants += [t[: len(t) // 3], t[len(t) // 2 : len(t) // 2 + 250]]  # excerpts
    copies = 0
    for a, b in itertools.combinations(texts + variants, 2):
        if min(len(a), len(b)) >= 200 and similarity(a, b) >= DUPLICATE_THRESHOLD:
            copies += 1
            assert maybe_copied(sketch(a), sketch(b)), (a[:40], b[:40])
    assert copies > 150
    distinct = [sketch(t) for t in texts]
    assert not any(maybe_copied(a, b) for a, b in itertools.combinations(distinct, 2))
