"""PostgreSQL search: ``pg_trgm`` for queries of three or more characters, a GIN index of
each text's character and character-pair codes for one and two.

The tables and indexes are made by migration 0005 (only on PostgreSQL):

- ``search_text.body`` has a ``gin_trgm_ops`` index. ``body LIKE '%q%'`` reads the
  candidates off it (texts holding every trigram of the query) and PostgreSQL rechecks each
  against the text, so the hits are exact. pg_trgm builds trigrams of letters and digits
  only, as the database's ``LC_CTYPE`` classes them: under the plain ``C`` locale no Chinese
  character is one and the index finds nothing to narrow by (still exact, but a full scan);
  ``ensure`` warns then. ``C.UTF-8``, ``en_US.UTF-8``, ``zh_CN.UTF-8`` all work.
- ``search_grams.grams`` holds, for each text, the code of every distinct character (its
  code point) and character pair (``1 << 42 | a << 21 | b``), with a GIN index: ``grams @>
  ARRAY[code]`` is exact for a one- or two-character query, so nothing is rechecked (the
  SQLite backend's ``search_grams`` holds the same grams as FTS5 tokens).

A page of hits of three or more characters (newest first) is read in ``doc_id`` order off
the grams index: the texts holding every character pair of the query, exact and without
reading a text, sorted, then each rechecked for the whole phrase until the page is full.
A phrase in most texts fills it from the first few; the trigram index, whose candidates
must all be rechecked before the first can be returned (and which splits words at
punctuation, so 件、信息 has tens of thousands), would read thousands. ``count`` and lists
without a limit use ``LIKE`` and the trigram index; a phrase in most of 50,000 texts takes
about half a second to count.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import text as sql
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .document import fold
from .search_scan import Hit, ScanSearch

log = logging.getLogger(__name__)

#: Bump when what the tables hold changes; ``ensure`` then rebuilds them.
PG_SCHEMA = "pg1"
_PAIR = 1 << 42

#: the GIN indexes, dropped while ``rebuild`` refills the tables and made again after
INDEXES = {
    "ix_search_text_trgm": "CREATE INDEX IF NOT EXISTS ix_search_text_trgm ON search_text "
                           "USING gin (body gin_trgm_ops)",
    "ix_search_grams": "CREATE INDEX IF NOT EXISTS ix_search_grams ON search_grams "
                       "USING gin (grams)",
}


def gram_codes(body: str) -> list[int]:
    """Every distinct character and character pair of folded text, as integers."""
    codes = {ord(c) for c in body}
    codes.update(_PAIR | ord(body[i]) << 21 | ord(body[i + 1]) for i in range(len(body) - 1))
    return sorted(codes)


def _gram_code(q: str) -> int:
    return ord(q) if len(q) == 1 else _PAIR | ord(q[0]) << 21 | ord(q[1])


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class PgSearch(ScanSearch):
    """pg_trgm for 3+ characters, the character/pair index below that."""

    def ensure(self) -> None:
        """The tables come from the migrations; fill them when they are new or outdated."""
        with self.archive.engine.begin() as c:
            cur = c.execute(sql("SELECT value FROM search_meta WHERE key = 'schema'")).scalar()
            sees = c.execute(sql("SELECT cardinality(show_trgm('信息公开'))")).scalar()
        if not sees:
            log.warning("pg_trgm 在此数据库的 LC_CTYPE 下不把汉字当作文字，检索仍准确但需全表扫描；"
                        "请用 C.UTF-8 或 zh_CN.UTF-8 等区域设置创建数据库")
        if cur != PG_SCHEMA:
            self.rebuild()

    # ------------------------------------------------ maintenance

    def _remove(self, s: Session | Connection, report_id: int) -> None:
        s.execute(sql("DELETE FROM search_grams WHERE doc_id IN "
                      "(SELECT doc_id FROM search_docs WHERE report_id = :r)"), {"r": report_id})
        super()._remove(s, report_id)

    def _add(self, s: Session | Connection, rows: list[dict[str, Any]],
             bulk: bool = False) -> None:
        if not rows:
            return
        rows = [{**r, "body": r["body"].replace("\x00", "")} for r in rows]  # text holds no NUL
        super()._add(s, rows)
        s.execute(sql("INSERT INTO search_grams (doc_id, grams) VALUES (:d, :g)"),
                  [{"d": r["doc_id"], "g": gram_codes(r["body"])} for r in rows])

    def _clear(self, c: Connection) -> None:
        c.execute(sql("TRUNCATE search_grams, search_text, search_docs"))

    def _prepare_rebuild(self, c: Connection) -> None:
        c.execute(sql("SET LOCAL maintenance_work_mem = '512MB'"))
        for name in INDEXES:  # filled once at the end: far faster than row by row
            c.execute(sql(f"DROP INDEX IF EXISTS {name}"))

    def _finish_rebuild(self, c: Connection) -> None:
        for ddl in INDEXES.values():
            c.execute(sql(ddl))
        c.execute(sql("DELETE FROM search_meta WHERE key = 'schema'"))
        c.execute(sql("INSERT INTO search_meta (key, value) VALUES ('schema', :v)"),
                  {"v": PG_SCHEMA})

    def rebuild(self) -> int:
        n = super().rebuild()
        with self.archive.engine.connect() as c:  # the planner's figures for the new index
            c.execute(sql("ANALYZE search_docs, search_text, search_grams"))
            c.commit()
        return n

    # ------------------------------------------------ queries

    def _match(self, q: str, scan: bool) -> tuple[str, str, str, dict[str, Any]]:
        if scan:  # an agency's few reports: read them
            return self._scan_from, "st.body LIKE :like ESCAPE '\\'", "sd.doc_id", {"like": _like(q)}
        if len(q) >= 3:
            return "search_text st", "st.body LIKE :like ESCAPE '\\'", "st.doc_id", {"like": _like(q)}
        return ("search_grams g", "g.grams @> ARRAY[CAST(:g AS BIGINT)]", "g.doc_id",
                {"g": _gram_code(q)})

    def search(self, query: str, *, agency: str | None = None, year: int | None = None,
               template: str | None = None, has_errors: bool | None = None,
               limit: int | None = 50, offset: int = 0) -> list[Hit]:
        q = fold(query)
        if not q or "\x00" in q:  # PostgreSQL text never holds a NUL
            return []
        offset = max(0, offset)
        stmt, params, order = self._select(q, None, agency, year, template, has_errors)
        with self.archive.Session() as s:
            if agency:
                self._few(s)
            if limit and len(q) >= 3 and not agency:
                ids = self._page(s, q, limit + offset, year, template, has_errors)
            else:
                if len(q) >= 3 and not agency:
                    # the trigram index, whatever the planner guesses of a long pattern
                    s.execute(sql("SET LOCAL enable_seqscan = off"))
                elif not agency:
                    self._bitmap(s)
                stmt += f" ORDER BY {order}"
                if limit:
                    stmt += " LIMIT :need"
                    params["need"] = limit + offset
                ids = [r[0] for r in s.execute(sql(stmt), params)]
            ids = ids[offset:offset + limit] if limit else ids[offset:]
            return self._hits(s, ids, q)

    def _page(self, s: Session, q: str, need: int, year: int | None, template: str | None,
              has_errors: bool | None) -> list[int]:
        """The first ``need`` hits: the texts holding every pair of the query, in order,
        each rechecked for the phrase until there are enough."""
        joins, where, params = self._filters("search_grams g", "g.doc_id", None, year,
                                             template, has_errors)
        pairs = sorted({_gram_code(q[i:i + 2]) for i in range(len(q) - 1)})
        cond = " AND ".join(["g.grams @> CAST(:pairs AS BIGINT[])", *where])
        self._bitmap(s)
        return [r[0] for r in s.execute(sql(
            f"SELECT c.doc_id FROM (SELECT g.doc_id FROM search_grams g{joins} WHERE {cond} "
            "ORDER BY g.doc_id OFFSET 0) c WHERE (SELECT st.body LIKE :like ESCAPE '\\' "
            "FROM search_text st WHERE st.doc_id = c.doc_id) LIMIT :need"),
            {**params, "pairs": pairs, "like": _like(q), "need": need})]

    def count(self, query: str, *, agency: str | None = None, year: int | None = None,
              template: str | None = None, has_errors: bool | None = None) -> int:
        q = fold(query)
        if not q or "\x00" in q:
            return 0
        stmt, params, _ = self._select(q, "COUNT(*)", agency, year, template, has_errors)
        with self.archive.Session() as s:
            if agency:
                self._few(s)
            elif len(q) >= 3:
                s.execute(sql("SET LOCAL enable_seqscan = off"))
            else:
                self._bitmap(s)
            return int(s.execute(sql(stmt), params).scalar() or 0)

    @staticmethod
    def _few(s: Session) -> None:
        """An agency's few reports, found by their keys and each read: the planner would
        rather ask the trigram index and recheck thousands of other agencies' texts."""
        s.execute(sql("SET LOCAL enable_seqscan = off"))
        s.execute(sql("SET LOCAL enable_bitmapscan = off"))

    @staticmethod
    def _bitmap(s: Session) -> None:
        """The grams index, exact, read as a bitmap: the planner would rather walk the
        table testing each text's array, which it must fetch whole (tens of KB) to test."""
        s.execute(sql("SET LOCAL enable_seqscan = off"))
        s.execute(sql("SET LOCAL enable_indexscan = off"))
