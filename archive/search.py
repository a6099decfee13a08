"""Full-text search of report texts, behind one interface.

Text and queries are compared NFKC-folded with all whitespace removed, so a phrase broken
across a PDF line still matches. SQLite: an FTS5 ``trigram`` index answers queries of three
or more characters; shorter ones (信访, 复议, 办) scan the folded text table with ``instr``,
which is exact. Either way the hits equal a substring scan. A PostgreSQL deployment gets
the portable scan (``LIKE``) through the same interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from .document import fold

if TYPE_CHECKING:
    from .models import ReportVersion
    from .store import Archive


@dataclass
class Hit:
    report_id: int
    version_id: int
    agency_id: str
    agency: str
    year: int
    title: str | None
    snippet: str

    def json(self) -> dict[str, Any]:
        return self.__dict__.copy()


class Search(Protocol):
    def ensure(self) -> None: ...
    def index_version(self, s: Session, version: ReportVersion) -> None: ...
    def rebuild(self) -> int: ...
    def search(self, query: str, *, agency: str | None = None, year: int | None = None,
               template: str | None = None, has_errors: bool | None = None,
               limit: int | None = 50) -> list[Hit]: ...


def snippet(folded: str, q: str, width: int = 40) -> str:
    i = folded.find(q)
    if i < 0:
        return folded[: width * 2]
    start = max(0, i - width)
    end = min(len(folded), i + len(q) + width)
    return ("…" if start else "") + folded[start:i] + "[" + q + "]" + folded[i + len(q):end] + (
        "…" if end < len(folded) else "")


class ScanSearch:
    """Portable search: a folded-text table scanned with LIKE. Exact, slower."""

    def __init__(self, archive: Archive):
        self.archive = archive

    def ensure(self) -> None:
        with self.archive.engine.begin() as c:
            c.execute(sql("CREATE TABLE IF NOT EXISTS search_text (version_id INTEGER PRIMARY KEY,"
                          " body TEXT NOT NULL)"))

    def _store(self, s: Session, version_id: int, body: str) -> None:
        s.execute(sql("DELETE FROM search_text WHERE version_id = :v"), {"v": version_id})
        s.execute(sql("INSERT INTO search_text (version_id, body) VALUES (:v, :b)"),
                  {"v": version_id, "b": body})

    def index_version(self, s: Session, version: ReportVersion) -> None:
        self._store(s, version.id, fold(version.text))

    def rebuild(self) -> int:
        from sqlalchemy import select

        from .models import ReportVersion

        self.ensure()
        n = 0
        with self.archive.Session.begin() as s:
            s.execute(sql("DELETE FROM search_text"))
            for v in s.scalars(select(ReportVersion)):
                self._store(s, v.id, fold(v.text))
                n += 1
        return n

    def _candidates(self, s: Session, q: str) -> str:
        return "SELECT version_id, body FROM search_text WHERE body LIKE :like ESCAPE '\\'"

    def search(self, query: str, *, agency: str | None = None, year: int | None = None,
               template: str | None = None, has_errors: bool | None = None,
               limit: int | None = 50) -> list[Hit]:
        q = fold(query)
        if not q:
            return []
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where = ["rv.id = (SELECT MAX(id) FROM report_versions WHERE report_id = r.id)"]
        params: dict[str, Any] = {"q": q, "like": like}
        if agency:
            where.append("(r.agency_id = :agency OR a.name = :agency)")
            params["agency"] = agency
        if year:
            where.append("r.year = :year")
            params["year"] = year
        if template:
            where.append("rv.template = :template")
            params["template"] = template
        if has_errors is not None:
            where.append("rv.error_count > 0" if has_errors else "rv.error_count = 0")
        with self.archive.Session() as s:
            inner = self._candidates(s, q)
            rows = s.execute(sql(
                f"SELECT r.id, rv.id, r.agency_id, a.name, r.year, rv.title, st.body "
                f"FROM ({inner}) st JOIN report_versions rv ON rv.id = st.version_id "
                f"JOIN reports r ON r.id = rv.report_id JOIN agencies a ON a.id = r.agency_id "
                f"WHERE {' AND '.join(where)} ORDER BY r.year DESC, a.name"
                + (" LIMIT :limit" if limit else "")), {**params, "limit": limit})
            return [Hit(r[0], r[1], r[2], r[3], r[4], r[5], snippet(r[6], q))
                    for r in rows if q in r[6]]


class SqliteSearch(ScanSearch):
    """FTS5 trigram for queries of 3+ characters; exact instr scan below that."""

    def ensure(self) -> None:
        super().ensure()
        with self.archive.engine.begin() as c:
            c.execute(sql("CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
                          "body, content='search_text', content_rowid='version_id', "
                          "tokenize='trigram')"))
            c.execute(sql("CREATE TRIGGER IF NOT EXISTS search_text_ai AFTER INSERT ON search_text "
                          "BEGIN INSERT INTO search_fts(rowid, body) VALUES (new.version_id, "
                          "new.body); END"))
            c.execute(sql("CREATE TRIGGER IF NOT EXISTS search_text_ad AFTER DELETE ON search_text "
                          "BEGIN INSERT INTO search_fts(search_fts, rowid, body) VALUES('delete', "
                          "old.version_id, old.body); END"))

    def rebuild(self) -> int:
        n = super().rebuild()
        with self.archive.engine.begin() as c:
            c.execute(sql("INSERT INTO search_fts(search_fts) VALUES('rebuild')"))
        return n

    def _candidates(self, s: Session, q: str) -> str:
        if len(q) >= 3:
            return ("SELECT st.version_id, st.body FROM search_fts f JOIN search_text st "
                    "ON st.version_id = f.rowid WHERE search_fts MATCH '\"' || "
                    "replace(:q, '\"', '\"\"') || '\"'")
        return "SELECT version_id, body FROM search_text WHERE instr(body, :q) > 0"


def get_search(archive: Archive) -> Search:
    if archive.engine.dialect.name == "sqlite":
        return SqliteSearch(archive)
    return ScanSearch(archive)
