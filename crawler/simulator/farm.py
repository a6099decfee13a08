"""A farm of simulated portals on 127.0.0.2 … 127.0.0.N, for tests, benchmarks and the demo.

``Farm(n).start()`` builds n portals across the profiles, each served by its own
``ThreadingHTTPServer`` bound to its own loopback address, plus a *trap* server on
127.0.0.1 that no careful crawler ever reaches. Every request is logged as
(host, method, path) so a test can prove nothing left the allowed hosts.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from .content import doc_files
from .portal import Portal, SimReport, _Handler
from .profiles import PROFILES

DEFAULT_MIX = ["trs_classic", "trs_1based", "hanweb_jpage", "json_api", "trs_classic_years"]
_SYL = "安宁平川河云江海山泉林石清丰和兴华阳东西南北德昌永新凤龙"
DEPTS = ["教育局", "财政局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局",
         "卫生健康委员会", "市场监督管理局", "统计局", "农业农村局", "民政局", "司法局"]


def city_name(i: int) -> str:
    n = len(_SYL)
    return _SYL[i % n] + _SYL[(i // n + 7 * i + 3) % n] + ("市" if i % 3 else "县")


@dataclass
class LogEntry:
    host: str
    method: str
    path: str
    status: int | str  # HTTP status, or "reset" / "hang" / "500" for injected failures


class _Trap(Portal):
    profile = "trap"

    def route(self, req: Any) -> Any:
        from .portal import not_found

        return not_found()


class Farm:
    """Start, mutate and stop a set of simulated portals."""

    def __init__(self, n: int = 10, *, profiles: list[str] | None = None, seed: int = 7,
                 first_ip: int = 2, hang_seconds: float = 4.0,
                 formats: tuple[str, ...] | None = None, hosts: int = 0,
                 latency: float = 0.0):
        """``hosts``: put the portals on this many addresses (several portals per host, on
        their own ports), to test politeness per host; ``latency``: seconds every answer
        takes."""
        self.rng = random.Random(seed)
        self.fail_rng = random.Random(seed + 1)
        self.fail_rate = 0.0
        #: break every portal's way to its 年报 column: "redirect_only", "no_link", "decoy"
        self.discovery_fail: str | None = None
        self.hang_seconds = hang_seconds
        self.latency = latency
        self.log: list[LogEntry] = []
        self._log_lock = threading.Lock()
        #: requests being answered per host now, and the most ever at once (politeness:
        #: a crawler must never have two in flight to one host)
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self.trap = _Trap(self, 0, "127.0.0.1", [("trap", "trap")], random.Random(0))
        self.trap.start()
        self.portals: list[Portal] = []
        mix = profiles or DEFAULT_MIX
        cities: set[str] = set()
        for i in range(n):
            prof = mix[i % len(mix)]
            city = city_name(i + seed * 31)
            while city in cities:  # past ~900 portals the two-syllable names repeat
                city = _SYL[len(cities) % len(_SYL)] + city
            cities.add(city)
            agencies = self._agencies(i, city)
            kw: dict[str, Any] = {}
            if prof == "trs_classic_years":
                prof, kw = "trs_classic", {"year_columns": True}
            cls = PROFILES[prof]
            n_ip = first_ip + (i % hosts if hosts else i)
            ip = f"127.0.0.{n_ip}" if n_ip < 255 else f"127.0.{n_ip // 254}.{n_ip % 254 + 1}"
            if formats:
                kw["formats"] = formats
            self.portals.append(cls(self, i, ip, agencies, random.Random(seed * 1000 + i), **kw))

    def _agencies(self, i: int, city: str) -> list[tuple[str, str]]:
        k = i % 4
        if k == 0:  # a city portal hosting the government and its office: longest name wins
            names = [f"{city}人民政府", f"{city}人民政府办公室"]
        elif k == 1:
            names = [f"{city}{DEPTS[i % len(DEPTS)]}"]
        elif k == 2:
            names = [f"{city}{DEPTS[i % len(DEPTS)]}", f"{city}{DEPTS[(i + 5) % len(DEPTS)]}"]
        else:
            names = [f"{city}{DEPTS[(i + 2) % len(DEPTS)]}"]
        return [(f"sim{i:03d}-{j}", name) for j, name in enumerate(names)]

    # ---------------------------------------------------------------- lifecycle

    def start(self, warm: bool = True) -> Farm:
        """Serve every portal; ``warm`` renders every report file first, so responses are
        quick and a crawler's timeouts measure the crawler, not the simulator."""
        if warm:
            docs = [r for _, r in self.reports() if r.fmt == "doc"]
            rendered = doc_files([(r.agency, r.year, r.seed, r.revision) for r in docs])
            for r, data in zip(docs, rendered, strict=True):
                r.keep("doc", data)
            for _, r in self.reports():
                if r.fmt != "huge":
                    r.file_bytes("html")
                    if r.has_file:
                        r.file_bytes()
        try:
            for p in self.portals:
                p.start()
        except BaseException:  # e.g. a fixed port taken: leave no server behind
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for p in self.portals:
            p.stop()
        self.trap.stop()

    def __enter__(self) -> Farm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def trap_url(self) -> str:
        return self.trap.root.rstrip("/")

    def take_down(self, portal: Portal) -> None:
        portal.stop()

    def bring_up(self, portal: Portal) -> None:
        portal.start()

    # ---------------------------------------------------------------- bookkeeping

    def record(self, host: str, method: str, path: str, status: int | str) -> None:
        with self._log_lock:
            self.log.append(LogEntry(host, method, path, status))

    def enter(self, host: str) -> None:
        with self._log_lock:
            self.in_flight[host] += 1
            self.max_in_flight[host] = max(self.max_in_flight[host], self.in_flight[host])

    def leave(self, host: str) -> None:
        with self._log_lock:
            self.in_flight[host] -= 1

    def clear_log(self) -> None:
        with self._log_lock:
            self.log.clear()
            self.max_in_flight.clear()

    def allowed_hosts(self) -> set[str]:
        return {h for p in self.portals for h in p.hosts}

    def requests_by_host(self) -> Counter[str]:
        return Counter(e.host for e in self.log)

    def registry(self) -> list[dict[str, Any]]:
        out = []
        for p in self.portals:
            for aid, name in p.agencies:
                kind = "government" if name.endswith("人民政府") else "department"
                out.append({"id": aid, "name": name, "kind": kind, "portal": p.root,
                            "emails": [f"{aid}@example.gov.cn"], "since": 2015})
        return out

    def write_registry(self, path: Path) -> Path:
        path.write_text(yaml.safe_dump({"agencies": self.registry()}, allow_unicode=True,
                                       sort_keys=False), encoding="utf-8")
        return path

    def reports(self) -> list[tuple[Portal, SimReport]]:
        return [(p, r) for p in self.portals for r in p.reports]

    def expected(self) -> dict[tuple[str, int], tuple[Portal, SimReport]]:
        """(agency id, year) of every report a correct crawler must archive."""
        skip = {"challenge", "closed"}
        return {(r.agency_id, r.year): (p, r) for p, r in self.reports()
                if r.expected and not r.deleted and p.profile not in skip}

    def primary_url(self, p: Portal, r: SimReport) -> str:
        return p.url(r.file_path if r.has_file and r.file_path else r.detail)


__all__ = ["Farm", "Portal", "SimReport", "_Handler", "ThreadingHTTPServer"]
