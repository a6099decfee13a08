"""SQLite search: FTS5 ``trigram`` for queries of three or more characters, a
contentless FTS5 index of each text's characters and character pairs below that."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text as sql
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .search_scan import ScanSearch

_HEX: dict[str, str] = {}


def _hex(c: str) -> str:
    h = _HEX.get(c)
    if h is None:
        h = _HEX[c] = f"{ord(c):06x}"
    return h


def gram_tokens(body: str) -> str:
    """Every distinct character and character pair of folded text, as ASCII tokens
    (``u`` + code point, ``b`` + two code points, six hex digits each)."""
    chars = set(body)
    pairs = {body[i:i + 2] for i in range(len(body) - 1)}
    hx = {c: _hex(c) for c in chars}
    return " ".join(["u" + hx[c] for c in chars] + ["b" + hx[p[0]] + hx[p[1]] for p in pairs])


def _gram_query(q: str) -> str:
    return f"u{ord(q):06x}" if len(q) == 1 else f"b{ord(q[0]):06x}{ord(q[1]):06x}"



class SqliteSearch(ScanSearch):
    """FTS5 trigram for 3+ characters, a character/pair index below that."""

    _key = "INTEGER"  # SQLite: the rowid itself, which the FTS5 tables point at

    def _tables(self) -> list[str]:
        return [*super()._tables(),
                "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(body, "
                "content='search_text', content_rowid='doc_id', "
                "tokenize='trigram case_sensitive 1')",
                "CREATE VIRTUAL TABLE IF NOT EXISTS search_grams USING fts5(g, content='', "
                "detail=none, tokenize='unicode61 remove_diacritics 0')"]

    def _drop(self, c: Connection) -> None:
        for t in ("search_text_ai", "search_text_ad"):
            c.execute(sql(f"DROP TRIGGER IF EXISTS {t}"))
        for t in ("search_fts", "search_grams"):
            c.execute(sql(f"DROP TABLE IF EXISTS {t}"))
        super()._drop(c)

    def _remove(self, s: Session | Connection, report_id: int) -> None:
        old = s.execute(sql("SELECT st.doc_id, st.body FROM search_docs sd JOIN search_text st "
                            "ON st.doc_id = sd.doc_id WHERE sd.report_id = :r"),
                        {"r": report_id}).all()
        for did, body in old:
            s.execute(sql("INSERT INTO search_fts(search_fts, rowid, body) "
                          "VALUES('delete', :d, :b)"), {"d": did, "b": body})
            s.execute(sql("INSERT INTO search_grams(search_grams, rowid, g) "
                          "VALUES('delete', :d, :g)"), {"d": did, "g": gram_tokens(body)})
        super()._remove(s, report_id)

    def _add(self, s: Session | Connection, rows: list[dict[str, Any]],
             bulk: bool = False) -> None:
        if not rows:
            return
        super()._add(s, rows)
        if not bulk:  # a rebuild fills the trigram index in one pass at the end
            s.execute(sql("INSERT INTO search_fts(rowid, body) VALUES (:doc_id, :body)"), rows)
        s.execute(sql("INSERT INTO search_grams(rowid, g) VALUES (:d, :g)"),
                  [{"d": r["doc_id"], "g": gram_tokens(r["body"])} for r in rows])

    def _clear(self, c: Connection) -> None:
        super()._clear(c)
        c.execute(sql("INSERT INTO search_fts(search_fts) VALUES('delete-all')"))
        c.execute(sql("INSERT INTO search_grams(search_grams) VALUES('delete-all')"))

    def _prepare_rebuild(self, c: Connection) -> None:
        # one big transaction: a page cache that holds the growing index keeps SQLite
        # from spilling and rewriting the same FTS pages over and over
        self._cache = c.exec_driver_sql("PRAGMA cache_size").scalar()
        c.exec_driver_sql("PRAGMA cache_size = -524288")  # 512 MiB, only while rebuilding

    def _end_rebuild(self, c: Connection) -> None:
        c.exec_driver_sql(f"PRAGMA cache_size = {int(self._cache or -2000)}")

    def _finish_rebuild(self, c: Connection) -> None:
        # the trigram index is built in one pass from its content table
        c.execute(sql("INSERT INTO search_fts(search_fts) VALUES('rebuild')"))
        c.execute(sql("INSERT INTO search_grams(search_grams) VALUES('optimize')"))

    def _match(self, q: str, scan: bool) -> tuple[str, str, str, dict[str, Any]]:
        # an agency has a few reports: read them rather than walk a long posting list;
        # FTS5 cannot take a NUL even inside a quoted phrase ("unterminated string")
        if scan or "\x00" in q:
            return self._scan_from, "instr(st.body, :q) > 0", "sd.doc_id", {}
        if len(q) >= 3:
            return ("search_fts f", "search_fts MATCH :m", "f.rowid", {"m": '"' + q.replace('"', '""') + '"'})
        return ("search_grams g", "search_grams MATCH :m", "g.rowid", {"m": _gram_query(q)})
