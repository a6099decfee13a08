"""Hard case of ``docs/platforms.md``: the same article reachable via two URLs, http and https.

Two simulated portals on ports 80 and 443 of their own address (``crawler.simulator.tls``):
``tls_twin`` answers both schemes with identical pages that link the same reports either
way (the newest pinned once per scheme, attachments by absolute https URL or an https
``<base>``); ``tls_https`` 301s every plain-http page to https although the registry says
``http://``. Beside them an ordinary portal on a random port. Users rely on each report
being archived once (one report, one source, one file — not a twin per scheme) under the
scheme the portal answers on, and on a quiet second night costing conditional requests,
not a second copy of every page over the other scheme.
"""

from __future__ import annotations

import ssl
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import query
from portal_sim import crawl, crawl_farm_once, report_paths, reports

from crawler.simulator import Farm
from crawler.simulator.portal import PortUnavailable
from crawler.simulator.tls import certificate_authority

pytestmark = pytest.mark.slow

PROFILES = ["tls_twin", "tls_https", "trs_classic"]


def start_farm() -> Farm:
    farm = Farm(len(PROFILES), profiles=PROFILES, seed=5, first_ip=60)
    try:
        return farm.start()
    except PortUnavailable as e:
        pytest.skip(f"ports 80/443 of a loopback address cannot be bound: {e}")


def without_scheme(url: str) -> str:
    u = urlsplit(url)
    port = "" if u.port in (None, 80, 443) else f":{u.port}"
    return f"{(u.hostname or '').lower()}{port}{u.path}?{u.query}"


def scheme_twins(urls: list[str]) -> list[list[str]]:
    """Groups of distinct URLs that differ only by scheme (and default port)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for u in urls:
        groups[without_scheme(u)].add(u)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def test_http_and_https_twins_are_one_site(tmp_path: Path) -> None:
    farm = start_farm()
    try:
        by_profile = {p.profile: p for p in farm.portals}
        twin, https = by_profile["tls_twin"], by_profile["tls_https"]
        assert twin.root == f"http://{twin.ip}/" and twin.tls_host == f"{twin.ip}:443"
        # the same page on both schemes, under a certificate the test can trust
        ctx = ssl.create_default_context()
        certificate_authority().configure_trust(ctx)
        col = twin.column + twin.list_name(0)  # type: ignore[attr-defined]
        with urllib.request.urlopen(twin.url(col), timeout=10) as plain, \
                urllib.request.urlopen(twin.tls_url(col), timeout=10, context=ctx) as tls:
            listing = plain.read()
            assert listing == tls.read()
        page0 = listing.decode("utf-8")
        assert f"href=\"https://{twin.ip}/" in page0 and f"href=\"http://{twin.ip}/" in page0
        with urllib.request.urlopen(https.url("/"), timeout=10, context=ctx) as moved:
            assert moved.url == https.tls_url("/")
        farm.clear_log()

        data, out, expected, got = crawl_farm_once(farm, tmp_path)
        answers = {twin.host: twin.url, https.host: https.tls_url}
        for key, (portal, r) in expected.items():
            path = r.file_path if r.has_file and r.file_path else r.detail
            want = answers.get(portal.host, portal.url)(path)
            assert got[key]["url"] == want, key  # under the scheme the portal answers on
            assert got[key]["agency"] == r.agency, key
            for f in got[key]["files"]:
                scheme = urlsplit(f["url"]).scheme
                assert scheme == urlsplit(want).scheme, (key, f["url"])

        # the archive holds one source and one file per page, never a twin per scheme
        for table in ("sources", "report_files", "report_versions"):
            urls = [u for (u,) in query(data, f"SELECT url FROM {table}") if u]
            assert urls and scheme_twins(urls) == [], table
        assert query(data, "SELECT COUNT(*) FROM reports")[0][0] == len(expected)

        # nothing fetched under both schemes; each portal fetched under the scheme it answers
        assert [e for e in farm.log if e.host not in farm.allowed_hosts()] == []
        for portal, other in ((twin, twin.tls_host), (https, https.host)):
            mine = {e.path for e in farm.log if e.host in portal.hosts and e.host != other}
            theirs = [e for e in farm.log if e.host == other and e.path != "/robots.txt"]
            if portal is https:  # only the registry's http:// homepage, answered by a 301
                assert [(e.path, e.status) for e in theirs] == [("/", 301)], theirs
            else:
                assert theirs == [], [(e.path, e.status) for e in theirs]
            assert {e.path for e in theirs} <= mine
            assert any(r.has_file for r in portal.reports)

        # ---- night 2: nothing changed — nothing new, nothing removed, little fetched
        first = {k: [v["sha256"] for v in g["versions"]] for k, g in got.items()}
        farm.clear_log()
        rc, out, stderr = crawl(data, tmp_path / "registry.yaml")
        assert rc == 0, stderr[-3000:]
        rows = {p["portal"]: p for p in out["portals"]}
        assert all(rows[p.root]["outcome"] == "ok" for p in farm.portals), rows
        again = reports(data)
        assert {k: [v["sha256"] for v in g["versions"]] for k, g in again.items()} == first
        assert [e for e in farm.log if e.host not in farm.allowed_hosts()] == []
        portal_of = {h: p for p in farm.portals for h in p.hosts}
        reportish = {(h, path) for host, path in report_paths(farm)
                     for h in portal_of[host].hosts}
        listing = sum(1 for e in farm.log if (e.host, e.path) not in reportish
                      and e.path not in ("/robots.txt", "/", "/index.html"))
        not_304 = [e for e in farm.log if e.status != 304]
        assert listing > 0 and len(not_304) <= 1.2 * listing, (len(not_304), listing)
        assert {e.status for e in farm.log if (e.host, e.path) in reportish} <= {304, 302}
        # the other scheme: robots.txt at most; the https site's remembered column is https
        assert [e.path for e in farm.log if e.host == twin.tls_host] in ([], ["/robots.txt"])
        assert [(e.path, e.status) for e in farm.log if e.host == https.host
                and e.path != "/robots.txt"] == []
        # nothing taken for removed: neither a report nor any of its pages and files (a page
        # listed only under the other scheme is still listed)
        gone = query(data, "SELECT url, removed_reason FROM sources "
                           "WHERE removed_on IS NOT NULL ORDER BY url")
        assert gone == [], gone
        assert [k for k, g in again.items() if g.get("removed_on")] == []
    finally:
        farm.stop()
