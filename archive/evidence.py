"""Evidence of publication: one report's bundle for a 复议/诉讼 file or another archive.

``build(archive, agency, year, out)`` writes into ``out``:

- ``evidence.warc.gz``: a warcinfo record, then, copied byte for byte from the nights'
  WARC files (``archive/warc.py``), the request and response records of every exchange
  that matters: each version of the report as first served, each report URL (files and
  detail page) as first and last fetched (a 304, a 404 included), and the listing page the
  report was reached from as seen the night it was first found and the last night.
  Exchanges made before WARC was written are ``resource`` records of the archived bytes
  (the body only, without the HTTP headers), and the bundle says so.
- ``files/``: each version's files as served, to open without WARC tools.
- ``manifest.json``: the report (first seen, last seen, removed on), its versions, every
  exchange with its time, status, sha256 and where it is in the bundle's WARC, the sha256
  of every other file, the nianbao version.
- ``证据说明.html``: the same in Chinese, for people.
- ``SHA256SUMS``: every file, the manifest included (``sha256sum -c SHA256SUMS`` works).

``verify(dir)`` re-hashes every file against both lists and names each mismatch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from .extract import sniff
from .models import Agency, Fetch, Report, Source
from .store import Archive
from .warc import WARC_DIR, read_records, resource_record, software, warc_date, warcinfo_record

FORMAT = "nianbao-evidence/1"
WARC_NAME = "evidence.warc.gz"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
README = "证据说明.html"
EXT = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "html": ".html", "text": ".txt",
       "zip": ".zip", "xlsx": ".xlsx", "wps": ".wps", "ole": ".doc"}
ROLE_CN = {"attachment": "年报文件", "page": "详情页", "other_format": "其他格式版本",
           "image_copy": "图片版", "report": "年报文件", "listing": "栏目列表页",
           "redirect": "下载跳转链接"}


class NotFound(LookupError):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _iso(t: dt.datetime | dt.date | None) -> str | None:
    if t is None:
        return None
    if isinstance(t, dt.datetime):
        return t.replace(microsecond=0).isoformat() + "Z"
    return t.isoformat()


@dataclass
class Pick:
    """One fetch chosen for the bundle, and why."""

    fetch: Fetch
    why: list[str] = field(default_factory=list)
    sha: str | None = None  # the body's sha256 when known (a version's file)


def build(archive: Archive, agency_id: str, year: int, out: Path) -> dict[str, Any]:
    out = Path(out)
    with archive.Session() as s:
        agency = s.get(Agency, agency_id)
        report = s.scalar(select(Report).where(Report.agency_id == agency_id,
                                               Report.year == year))
        if agency is None or report is None:
            raise NotFound(f"存档中没有 {agency_id} 的 {year} 年度报告")
        versions = [(v, list(v.files)) for v in report.versions]
        sources = list(s.scalars(select(Source).where(Source.agency_id == agency_id,
                                                      Source.year == year)))
        urls = {f.url for _, fs in versions for f in fs if f.url} | {x.url for x in sources}
        fetches = list(s.scalars(select(Fetch).where(Fetch.url.in_(urls))
                                 .order_by(Fetch.fetched_at, Fetch.id))) if urls else []
        picks: dict[int, Pick] = {}

        def pick(f: Fetch | None, why: str, sha: str | None = None) -> None:
            if f is None:
                return
            p = picks.setdefault(f.id, Pick(f))
            if why not in p.why:
                p.why.append(why)
            p.sha = p.sha or sha or f.sha256

        # each version as first served: the first fetch of each of its files with its bytes
        version_rows = []
        for v, files in versions:
            vfiles: list[dict[str, Any]] = []
            for rf in files:
                hits = [f for f in fetches if f.url == rf.url and f.sha256 == rf.sha256]
                if not hits:  # a copy fetched beside the file: its fetch row has no hash
                    hits = [f for f in fetches if f.url == rf.url and f.status == 200
                            and f.fetched_at >= v.first_seen - dt.timedelta(hours=1)]
                first = hits[0] if hits else None
                pick(first, f"第{v.seq}版{ROLE_CN.get(rf.role, rf.role)}首次采集", rf.sha256)
                vfiles.append({"url": rf.url, "role": rf.role, "sha256": rf.sha256,
                               "fetch_id": first.id if first else None})
            version_rows.append((v, vfiles))
        # every report URL as first and last fetched
        for url in sorted(urls):
            mine = [f for f in fetches if f.url == url and (f.status or f.error)]
            if mine:
                role = next((x.role for x in sources if x.url == url), "report")
                pick(mine[0], f"{ROLE_CN.get(role, role)}首次采集")
                pick(mine[-1], f"{ROLE_CN.get(role, role)}最近一次采集")
        # the listing the report was reached from (the Referer of its first request)
        listing = _listing_url(archive, picks.values(), urls) or agency.column
        first_seen = min([f.fetched_at for f in fetches] + [report.first_seen])
        if listing:
            lf = list(s.scalars(select(Fetch).where(Fetch.url == listing,
                                                    Fetch.status.is_not(None))
                                .order_by(Fetch.fetched_at, Fetch.id)))
            before = [f for f in lf if f.fetched_at <= first_seen]
            pick(before[-1] if before else (lf[0] if lf else None), "栏目列表页（首次发现该报告时）")
            pick(lf[-1] if lf else None, "栏目列表页（最近一次采集）")
        seen = [x.last_seen for x in sources if x.last_seen]
        last_seen = max(seen) if seen else None
        report_row = {"first_seen": _iso(first_seen), "last_seen": _iso(last_seen),
                      "posted_on": _iso(report.posted_on), "removed_on": _iso(report.removed_on)}
        agency_row = {"id": agency.id, "name": agency.name, "portal": agency.portal,
                      "column": agency.column}
        page_rows = [{"url": x.url, "role": x.role, "first_seen": _iso(x.first_seen),
                      "last_seen": _iso(x.last_seen), "removed_on": _iso(x.removed_on),
                      "removed_reason": x.removed_reason} for x in sources]

    out.mkdir(parents=True, exist_ok=True)
    (out / "files").mkdir(exist_ok=True)
    tz = archive.settings.timezone
    created = dt.datetime.now(dt.UTC)
    exchanges: list[dict[str, Any]] = []
    with open(out / WARC_NAME, "wb") as w:
        w.write(warcinfo_record(WARC_NAME, {
            "software": software(), "format": "WARC File Format 1.1",
            "description": f"nianbao 证据包：{agency_row['name']}（{agency_id}）{year} 年度报告",
            "isPartOf": f"{agency_id}-{year}", "created": warc_date(created)}))
        for p in sorted(picks.values(), key=lambda p: (p.fetch.fetched_at, p.fetch.id)):
            exchanges.append(_copy(archive, p, w))
    version_out = []
    for v, vfiles in version_rows:
        for f in vfiles:
            data = archive.blobs.get(f["sha256"])
            name = f"files/v{v.seq}-{f['role']}-{f['sha256'][:12]}" \
                   f"{EXT.get(sniff(data) or '', '.bin')}"
            (out / name).write_bytes(data)
            f["path"] = name
        version_out.append({"seq": v.seq, "sha256": v.sha256, "url": v.url,
                            "first_seen": _iso(v.first_seen),
                            "published_on": _iso(v.published_on), "title": v.title,
                            "files": vfiles})
    basis = {e["source"] for e in exchanges if e["source"] != "none"}
    complete = basis == {"warc"}
    manifest: dict[str, Any] = {
        "format": FORMAT, "nianbao_version": software().split("/", 1)[-1],
        "created_at": _iso(created.replace(tzinfo=None)), "timezone": tz,
        "agency": agency_row, "year": year, "report": report_row, "versions": version_out,
        "pages": page_rows, "exchanges": exchanges, "warc": WARC_NAME,
        "warc_complete": complete,
        "note": None if complete else (
            "本报告的部分或全部采集发生在 nianbao 开始写 WARC 之前：这些采集只有存档的文件内容"
            "（WARC resource 记录，无 HTTP 请求与响应头）和数据库中的采集记录（时间、状态码、"
            "SHA-256）。"),
    }
    (out / README).write_text(_html(manifest), encoding="utf-8")
    manifest["files"] = {name: sha256((out / name).read_bytes()) for name in _files(out)
                         if name not in (MANIFEST, SUMS)}
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    (out / MANIFEST).write_text(text, encoding="utf-8")
    sums = {**manifest["files"], MANIFEST: sha256(text.encode("utf-8"))}
    (out / SUMS).write_text("".join(f"{h}  {n}\n" for n, h in sorted(sums.items())),
                            encoding="utf-8")
    return manifest


def _files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def _listing_url(archive: Archive, picks: Any, urls: set[str]) -> str | None:
    """The page that linked the report: the Referer of the earliest request of a report
    URL that came from outside the report's own URLs."""
    for p in sorted(picks, key=lambda p: (p.fetch.fetched_at, p.fetch.id)):
        f = p.fetch
        path = archive.data_dir / WARC_DIR / f.warc_file if f.warc_file else None
        if path is None or f.warc_offset is None or not path.exists():
            continue
        try:
            recs = read_records(path, f.warc_offset, 1)
        except Exception:  # noqa: BLE001 - a damaged night's file: no Referer from it
            continue
        ref = next((v for k, v in (recs[0].headers.items() if recs else [])
                    if k.lower() == "referer"), None)
        if ref and ref not in urls:
            return ref
    return None


