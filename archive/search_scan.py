"""The search interface and the portable backend (``LIKE`` over the folded texts) the
database backends build on; see ``archive/search.py`` for the design."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import text as sql
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .document import fold
from .snippets import fragments

if TYPE_CHECKING:
    from .models import ReportVersion
    from .store import Archive

#: Bump when the index tables change shape; ``ensure`` then drops and rebuilds them.
SCHEMA = "3"
_YEAR_BASE = 3000  # doc_id = (3000 - year) << 32 | report_id: ascending = newest year first


def doc_id(year: int, report_id: int) -> int:
    return ((_YEAR_BASE - year) << 32) | report_id


def _year_range(year: int) -> tuple[int, int]:
    lo = (_YEAR_BASE - year) << 32
    return lo, lo + (1 << 32) - 1


@dataclass
class Hit:
    report_id: int
    version_id: int
    agency_id: str
    agency: str
    year: int
    title: str | None
    snippet: str
    template: str = ""
    errors: int = 0
    seq: int = 1
    #: the snippet as (text, is_match) pieces, for pages that highlight the match
    fragments: list[tuple[str, bool]] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        d = self.__dict__.copy()
        d["fragments"] = [list(f) for f in self.fragments]
        return d


class Search(Protocol):
    def ensure(self) -> None: ...
    def index_version(self, s: Session, version: ReportVersion) -> None: ...
    def rebuild(self) -> int: ...
    def search(self, query: str, *, agency: str | None = None, year: int | None = None,
               template: str | None = None, has_errors: bool | None = None,
               limit: int | None = 50, offset: int = 0) -> list[Hit]: ...
    def count(self, query: str, *, agency: str | None = None, year: int | None = None,
              template: str | None = None, has_errors: bool | None = None) -> int: ...



class ScanSearch:
    """Portable search: the folded-text table scanned with LIKE. Exact, slower."""

    def __init__(self, archive: Archive):
        self.archive = archive

    # ------------------------------------------------ schema

    _key = "BIGINT"

    def _tables(self) -> list[str]:
        # what filters read lives apart from the bodies: a row of search_text fills pages,
        # and walking thousands of them to test a template costs a hundred milliseconds
        return [f"CREATE TABLE IF NOT EXISTS search_docs (doc_id {self._key} PRIMARY KEY, "
                "version_id INTEGER NOT NULL, report_id INTEGER NOT NULL UNIQUE, "
                "template VARCHAR(20))",
                f"CREATE TABLE IF NOT EXISTS search_text (doc_id {self._key} PRIMARY KEY, "
                "body TEXT NOT NULL)"]

    def _drop(self, c: Connection) -> None:
        c.execute(sql("DROP TABLE IF EXISTS search_text"))
        c.execute(sql("DROP TABLE IF EXISTS search_docs"))

    def ensure(self) -> None:
        """Create the index tables; drop and rebuild them when their shape is outdated."""
        with self.archive.engine.begin() as c:
            c.execute(sql("CREATE TABLE IF NOT EXISTS search_meta (key VARCHAR(40) PRIMARY KEY, "
                          "value VARCHAR(200))"))
            cur = c.execute(sql("SELECT value FROM search_meta WHERE key = 'schema'")).scalar()
            if cur == SCHEMA:
                return
            self._drop(c)
            for stmt in self._tables():
                c.execute(sql(stmt))
            c.execute(sql("DELETE FROM search_meta WHERE key = 'schema'"))
            c.execute(sql("INSERT INTO search_meta (key, value) VALUES ('schema', :v)"),
                      {"v": SCHEMA})
        self.rebuild()

    # ------------------------------------------------ maintenance

    def _remove(self, s: Session | Connection, report_id: int) -> None:
        s.execute(sql("DELETE FROM search_text WHERE doc_id IN "
                      "(SELECT doc_id FROM search_docs WHERE report_id = :r)"), {"r": report_id})
        s.execute(sql("DELETE FROM search_docs WHERE report_id = :r"), {"r": report_id})

    def _add(self, s: Session | Connection, rows: list[dict[str, Any]],
             bulk: bool = False) -> None:
        if rows:
            s.execute(sql("INSERT INTO search_docs (doc_id, version_id, report_id, template) "
                          "VALUES (:doc_id, :version_id, :report_id, :template)"), rows)
            s.execute(sql("INSERT INTO search_text (doc_id, body) VALUES (:doc_id, :body)"), rows)

    def index_version(self, s: Session, version: ReportVersion) -> None:
        """Called inside ``Archive.ingest``'s transaction: the report's row now holds this
        version, so the index commits or rolls back with the data."""
        report = version.report
        self._remove(s, report.id)
        self._add(s, [{"doc_id": doc_id(report.year, report.id), "version_id": version.id,
                       "report_id": report.id, "template": version.template,
                       "body": fold(version.text or "")}])

    def _clear(self, c: Connection) -> None:
        c.execute(sql("DELETE FROM search_text"))
        c.execute(sql("DELETE FROM search_docs"))

    def _latest(self, c: Connection, batch: int = 500) -> Iterable[list[dict[str, Any]]]:
        """Every report's latest version, folded, in batches (texts are large)."""
        from sqlalchemy import bindparam

        ids = [r[0] for r in c.execute(sql(
            "SELECT rv.id FROM report_versions rv "
            "JOIN (SELECT report_id, MAX(seq) AS seq FROM report_versions GROUP BY report_id) m "
            "ON m.report_id = rv.report_id AND m.seq = rv.seq ORDER BY rv.id"))]
        stmt = sql("SELECT rv.id, rv.report_id, r.year, rv.template, rv.text "
                   "FROM report_versions rv "
                   "JOIN reports r ON r.id = rv.report_id WHERE rv.id IN :ids"
                   ).bindparams(bindparam("ids", expanding=True))
        for i in range(0, len(ids), batch):
            yield [{"doc_id": doc_id(year, rid), "version_id": vid, "report_id": rid,
                    "template": template, "body": fold(text or "")}
                   for vid, rid, year, template, text
                   in c.execute(stmt, {"ids": ids[i:i + batch]})]

    def rebuild(self) -> int:
        """Re-create the index from the archive (``nianbao search --rebuild``)."""
        n = 0
        with self.archive.engine.begin() as c:
            self._prepare_rebuild(c)
            try:
                self._clear(c)
                for rows in self._latest(c):
                    self._add(c, rows, bulk=True)
                    n += len(rows)
                self._finish_rebuild(c)
            finally:
                self._end_rebuild(c)
        return n

    def _prepare_rebuild(self, c: Connection) -> None:
        pass

    def _finish_rebuild(self, c: Connection) -> None:
        pass

    def _end_rebuild(self, c: Connection) -> None:
        pass

    # ------------------------------------------------ queries

    def _match(self, q: str, scan: bool) -> tuple[str, str, str, dict[str, Any]]:
        """(FROM clause, match condition, the doc_id column it orders by, params); when
        the FROM clause lacks ``search_docs sd`` it is joined in only if a filter needs it."""
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return (self._scan_from, "st.body LIKE :like ESCAPE '\\'", "sd.doc_id", {"like": like})

    _scan_from = "search_docs sd JOIN search_text st ON st.doc_id = sd.doc_id"

    def _filters(self, frm: str, order: str, agency: str | None, year: int | None,
                 template: str | None, has_errors: bool | None,
                 ) -> tuple[str, list[str], dict[str, Any]]:
        """(joins, conditions, params) of the filters over rows keyed by ``order``."""
        where: list[str] = []
        params: dict[str, Any] = {}
        joins = ""
        if (agency or template or has_errors is not None) and " sd " not in f" {frm} ":
            joins += f" JOIN search_docs sd ON sd.doc_id = {order}"
        if agency:  # by id or name; resolved once, then the report_id index does the rest
            where.append("sd.report_id IN (SELECT r.id FROM reports r WHERE r.agency_id IN "
                         "(SELECT a.id FROM agencies a WHERE a.id = :agency OR a.name = :agency))")
            params["agency"] = agency
        if year:
            params["lo"], params["hi"] = _year_range(year)
            where.append(f"{order} BETWEEN :lo AND :hi")
        if template:
            where.append("sd.template = :template")
            params["template"] = template
        if has_errors is not None:
            # from the findings table, which revalidation keeps current (error_count is read
            # from the same rows); and far cheaper than reaching past a version's text
            where.append(("" if has_errors else "NOT ") + "EXISTS (SELECT 1 FROM findings fr "
                         "WHERE fr.version_id = sd.version_id AND fr.severity = 'error')")
        return joins, where, params

    def _select(self, q: str, what: str | None, agency: str | None, year: int | None,
                template: str | None, has_errors: bool | None,
                ) -> tuple[str, dict[str, Any], str]:
        frm, cond, order, params = self._match(q, scan=bool(agency))
        joins, where, fparams = self._filters(frm, order, agency, year, template, has_errors)
        stmt = f"SELECT {what or order} FROM {frm}{joins} WHERE {' AND '.join([cond, *where])}"
        return stmt, {**params, **fparams, "q": q}, order

    def search(self, query: str, *, agency: str | None = None, year: int | None = None,
               template: str | None = None, has_errors: bool | None = None,
               limit: int | None = 50, offset: int = 0) -> list[Hit]:
        """Latest versions containing the folded query, newest year first; ``offset``
        skips that many for the next page."""
        q = fold(query)
        if not q:
            return []
        stmt, params, order = self._select(q, None, agency, year, template, has_errors)
        stmt += f" ORDER BY {order}" + (" LIMIT :limit" if limit else "")
        offset = max(0, offset)
        if offset and limit:
            stmt += " OFFSET :offset"
        params["limit"], params["offset"] = limit, offset
        with self.archive.Session() as s:
            ids = [r[0] for r in s.execute(sql(stmt), params)]
            return self._hits(s, ids if limit else ids[offset:], q)

    def count(self, query: str, *, agency: str | None = None, year: int | None = None,
              template: str | None = None, has_errors: bool | None = None) -> int:
        """How many reports match, without fetching them."""
        q = fold(query)
        if not q:
            return 0
        stmt, params, _ = self._select(q, "COUNT(*)", agency, year, template, has_errors)
        with self.archive.Session() as s:
            return int(s.execute(sql(stmt), params).scalar() or 0)

    def _hits(self, s: Session, ids: list[int], q: str) -> list[Hit]:
        if not ids:
            return []
        from sqlalchemy import bindparam

        rows = s.execute(sql(
            "SELECT sd.doc_id, r.id, rv.id, r.agency_id, a.name, r.year, rv.title, rv.text, "
            "rv.template, rv.error_count, rv.seq, st.body FROM search_docs sd "
            "JOIN search_text st ON st.doc_id = sd.doc_id "
            "JOIN report_versions rv ON rv.id = sd.version_id "
            "JOIN reports r ON r.id = sd.report_id JOIN agencies a ON a.id = r.agency_id "
            "WHERE sd.doc_id IN :ids").bindparams(bindparam("ids", expanding=True)),
            {"ids": ids})
        by_id = {r[0]: r for r in rows}
        hits = []
        for i in ids:
            r = by_id.get(i)
            if r is None or q not in r[11]:  # defensive: the indexes are exact
                continue
            frags = fragments(r[7] or "", q)
            hits.append(Hit(r[1], r[2], r[3], r[4], r[5], r[6],
                            "".join(f"【{t}】" if h else t for t, h in frags),
                            r[8], r[9], r[10], frags))
        return hits
