"""Legacy Word binary (.doc) read in pure Python: tables come out exact.

The fixture was rendered from a sample record to DOCX and converted to .doc by LibreOffice
once; the test itself needs no converter.
"""

from __future__ import annotations

import json
from pathlib import Path

from archive.extract_doc import read_word_binary
from archive.parse import parse_document
from archive.record import iter_cells
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