def _copy(archive: Archive, p: Pick, w: Any) -> dict[str, Any]:
    """Copy the fetch's records into the bundle's WARC (or a resource record of its bytes)."""
    f = p.fetch
    row: dict[str, Any] = {
        "fetch_id": f.id, "url": f.url, "fetched_at": _iso(f.fetched_at), "status": f.status,
        "error": f.error, "sha256": None, "why": p.why, "source": "none",
        "warc_offset": None, "records": [], "original": None}
    path = archive.data_dir / WARC_DIR / f.warc_file if f.warc_file else None
    if path is not None and f.warc_offset is not None and path.exists():
        recs = read_records(path, f.warc_offset, 2)
        if [r.type for r in recs] == ["request", "response"] and recs[0].uri == f.url:
            row["warc_offset"] = w.tell()
            for r in recs:
                w.write(r.raw)
            resp = recs[1]
            row.update(source="warc", original=f"{f.warc_file}@{f.warc_offset}",
                       records=[r.record_id for r in recs], status=resp.status,
                       response_headers=resp.headers,
                       request_headers=recs[0].headers,
                       payload_sha256=sha256(resp.payload) if resp.payload else None)
            row["sha256"] = row["payload_sha256"] or (f.sha256 if resp.status == 304 else None)
            return row
    sha = p.sha or f.sha256
    if sha and archive.blobs.exists(sha):
        data = archive.blobs.get(sha)
        row["warc_offset"] = w.tell()
        w.write(resource_record(f.url, data, f.fetched_at, None,
                                "archived bytes only: fetched before nianbao wrote WARC"))
        row.update(source="blob", sha256=sha)
    return row


