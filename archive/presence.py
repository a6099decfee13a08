"""Which reports a portal still shows: the sources a night found tie to their report
(present), and those a portal took down mark it removed (``REPORT_REMOVED``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from .models import Report, Source, utcnow


class Presence:
    """A part of :class:`archive.store.Archive`."""

    Session: sessionmaker[Session]

    def claim(self, urls: list[tuple[str, str]], agency_id: str, year: int,
              posted_on: dt.date | None) -> None:
        """Tie sources to their report and mark them (and the report) present."""
        now = utcnow()
        with self.Session.begin() as s:
            for url, role in urls:
                src = s.scalar(select(Source).where(Source.url == url))
                if src is None:
                    src = Source(url=url, first_seen=now)
                    s.add(src)
                src.role, src.agency_id, src.year = role, agency_id, year
                src.last_seen, src.removed_on, src.removed_reason = now, None, None
                if posted_on and not src.posted_on:
                    src.posted_on = posted_on
            rep = s.scalar(select(Report).where(Report.agency_id == agency_id,
                                                Report.year == year))
            if rep is not None:
                rep.removed_on = None
                rep.note_posted(posted_on)

    def remove(self, agency_ids: list[str], keep: set[str], gone: dict[str, str],
               complete: bool, today: dt.date) -> list[tuple[str, int]]:
        """Mark sources gone (404/410 always; absent from listings only when ``complete``);
        returns the reports that have no source left and are now marked removed."""
        removed: list[tuple[str, int]] = []
        with self.Session.begin() as s:
            q = select(Source).where(Source.agency_id.in_(agency_ids), Source.removed_on.is_(None))
            touched: set[tuple[str, int]] = set()
            for src in s.scalars(q):
                if src.url in gone:
                    reason = gone[src.url]
                elif complete and src.url not in keep:
                    reason = "不再出现在栏目列表中"
                else:
                    continue
                src.removed_on, src.removed_reason = today, reason
                if src.agency_id and src.year:
                    touched.add((src.agency_id, src.year))
            s.flush()
            for agency_id, year in touched:
                live = s.scalar(select(Source.id).where(
                    Source.agency_id == agency_id, Source.year == year,
                    Source.removed_on.is_(None)))
                if live is None:
                    s.execute(update(Report).where(Report.agency_id == agency_id,
                                                   Report.year == year,
                                                   Report.removed_on.is_(None))
                              .values(removed_on=today))
                    removed.append((agency_id, year))
        return removed
