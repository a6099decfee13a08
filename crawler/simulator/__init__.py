"""Simulated government portals (real HTTP servers on 127.0.0.x) for tests, benchmarks and
``nianbao demo``; it lives inside the installed package because the demo needs it at runtime."""

from . import tls  # noqa: F401 - registers the http+https profiles
from .farm import Farm
from .portal import Portal, SimReport

__all__ = ["Farm", "Portal", "SimReport"]