# ---------------------------------------------------------------- verify

_SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")


def verify(bundle: Path) -> list[str]:
    """Every problem found, each naming its file; empty when the bundle is intact."""
    bundle = Path(bundle)
    problems: list[str] = []
    sums: dict[str, str] = {}
    try:
        text = (bundle / SUMS).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return [f"{SUMS}：无法读取（{e}）"]
    for i, line in enumerate(text.splitlines(), 1):
        m = _SUM_LINE.match(line)
        if not m:
            problems.append(f"{SUMS}：第 {i} 行无法解析，文件被改动")
            continue
        sums[m.group(2)] = m.group(1)
    if not text.endswith("\n"):
        problems.append(f"{SUMS}：末尾被改动")
    for name, want in sorted(sums.items()):
        problems += _check(bundle, name, want, SUMS)
    try:
        manifest = json.loads((bundle / MANIFEST).read_bytes().decode("utf-8"))
        listed = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        return [*problems, f"{MANIFEST}：无法读取（{e}）"]
    if MANIFEST not in sums:
        problems.append(f"{SUMS} 未列出 {MANIFEST}")
    for name, want in sorted(listed.items()):
        if sums.get(name) != want:
            problems.append(f"{name}：{MANIFEST} 与 {SUMS} 记录的 SHA-256 不一致")
        problems += _check(bundle, name, want, MANIFEST)
    for name in _files(bundle):
        if name != SUMS and name not in sums and name not in listed:
            problems.append(f"{name}：不在清单中（多出的文件）")
    for v in manifest.get("versions", []):
        for f in v.get("files", []):
            if f.get("path") and f["path"] in listed and listed[f["path"]] != f["sha256"]:
                problems.append(f"{f['path']}：与第{v['seq']}版记录的 SHA-256 不一致")
    return sorted(set(problems), key=problems.index)


def _check(bundle: Path, name: str, want: str, where: str) -> list[str]:
    p = bundle / name
    if ".." in Path(name).parts or not p.is_file():
        return [f"{name}：{where} 列出的文件不存在"]
    got = sha256(p.read_bytes())
    if got != want:
        return [f"{name}：SHA-256 不符（{where} 记录 {want[:16]}…，实际 {got[:16]}…）"]
    return []


# ---------------------------------------------------------------- 证据说明.html


