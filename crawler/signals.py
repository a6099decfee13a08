"""The crawler's own Scrapy signals (``crawler.signals.connect(handler, signal=…)``)."""

#: an item went through the ingest pipeline: ``item``, ``status`` (the archive's word for
#: what happened to it) and ``error`` (None, or why it could not be archived, in Chinese)
report_ingested = object()
