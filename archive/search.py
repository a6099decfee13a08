"""Full-text search of report texts, behind one interface.

Text and queries are compared NFKC-folded with all whitespace removed (``fold``), so a
phrase broken across a PDF line still matches, and the hits always equal a substring scan
of the folded text of each report's latest version.

The index holds one row per report (its latest version): ``search_docs`` (what filters
read: version, report, template) and ``search_text`` (the folded body), keyed by a
``doc_id`` that sorts newest year first, so the first page of hits comes straight off an
index in order and a query that matches every report still stops after ``limit`` rows.
It changes inside ``Archive.ingest``'s transaction; ``rebuild`` recreates it.

- ``search_scan.py``: the interface (``Search``, ``Hit``) and the portable ``LIKE`` scan
  the backends build on.
- ``search_sqlite.py``: two FTS5 indexes over that table, both exact for what they answer:
  ``search_fts`` (``trigram``, case-sensitive) for queries of three or more characters;
  ``search_grams`` (contentless, no positions) holding each distinct character and
  character pair of a text as a token, for one- and two-character queries (信访, 复议, 办).
- ``search_pg.py``: PostgreSQL, a ``pg_trgm`` GIN index on the folded text for three or
  more characters and a GIN index over each text's character and character-pair codes
  for one and two (tables and indexes made by migration 0005).
- ``snippets.py``: the printed text around a match, for the command line and the pages.

An agency filter narrows to a handful of reports, which are then scanned directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .search_scan import SCHEMA, Hit, ScanSearch, Search, doc_id
from .snippets import fragments, snippet, warm_up

if TYPE_CHECKING:
    from .store import Archive

__all__ = ["SCHEMA", "Hit", "ScanSearch", "Search", "doc_id", "fragments", "get_search",
           "snippet", "warm_up"]


def get_search(archive: Archive) -> Search:
    dialect = archive.engine.dialect.name
    if dialect == "sqlite":
        from .search_sqlite import SqliteSearch

        return SqliteSearch(archive)
    if dialect == "postgresql":
        from .search_pg import PgSearch

        return PgSearch(archive)
    return ScanSearch(archive)
