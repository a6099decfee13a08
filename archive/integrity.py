"""The archive checks itself: every blob re-hashed, every row's hash on disk
(``nianbao fsck``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .blobs import BlobStore
from .models import Blob, Fetch, ReportFile, ReportVersion


class Integrity:
    """A part of :class:`archive.store.Archive`."""

    Session: sessionmaker[Session]
    blobs: BlobStore

    def fsck(self) -> list[dict[str, str]]:
        """Re-hash every blob and check that every row's hash names a blob on disk."""
        problems: list[dict[str, str]] = []
        seen: set[str] = set()
        for sha in self.blobs:
            seen.add(sha)
            if not self.blobs.verify(sha):
                problems.append({"kind": "corrupt_blob", "sha256": sha,
                                 "message": f"blob {sha} 内容与其哈希不符（磁盘损坏或被改动）"})
        with self.Session() as s:
            refs: list[tuple[str, str | None]] = []
            refs += [("blobs", x) for x in s.scalars(select(Blob.sha256))]
            refs += [("fetches", x) for x in s.scalars(select(Fetch.sha256))]
            refs += [("report_versions", x) for x in s.scalars(select(ReportVersion.sha256))]
            refs += [("report_files", x) for x in s.scalars(select(ReportFile.sha256))]
            for table, ref in refs:
                if ref is None:
                    continue
                sha = ref
                if sha not in seen and not self.blobs.exists(sha):
                    problems.append({"kind": "missing_blob", "sha256": sha,
                                     "message": f"{table} 中的记录指向不存在的 blob {sha}"})
        return problems
