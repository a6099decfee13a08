"""Downloader middlewares: address guard, retry with backoff, conditional requests."""
