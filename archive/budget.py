"""One error path for reading an untrusted file: extraction and parsing under a budget.

``nianbao parse``, ``nianbao ingest`` and the crawler (through :meth:`Archive.ingest`)
all read a file with :func:`read_report`. Whatever goes wrong — a damaged or hostile
file, a parser bug, a file past the memory or time budget — comes out as one
:class:`Unreadable` whose ``reason`` (Chinese, saying what to do) is stored with the
fetch and printed, and whose ``detail`` (the traceback) is shown only under ``--debug``.
Nothing else escapes.

With ``isolate=True`` the work runs in a child process limited by ``RLIMIT_AS`` (the
memory budget) and killed at the time budget, so no file can take the caller's memory or
its night. The in-process path (the default) is what the tests and library callers use;
the command-line entry points isolate.
"""

from __future__ import annotations

import importlib
import math
import multiprocessing
import os
import resource
import signal
import threading
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .document import Document, ExtractionError, Table, fold

if TYPE_CHECKING:
    from .config import Settings
    from .record import Record


#: Read files in a budgeted child process by default: set by the command line for its
#: whole process (``parse``, ``ingest``, the crawler it runs, the daemon); library use and
#: the tests keep the in-process path unless they ask (``Archive(isolate=True)``).
ISOLATE = False


@dataclass(frozen=True)
class Budget:
    """What reading one file may cost (``nianbao.toml``: ``parse_memory_mb``,
    ``parse_seconds``, ``docx_unzipped_mb``, ``docx_xml_mb``)."""

    memory_mb: int = 512
    seconds: float = 120.0
    unzipped_mb: int = 200
    xml_mb: int = 16

    @classmethod
    def from_settings(cls, settings: Settings) -> Budget:
        return cls(memory_mb=settings.parse_memory_mb, seconds=settings.parse_seconds,
                   unzipped_mb=settings.docx_unzipped_mb, xml_mb=settings.docx_xml_mb)


