"""The Archive: one object owning the database and the blob store.

Callers (crawler, monitor, pages) never write SQL for archiving; they hand bytes to
:meth:`Archive.ingest` and read through the query methods. One ingest is one transaction:
a file either lands whole (fetch, version, cells, findings) or only as a fetch marked
unparseable with the reason — never as partial rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from . import budget as budgets
from .blobs import BlobStore
from .budget import Budget, Unreadable, read_report
from .catalog import Catalog
from .config import Settings, load_settings
from .document import fold
from .extract import sniff
from .integrity import Integrity
from .likeness import NarrativeIndex
from .models import (
    Agency,
    Blob,
    Cell,
    Fetch,
    FindingRow,
    Report,
    ReportFile,
    ReportVersion,
    Source,
    utcnow,
)
from .presence import Presence
from .record import Record, iter_cells
from .validate import Context, validate


@dataclass
class IngestResult:
    sha256: str
    #: new | new_version | unchanged | unparseable | not_report | agency_conflict (the
    #: file's own text names another registered agency than the one it was filed under;
    #: only with ``strict_agency``)
    status: str
    fetch_id: int
    report_id: int | None = None
    version_id: int | None = None
    error: str | None = None
    record: Record | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: the traceback behind ``error`` when a parser failed unexpectedly (for ``--debug``)
    detail: str | None = None


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


class Archive(Catalog, Integrity, Presence):
    def __init__(self, data_dir: Path, settings: Settings | None = None,
                 isolate: bool | None = None):
        self.data_dir = Path(data_dir)
        self.settings = settings or load_settings(self.data_dir)
        #: what reading one file may cost (``nianbao.toml``)
        self.budget = Budget.from_settings(self.settings)
        #: read files in a budgeted child process; unset, as the process's entry point
        #: chose (``archive.budget.ISOLATE``: the command line does, library use does not)
        self.isolate = isolate
        self.blobs = BlobStore(self.data_dir / "blobs")
        url = self.settings.database
        self.engine = create_engine(url, future=True)
        if url.startswith("sqlite"):
            _sqlite_pragmas(self.engine)
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        self.narratives = NarrativeIndex()  # DUPLICATE_TEXT's candidates, per process

    # ------------------------------------------------------------ schema

    def migrate(self) -> None:
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", "archive:migrations")
        with self._schema_lock():
            with self.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    # held to the end of this transaction: twins wait, then find it done
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7715262021)")
                cfg.attributes["connection"] = conn
                # every head: migrations written side by side from one parent (two
                # branches of work) all apply, in any order
                command.upgrade(cfg, "heads")
            from .search import get_search

            get_search(self).ensure()

    @contextlib.contextmanager
    def _schema_lock(self) -> Iterator[None]:
        """Serialise the first migration of a data directory: any number of commands may
        start on a fresh directory at once, and only one creates the tables."""
        if self.engine.dialect.name != "sqlite":
            yield
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / ".schema.lock", "a+b") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    # ------------------------------------------------------------ agencies

    def upsert_agency(self, s: Session, entry: dict[str, Any]) -> Agency:
        """Create or update an agency; a twin process creating the same one at the same
        moment is no error (INSERT … ON CONFLICT DO NOTHING, then update)."""
        a = s.get(Agency, entry["id"])
        if a is None:
            if _insert_or_ignore(s, Agency, {"id": entry["id"], "name": entry["name"],
                                             "emails": []}, "id"):
                a = s.get(Agency, entry["id"], populate_existing=True)
            if a is None:
                a = Agency(id=entry["id"], name=entry["name"])
                s.add(a)
        for key in ("name", "kind", "portal", "column", "emails", "deadline", "since", "demo",
                    "region", "level"):
            if key in entry and entry[key] is not None:
                setattr(a, key, entry[key])
        if a.emails is None:
            a.emails = []
        return a

    def match_agency(self, s: Session, text: str | None) -> Agency | None:
        """The agency whose name the text names; a longer name wins."""
        if not text:
            return None
        t = fold(text)
        best: Agency | None = None
        for a in s.scalars(select(Agency)):
            name = fold(a.name)
            if name and name in t and (best is None or len(name) > len(fold(best.name))):
                best = a
        return best

    # ------------------------------------------------------------ ingest

    def ingest(
        self,
        data: bytes,
        *,
        url: str | None = None,
        agency: str | None = None,
        year: int | None = None,
        status: int | None = 200,
        fetched_at: dt.datetime | None = None,
        posted_on: dt.date | None = None,
        content_type: str | None = None,
        role: str = "attachment",
        extra_files: list[tuple[str | None, bytes, str]] | None = None,
        create_agency: bool = True,
        unreadable: str | None = None,
        strict_agency: bool = False,
        warc: tuple[str | None, int | None] | None = None,
    ) -> IngestResult:
        """Archive one file and, unless ``unreadable`` already says why it cannot stand for
        the report (e.g. a detail page whose only attachment is a dead link), parse it.

        Reading goes through :func:`archive.budget.read_report`, the one error path: any
        failure is stored as the fetch's reason (status ``unparseable``), never raised.
        ``strict_agency``: ``agency`` must be registered (ValueError otherwise), and a file
        whose own text names another registered agency is stored as ``agency_conflict``
        instead of being filed under either. ``warc``: the WARC file and offset of the
        exchange that brought the bytes (``archive/warc.py``), kept on the fetch row."""
        if strict_agency and agency:
            with self.Session() as s:
                if self.registered_agency(s, agency) is None:
                    raise ValueError(f"未登记的机关：{agency}")
        now = fetched_at or utcnow()
        with self.Session.begin() as s:
            sha = self.put_blob(s, data)
            src = self._source(s, url, sha, now) if url else None
            wf, wo = warc or (None, None)
            fetch = Fetch(url=url or f"file:{sha}", source_id=src.id if src else None,
                          fetched_at=now, status=status, sha256=sha, parse_status="pending",
                          warc_file=wf, warc_offset=wo)
            s.add(fetch)
            s.flush()
            fetch_id = fetch.id
        with self.Session() as s:
            given = self._given(s, agency, strict_agency)
            given_name = given.name if given else agency
        try:
            if unreadable:
                raise Unreadable(unreadable)
            isolate = budgets.ISOLATE if self.isolate is None else self.isolate
            doc, rec = read_report(data, content_type=content_type, filed_year=year,
                                   agency=given_name, budget=self.budget, isolate=isolate)
        except Unreadable as e:  # a hostile file or a parser bug must not stop a crawl
            res = self._mark(fetch_id, sha, "unparseable", e.reason)
            res.detail = e.detail
            res.report_id = self._acknowledge(agency, year, posted_on, now)
            return res
        # storing is the archive's business, not the file's: a failure there (disk, database)
        # rolls the transaction back and is raised, never stored as the file's reason
        return self._store(data, sha, fetch_id, now, doc, rec, url=url, agency=agency,
                           year=year, posted_on=posted_on, role=role,
                           extra_files=extra_files, create_agency=create_agency,
                           strict_agency=strict_agency)

    def registered_agency(self, s: Session, agency: str) -> Agency | None:
        """The agency ``agency`` names exactly: its id, or its name (folded)."""
        found = s.get(Agency, agency)
        if found is not None:
            return found
        name = fold(agency)
        return next((a for a in s.scalars(select(Agency)) if fold(a.name) == name), None)

    def _given(self, s: Session, agency: str | None, strict: bool) -> Agency | None:
        """The agency a file is filed under: by id, else (not strict) a name it contains."""
        if not agency:
            return None
        if strict:
            return self.registered_agency(s, agency)
        return s.get(Agency, agency) or self.match_agency(s, agency)

    def _store(self, data: bytes, sha: str, fetch_id: int, now: dt.datetime, doc: Any,
               rec: Record, *, url: str | None, agency: str | None, year: int | None,
               posted_on: dt.date | None, role: str,
               extra_files: list[tuple[str | None, bytes, str]] | None,
               create_agency: bool, strict_agency: bool) -> IngestResult:
        """The parsed file as a report version (one transaction)."""
        with self.Session.begin() as s:
            given = self._given(s, agency, strict_agency)
            named = rec["agency"] if rec["agency"] and given and rec["agency"] != given.name \
                else None
            other = self.match_agency(s, named) if named else None
            if strict_agency and given is not None and other is not None \
                    and other.id != given.id:
                f = s.get(Fetch, fetch_id)
                assert f is not None
                f.parse_status = "agency_conflict"
                f.parse_error = (f"文件正文写明的机关是“{other.name}”（{other.id}），"
                                 f"与指定的 --agency “{given.name}”（{given.id}）不符，未存档为"
                                 "任何一方的年报；请核对后用正确的 --agency 重新导入")
                return IngestResult(sha, "agency_conflict", fetch_id, error=f.parse_error,
                                    record=rec)
            ag = given or self.match_agency(s, rec["agency"] or rec["title"])
            if ag is None and create_agency and (rec["agency"] or agency):
                name = rec["agency"] or agency or ""
                ag = self.upsert_agency(s, {
                    "id": "auto-" + hashlib.sha1(fold(name).encode()).hexdigest()[:8],
                    "name": name, "kind": "department"})
                s.flush()
            the_year = year or rec["year"]
            if ag is None or the_year is None:
                f = s.get(Fetch, fetch_id)
                assert f is not None
                f.parse_status = "not_report"
                f.parse_error = "无法从文件中确定发布机关或年度（标题应含“XXXX年…政府信息公开工作年度报告”）；" \
                    "请用 --agency/--year 指定"
                return IngestResult(sha, "not_report", fetch_id, error=f.parse_error, record=rec)
            report = s.scalar(select(Report).where(Report.agency_id == ag.id,
                                                   Report.year == the_year))
            if report is None:
                report = Report(agency_id=ag.id, year=the_year, first_seen=now)
                s.add(report)
                s.flush()
            report.note_posted(posted_on)
            if report.posted_on is None and rec["published_on"] and url is None:
                report.posted_on = dt.date.fromisoformat(rec["published_on"])
            report.removed_on = None
            latest = report.versions[-1] if report.versions else None
            f = s.get(Fetch, fetch_id)
            assert f is not None
            f.parse_status = "ok"
            if latest is not None and latest.sha256 == sha:
                return IngestResult(sha, "unchanged", fetch_id, report.id, latest.id,
                                    record=latest.record)  # type: ignore[arg-type]
            ctx = self._context(s, ag.id, the_year, report.id, year,
                                rec["provenance"].get("narrative", ""))
            validate(rec, ctx)
            version = ReportVersion(
                seq=(latest.seq + 1) if latest else 1, sha256=sha, url=url,
                first_seen=now, template=rec["template"], title=rec["title"],
                published_on=dt.date.fromisoformat(rec["published_on"]) if rec["published_on"]
                else None, record=dict(rec), text=doc.text(),
                error_count=sum(1 for x in rec["findings"] if x["severity"] == "error"))
            report.versions.append(version)
            s.flush()
            version.files.append(ReportFile(url=url, sha256=sha, role=role))
            for furl, fdata, frole in extra_files or []:
                fsha = self.put_blob(s, fdata)
                version.files.append(ReportFile(url=furl, sha256=fsha, role=frole))
            self._store_cells(s, version, rec)
            self._store_findings(s, version, rec)
            self._revalidate_next(s, ag.id, the_year)
            from .search import get_search

            get_search(self).index_version(s, version)
            status_word = "new" if latest is None else "new_version"
            return IngestResult(sha, status_word, fetch_id, report.id, version.id, record=rec,
                                findings=list(rec["findings"]))  # type: ignore[arg-type]

    def _mark(self, fetch_id: int, sha: str, status: str, error: str) -> IngestResult:
        with self.Session.begin() as s:
            f = s.get(Fetch, fetch_id)
            assert f is not None
            f.parse_status = status
            f.parse_error = error
        return IngestResult(sha, status, fetch_id, error=error)

    def _acknowledge(self, agency: str | None, year: int | None, posted_on: dt.date | None,
                     now: dt.datetime) -> int | None:
        """A file filed under a known agency and year that cannot be read (图片版, broken)
        still shows the report was published: its ``Report`` row exists with no version,
        so the monitor never calls it missing and judges lateness by its posting date."""
        if not agency or year is None:
            return None
        with self.Session.begin() as s:
            ag = s.get(Agency, agency)
            if ag is None:
                return None
            report = s.scalar(select(Report).where(Report.agency_id == ag.id,
                                                   Report.year == year))
            if report is None:
                report = Report(agency_id=ag.id, year=year, first_seen=now)
                s.add(report)
            report.note_posted(posted_on)
            report.removed_on = None
            s.flush()
            return report.id

    def put_blob(self, s: Session, data: bytes) -> str:
        """Store ``data`` under its hash, file and row; two workers storing one body at once
        (the same robots.txt on two portals) is no error."""
        sha = self.blobs.put(data)
        if s.get(Blob, sha) is None:
            row = {"sha256": sha, "size": len(data), "format": sniff(data)}
            if not _insert_or_ignore(s, Blob, row, "sha256"):
                s.add(Blob(**row))
            s.flush()
        return sha

    def _source(self, s: Session, url: str, sha: str, now: dt.datetime) -> Source:
        src = s.scalar(select(Source).where(Source.url == url))
        if src is None:
            src = Source(url=url, first_seen=now)
            s.add(src)
        src.sha256 = sha
        src.last_seen = now
        src.removed_on = None
        s.flush()
        return src

    def _context(self, s: Session, agency_id: str, year: int, report_id: int | None,
                 filed_year: int | None, narrative: str) -> Context:
        prev = self.latest_record(s, agency_id, year - 1)
        others: list[tuple[str, str]] = []
        if prev:
            others.append((f"本机关{year - 1}年", prev["provenance"].get("narrative", "")))
        others += self.narratives.candidates(s, year, agency_id, narrative)
        return Context(previous=prev, others=others, filed_year=filed_year)

    def latest_record(self, s: Session, agency_id: str, year: int) -> Record | None:
        r = s.scalar(select(Report).where(Report.agency_id == agency_id, Report.year == year))
        if r is None or not r.versions:
            return None
        return r.versions[-1].record  # type: ignore[return-value]

    def _revalidate_next(self, s: Session, agency_id: str, year: int) -> None:
        """Cross-year rules of next year's report depend on this one."""
        nxt = s.scalar(select(Report).where(Report.agency_id == agency_id, Report.year == year + 1))
        if nxt is None or not nxt.versions:
            return
        v = nxt.versions[-1]
        rec: Record = dict(v.record)  # type: ignore[assignment]
        validate(rec, self._context(s, agency_id, year + 1, nxt.id, year + 1,
                                    rec["provenance"].get("narrative", "")))
        v.record = dict(rec)
        v.findings.clear()
        s.flush()
        self._store_findings(s, v, rec)
        v.error_count = sum(1 for x in rec["findings"] if x["severity"] == "error")

    def _store_cells(self, s: Session, version: ReportVersion, rec: Record) -> None:
        prov = rec["provenance"].get("cells", {})
        rows = []
        for path, value in iter_cells(rec):
            p = prov.get(path, {})
            if isinstance(value, dict):
                num, raw, yuan = None, value.get("text"), value.get("yuan")
            else:
                num, raw, yuan = value, p.get("raw"), None
            rows.append(Cell(version_id=version.id, path=path,
                             value=float(num) if isinstance(num, int | float) else None,
                             raw=raw, yuan=yuan, page=p.get("page"), row=p.get("row")))
        s.add_all(rows)

    def _store_findings(self, s: Session, version: ReportVersion, rec: Record) -> None:
        for f in rec["findings"]:
            version.findings.append(FindingRow(code=f["code"], severity=f["severity"],
                                               where=f["where"], message=f["message"],
                                               expected=f["expected"], actual=f["actual"]))


def _insert_or_ignore(s: Session, model: type[Any], values: dict[str, Any], key: str) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL (False elsewhere: the caller
    adds the row itself), so twin processes creating one row at once both succeed."""
    dialect = s.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return False
    insert = sqlite_insert if dialect == "sqlite" else pg_insert
    s.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=[key]))
    return True
