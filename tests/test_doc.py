"""Legacy Word binary (.doc) read in pure Python: tables come out exact.

The fixture was rendered from a sample record to DOCX and converted to .doc by LibreOffice
once; the test itself needs no converter.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archive.extract_doc import read_word_binary
from archive.parse import parse_document
from archive.record import iter_cells
from archive.render import render_docs
from archive.samples import sample_record, template_for
from crawler.simulator.content import DATA

#: the record the sample was rendered from; the sample itself is the simulator's package data
FIX = Path(__file__).parent / "fixtures" / "doc"


def test_doc_tables_parse_to_the_rendered_record() -> None:
    truth = json.loads((FIX / "gov2021-xfj.json").read_text(encoding="utf-8"))
    doc = read_word_binary((DATA / "gov2021-xfj.doc").read_bytes())
    assert doc.meta["format"] == "doc"
    rec = parse_document(doc)
    assert (rec["agency"], rec["year"], rec["template"], rec["published_on"]) == (
        truth["agency"], truth["year"], truth["template"], truth["published_on"])
    got, want = dict(iter_cells(rec)), dict(iter_cells(truth))
    assert len(want) == 200
    assert {k: got.get(k) for k in want} == want


@pytest.mark.skipif(not shutil.which("soffice"), reason="rendering DOC needs LibreOffice (soffice)")
def test_a_batch_of_doc_files_reads_back_record_by_record_in_order() -> None:
    """The farm renders its DOC files in batches: each file must be its own record's."""
    recs = [sample_record(agency, 2022, template_for(2022), seed)
            for seed, agency in enumerate(["甲市教育局", "乙县财政局", "丙区人民政府办公室",
                                           "丁市信访局", "戊县民政局", "己市交通运输局",
                                           "庚县卫生健康委员会", "辛区司法局", "壬市水利局",
                                           "癸县商务局", "子市统计局", "丑县审计局",
                                           "寅市林业局", "卯县应急管理局", "辰市体育局",
                                           "巳县文化和旅游局", "午市自然资源局"])]
    docs = render_docs(recs)
    assert len(docs) == len(recs)
    for rec, data in zip(recs, docs, strict=True):
        got = parse_document(read_word_binary(data))
        assert got["agency"] == rec["agency"]
        cells, want = dict(iter_cells(got)), dict(iter_cells(rec))
        assert {k: cells.get(k) for k in want} == want