class Unreadable(ExtractionError):
    """A file that cannot stand for a report; ``str()`` is the reason a person acts on."""

    def __init__(self, reason: str, detail: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def describe(exc: BaseException, budget: Budget | None = None) -> str:
    """The stored reason for any exception met while reading a file."""
    if isinstance(exc, ExtractionError):
        return str(exc)
    if isinstance(exc, MemoryError):
        mb = f" {budget.memory_mb} MB" if budget else ""
        return (f"解析超出内存预算{mb}，已停止；原文件已存档，请人工核查"
                "（预算见 nianbao.toml 的 parse_memory_mb）")
    if isinstance(exc, RecursionError):
        return ("文件嵌套层次过深（RecursionError），无法解析；疑似恶意构造的文件，"
                "原文件已存档，请人工核查")
    return f"解析器内部错误（{type(exc).__name__}: {exc}）；请把该文件报告给开发者"


#: words one of which every annual report's text carries (its title, its sections)
REPORT_WORDS = ("信息公开", "年度报告", "年报", "统计表")


def check_is_report(doc: Document, rec: Record) -> None:
    """Only documents become reports: text with no report structure at all is refused."""
    text = fold(doc.text())
    if rec["template"] != "unknown" or any(w in text for w in REPORT_WORDS):
        return
    size = f"只有 {len(text)} 个字" if len(text) < 200 else f"共 {len(text)} 个字"
    raise ExtractionError(
        f"文件内容不像政府信息公开工作年度报告（{size}，没有“信息公开”“年度报告”等字样，"
        "也没有统计表），未作为年报存档；请核对原链接或文件")


def _without_nul(doc: Document) -> Document:
    """NUL characters dropped before parsing: PostgreSQL text cannot hold one (the insert
    failed), no report means one, and SQLite stores the same text."""
    if "\x00" not in doc.text() and not any("\x00" in v for v in doc.meta.values()):
        return doc
    for b in doc.blocks:
        if isinstance(b, Table):
            b.rows = [[c.replace("\x00", "") for c in row] for row in b.rows]
        else:
            b.text = b.text.replace("\x00", "")
    doc.meta = {k: v.replace("\x00", "") for k, v in doc.meta.items()}
    return doc


def _read(data: bytes, content_type: str | None, filed_year: int | None,
          agency: str | None, budget: Budget) -> tuple[Document, Record]:
    from .extract import extract
    from .parse import parse_document

    try:
        doc = extract(data, content_type=content_type,
                      max_unzipped=budget.unzipped_mb * 1048576,
                      max_xml=budget.xml_mb * 1048576)
        rec = parse_document(_without_nul(doc), filed_year=filed_year, agency=agency)
        check_is_report(doc, rec)
    except Exception as e:  # noqa: BLE001 - the one error path: every failure is a reason
        raise Unreadable(describe(e, budget), traceback.format_exc()) from None
    return doc, rec


def read_report(data: bytes, *, content_type: str | None = None,
                filed_year: int | None = None, agency: str | None = None,
                budget: Budget | None = None, isolate: bool = False
                ) -> tuple[Document, Record]:
    """Extract and parse ``data``: its document and record, or :class:`Unreadable`.

    ``agency`` is the name the caller files it under (the record's agency when the text
    names none). ``isolate`` runs it in a child process under ``budget``'s memory and
    time limits (:func:`run_isolated`)."""
    budget = budget or Budget()
    if isolate:
        return run_isolated(data, content_type=content_type, filed_year=filed_year,
                            agency=agency, budget=budget)
    return _read(data, content_type, filed_year, agency, budget)


# ------------------------------------------------------------------ the child process

def _rss_and_vm() -> tuple[int, int]:
    """(resident, virtual) bytes of this process."""
    with open("/proc/self/statm") as f:
        size, resident = (int(x) for x in f.read().split()[:2])
    page = os.sysconf("SC_PAGE_SIZE")
    return resident * page, size * page


def _limit(budget: Budget) -> None:
    """Cap this process: its address space may grow by what the memory budget leaves
    over its present resident size (so its RSS stays within the budget), its CPU time by
    the time budget. Soft limits: a converter it starts may lift them for itself."""
    try:
        rss, vm = _rss_and_vm()
        grow = max(budget.memory_mb * 1048576 - rss, 64 * 1048576)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = vm + grow if hard == resource.RLIM_INFINITY else min(vm + grow, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        cpu = math.ceil(budget.seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU,
                           (cpu if hard == resource.RLIM_INFINITY else min(cpu, hard), hard))
    except (OSError, ValueError):  # no /proc or limits not settable: the timeout still holds
        pass


def _hit_limit() -> bool:
    """This process came within 32 MB of its address-space limit."""
    try:
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/status") as f:
            peak = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmPeak"))
    except (OSError, StopIteration, ValueError):
        return False
    return soft != resource.RLIM_INFINITY and peak > soft - 32 * 1048576


def _child(conn: Any, data: bytes, content_type: str | None, filed_year: int | None,
           agency: str | None, budget: Budget) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _limit(budget)
    try:
        doc, rec = _read(data, content_type, filed_year, agency, budget)
        del data
        msg: tuple[Any, ...] = ("ok", doc, rec)
    except Unreadable as e:
        # a C library (lxml, pdfium) out of memory reports a parse error of its own kind:
        # a process that reached its address-space limit failed for memory
        reason = describe(MemoryError(), budget) if _hit_limit() else e.reason
        msg = ("error", reason, e.detail)
    except BaseException as e:  # noqa: BLE001 - MemoryError while reporting, and the like
        msg = ("error", describe(e, budget), None)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    try:
        conn.send((*msg, maxrss))
    except BaseException:  # noqa: BLE001 - too big to send within the budget
        conn.send(("error", describe(MemoryError(), budget), None, maxrss))
    conn.close()


#: what the last isolated read cost: peak resident bytes of the child, seconds
last_cost: dict[str, float] = {}


#: what a child reads files with, imported before it forks: the readers import their
#: libraries lazily, and a child importing pypdfium2 and python-docx anew took 120 ms of
#: the 146 ms an isolated read cost (23 ms in process)
PRELOAD = ["archive.budget", "archive.extract", "archive.parse", "archive.extract_pdf",
           "archive.extract_html", "archive.extract_doc", "pypdfium2", "pypdfium2.raw",
           "docx", "olefile"]


def _context() -> Any:
    """fork from a single-threaded process (cheap, nothing to import again); from a
    threaded one (the crawler's ingest thread) a fork server, which forks safely."""
    if threading.active_count() == 1:
        for name in PRELOAD:
            importlib.import_module(name)
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def run_isolated(data: bytes, *, content_type: str | None = None,
                 filed_year: int | None = None, agency: str | None = None,
                 budget: Budget | None = None) -> tuple[Document, Record]:
    """:func:`read_report` in a child process limited to the budget's memory, killed at
    its time; a child that dies (out of memory, a crash in a C library) is a reason too."""
    import time

    budget = budget or Budget()
    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(send, data, content_type, filed_year, agency, budget),
                    daemon=True)
    started = time.monotonic()
    p.start()
    send.close()
    try:
        late = Unreadable(f"解析超出时间预算（{budget.seconds:g} 秒），已停止；原文件已存档，"
                          "请人工核查（预算见 nianbao.toml 的 parse_seconds）")
        if not recv.poll(budget.seconds):
            raise late
        try:
            kind, *payload, maxrss = recv.recv()
        except (EOFError, OSError):
            p.join(5)
            code = p.exitcode
            if code in (-signal.SIGXCPU, -signal.SIGKILL):
                raise late from None
            raise Unreadable(
                f"解析进程异常退出（退出码 {code}），多半是超出内存预算 {budget.memory_mb} MB "
                "或文件触发了解析库的缺陷；原文件已存档，请人工核查"
                "（预算见 nianbao.toml 的 parse_memory_mb）") from None
        last_cost.update(maxrss=maxrss, seconds=time.monotonic() - started)
        if kind == "ok":
            doc, rec = payload
            return doc, rec
        raise Unreadable(*payload)
    finally:
        recv.close()
        if p.is_alive():
            p.kill()
        p.join(5)


__all__ = ["Budget", "Unreadable", "describe", "read_report", "run_isolated",
           "check_is_report"]
