"""Which other agencies' narratives of a year might be copies of a report's: the candidates
the DUPLICATE_TEXT rule (``archive/validate.py``) then compares exactly.

Comparing a report with every other report of its year costs one shingle set per other
report: at 1,300 agencies that was half a second per ingest and the night grew with the
square of the province. Instead each process keeps, per report version (versions never
change), a sample of its shingles: those whose hash is divisible by :data:`RATE`. The
sample is taken by value, not by position, so the sample of the shared part of two texts
is the shared part of their samples, and the sampled share estimates the true one. A
report is a candidate when the estimate reaches :data:`CANDIDATE` (well under the rule's
0.8), or when either sample is too small to estimate from; only candidates' narratives are
read and compared exactly. A version's sample is a sorted array of 8-byte hashes, about
1 KB for a 1,000-character narrative (a frozenset of the same was 12 KB: at 100,000
reports a year that is 1.2 GB against 100 MB per crawl process).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Agency, Report, ReportVersion
from .validate import comparable, shingles

RATE = 8
CANDIDATE = 0.5
#: samples smaller than this estimate too coarsely: such a pair is always compared
MIN_SAMPLE = 40


@dataclass(frozen=True)
class Sketch:
    sample: array[int]  # the sampled shingle hashes, each once, sorted
    comparable: bool  # long enough for the rule to compare at all

    @cached_property
    def members(self) -> frozenset[int]:
        """The sample as a set, made only for the one report being compared (``a`` in
        :func:`maybe_copied`); the kept sketches stay arrays."""
        return frozenset(self.sample)


def sketch(text: str) -> Sketch:
    return Sketch(array("q", sorted({h for h in shingles(text) if h % RATE == 0})),
                  comparable(text))


def maybe_copied(a: Sketch, b: Sketch) -> bool:
    """Whether ``b`` might be a copy of ``a`` (or ``a`` of ``b``); ``a`` is the new report."""
    if not (a.comparable and b.comparable):
        return False
    small = min(len(a.sample), len(b.sample))
    if small < MIN_SAMPLE:
        return True
    return len(a.members.intersection(b.sample)) >= CANDIDATE * small


_NARRATIVE = ReportVersion.record[("provenance", "narrative")].as_string()


class NarrativeIndex:
    """Per process: the sketches of the versions seen so far, keyed by version id."""

    def __init__(self) -> None:
        self._sketches: dict[int, Sketch] = {}

    def candidates(self, s: Session, year: int, agency_id: str,
                   narrative: str) -> list[tuple[str, str]]:
        """(agency name, narrative) of every other agency's latest version of ``year``
        whose narrative might share most of its text with ``narrative``."""
        mine = sketch(narrative)
        if not mine.comparable:
            return []
        latest = (select(func.max(ReportVersion.id).label("id"))
                  .join(Report, Report.id == ReportVersion.report_id)
                  .where(Report.year == year, Report.agency_id != agency_id)
                  .group_by(ReportVersion.report_id).subquery())
        ids = list(s.scalars(select(latest.c.id)))
        missing = [i for i in ids if i not in self._sketches]
        for chunk in range(0, len(missing), 500):
            q = select(ReportVersion.id, _NARRATIVE).where(
                ReportVersion.id.in_(missing[chunk:chunk + 500]))
            for vid, text in s.execute(q):
                self._sketches[vid] = sketch(text or "")
        hits = [i for i in ids if maybe_copied(mine, self._sketches[i])]
        if not hits:
            return []
        q = (select(Agency.name, _NARRATIVE)
             .join(Report, Report.id == ReportVersion.report_id)
             .join(Agency, Agency.id == Report.agency_id)
             .where(ReportVersion.id.in_(hits)).order_by(Agency.id))
        return [(name, text or "") for name, text in s.execute(q)]
