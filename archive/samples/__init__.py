"""Realistic, internally consistent sample reports, and the one-change breakages of them.

Tests, benchmarks and the demo need reports whose truth is known: ``sample_record``
builds a record in which every sum the validation rules check holds, with narrative text
that differs from agency to agency (so the duplicate-text rule stays quiet), and
``inject`` changes exactly what makes one finding code fire. ``archive.render`` turns a
record into the HTML/DOCX/PDF a portal would publish.

:mod:`.records` builds the reports from :mod:`.tables`, :mod:`.narrative` and, for the
pre-2019 form, :mod:`.legacy`; :mod:`.breakages` holds ``inject`` and ``restate``.
"""

from .breakages import inject, restate
from .legacy import LEGACY_HEADINGS, LEGACY_ROWS, LEGACY_SECTIONS_FOUND, fix_legacy_sums
from .narrative import body_text, narrative
from .records import clean_context, previous_record, sample_record, template_for
from .tables import retotal

__all__ = [
    "LEGACY_HEADINGS", "LEGACY_ROWS", "LEGACY_SECTIONS_FOUND", "body_text", "clean_context",
    "fix_legacy_sums", "inject", "narrative", "previous_record", "restate", "retotal",
    "sample_record", "template_for",
]