def _local(iso: str | None, tz: str) -> str:
    if not iso:
        return "—"
    if len(iso) == 10:
        return iso
    t = dt.datetime.fromisoformat(iso.rstrip("Z")).replace(tzinfo=dt.UTC)
    return t.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M:%S")


def _html(m: dict[str, Any]) -> str:
    e = html.escape
    tz = m["timezone"]
    a, r = m["agency"], m["report"]
    rows = []
    for x in m["exchanges"]:
        src = {"warc": "WARC 请求+响应记录", "blob": "仅存档文件（WARC resource 记录）",
               "none": "仅采集记录"}[x["source"]]
        if x["warc_offset"] is not None:
            src += f"，偏移 {x['warc_offset']}"
        rows.append(
            f"<tr><td>{e(_local(x['fetched_at'], tz))}</td><td>{e(x['url'])}</td>"
            f"<td style=\"white-space:nowrap\">"
            f"{x['status'] if x['status'] is not None else e(x.get('error') or '—')}</td>"
            f"<td><code>{e(x['sha256'] or '—')}</code></td><td>{e('；'.join(x['why']))}</td>"
            f"<td>{src}</td></tr>")
    vers = []
    for v in m["versions"]:
        files = "<br>".join(f"{e(ROLE_CN.get(f['role'], f['role']))}：<a href=\"{e(f['path'])}\">"
                            f"{e(f['path'])}</a>" for f in v["files"])
        vers.append(f"<tr><td>第{v['seq']}版</td><td>{e(_local(v['first_seen'], tz))}</td>"
                    f"<td>{e(v['url'] or '—')}</td><td><code>{e(v['sha256'])}</code></td>"
                    f"<td>{files}</td></tr>")
    note = (f"<p class=\"note\"><strong>说明：</strong>{e(m['note'])}</p>" if m["note"] else
            "<p>本证据包中的每一次采集都有 WARC 请求记录和响应记录，原样复制自 nianbao 每晚的"
            "采集 WARC 文件，包含服务器返回的状态行、全部响应头和原始字节。</p>")
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>证据说明：{e(a['name'])} {m['year']} 年度报告</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto;line-height:1.6}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #999;padding:4px;
vertical-align:top;word-break:break-all;font-size:90%}}td:first-child{{white-space:nowrap}}
.note{{background:#fff3cd;padding:8px}}
</style></head><body>
<h1>证据说明</h1>
<p>{e(a['name'])}（{e(a['id'])}）政府信息公开工作{m['year']}年度报告的发布情况，由 nianbao
{e(m['nianbao_version'])} 于 {e(_local(m['created_at'], tz))}（{e(tz)}）根据其存档生成。
时间均为 {e(tz)} 时间。</p>
<h2>概要</h2>
<ul>
<li>门户网站：{e(a['portal'] or '—')}；年报栏目：{e(a['column'] or '—')}</li>
<li>首次发现：{e(_local(r['first_seen'], tz))}</li>
<li>最近一次见到：{e(_local(r['last_seen'], tz))}</li>
<li>门户网站标注的发布日期：{e(r['posted_on'] or '—')}</li>
<li>删除日期：{e(r['removed_on'] or '未删除（最近一次采集时仍在）')}</li>
<li>版本数：{len(m['versions'])}</li>
</ul>
{note}
<h2>各版本</h2>
<table><tr><th>版本</th><th>首次采集</th><th>地址</th><th>SHA-256</th><th>文件</th></tr>
{''.join(vers)}</table>
<h2>采集记录</h2>
<p>下表每一行是一次采集（HTTP 请求及服务器的响应）。“偏移”是该记录在
<code>{e(m['warc'])}</code> 中的字节位置。状态 304 表示服务器确认内容与上次相同（未重新发送）。</p>
<table><tr><th>时间</th><th>地址</th><th>状态</th><th>内容 SHA-256</th><th>用途</th><th>记录</th></tr>
{''.join(rows)}</table>
<h2>如何核验</h2>
<ol>
<li><code>sha256sum -c SHA256SUMS</code>，或 <code>nianbao evidence --verify 本目录</code>：
逐一核对每个文件的 SHA-256（含 <code>manifest.json</code>）。</li>
<li><code>warcio check {e(m['warc'])}</code>：核对 WARC 中每条记录的内容摘要；
<code>warcio index {e(m['warc'])}</code> 列出各条记录。</li>
<li><code>files/</code> 目录中是各版本的文件本身，可直接打开。</li>
</ol>
</body></html>
"""
