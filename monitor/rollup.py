"""The roll-up with the monitor's deadline rules: ``archive.rollup`` reads the facts, and
this module tells it when each report was due (``deadlines.agency_due``) and when it
counts as published (``deadlines.posting_date``), the same dates the alerts use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from archive import rollup as pure
from archive.models import Report

from .deadlines import agency_due, posting_date


def _posted(report: Report) -> dt.date | None:
    return posting_date(report)[0]


def facts(archive: Any, region: str | None = None,
          through: int | None = None) -> list[pure.AgencyYear]:
    """Every agency-year of ``region`` the archive knows, up to ``through`` at least."""
    return pure.load(archive, region, due=agency_due, posted=_posted, through=through)


def region_rollup(archive: Any, year: int, region: str | None = None) -> dict[str, Any]:
    """:func:`archive.rollup.rollup` of what the archive holds (every year, for the
    history)."""
    return pure.rollup(facts(archive, region, through=year), year, region)
