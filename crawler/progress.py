"""Progress on stderr (rich): portals done, reports found, bytes downloaded."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress


class Progress:
    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.found = 0
        self.new = 0
        self.bytes = 0
        self.unreachable = 0
        self._p: RichProgress | None = None
        self._task: TaskID | None = None

    def start(self, portals: int) -> None:
        if not self.enabled:
            return
        console = Console(file=sys.stderr)
        self._p = RichProgress(TextColumn("站点"), BarColumn(), MofNCompleteColumn(),
                               TextColumn("{task.description}"), TimeElapsedColumn(),
                               console=console, transient=False,
                               disable=not console.is_terminal)
        self._task = self._p.add_task(self._desc(), total=portals)
        self._p.start()

    def _desc(self) -> str:
        return (f"报告 {self.found}（新 {self.new}） 无法访问 {self.unreachable} "
                f"下载 {self.bytes / 1e6:.1f} MB")

    def portal_done(self, outcome: str, nbytes: int) -> None:
        self.bytes += nbytes
        self.unreachable += outcome == "unreachable"
        if self._p is not None and self._task is not None:
            self._p.update(self._task, advance=1, description=self._desc())

    def report_found(self, status: str) -> None:
        self.found += 1
        self.new += status in ("new", "new_version")
        if self._p is not None and self._task is not None:
            self._p.update(self._task, description=self._desc())

    def stop(self) -> None:
        if self._p is not None:
            self._p.stop()
            self._p = None
