"""How the report file itself is published (``docs/platforms.md``): shown in a PDF
viewer, scanned or WPS-only, or beside decoy files labelled like it (all gzip-encoded)."""

from __future__ import annotations

import datetime as dt
import gzip
import html
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from ..portal import Request, Response, SimReport, not_found
from .markup import CTYPES, page
from .trs import TrsClassic


class EmbeddedPdf(TrsClassic):
    """The PDF shown in the page: pdf.js ``viewer.html?file=``, ``<embed>``, ``<iframe>``."""

    profile = "embedded_pdf"
    formats = ("pdf", "both", "html")
    VIEWER = "/pdfjs/web/viewer.html"

    def place(self, r: SimReport) -> None:
        super().place(r)
        if r.file_path:
            r.file_path = r.file_path[:-4] + ".pdf"  # no ".PDF" here: the viewer is the case
            r.attachment = r.attachment[:-4] + ".pdf" if r.attachment else None
            self.styles = getattr(self, "styles", {})
            self.styles[r.doc_id] = len(self.styles) % 3  # each way, in turn

    def attach_html(self, r: SimReport) -> str:
        if not r.attachment or not r.file_path:
            return ""
        style = self.styles[r.doc_id]
        viewer = f"{self.VIEWER}?file={quote(r.file_path, safe='')}"
        if style == 0:
            return f"<iframe src=\"{viewer}\" width=\"100%\" height=\"900\"></iframe>"
        if style == 1:
            return (f"<embed src=\"{r.attachment}\" type=\"application/pdf\" width=\"100%\" "
                    "height=\"900\">")
        return (f"<p><a href=\"{viewer}\" target=\"_blank\">在线阅读</a></p>"
                f"<iframe src=\"{r.attachment}#toolbar=0\" width=\"100%\"></iframe>")

    def route(self, req: Request) -> Response:
        if req.path == self.VIEWER:
            return Response(body=page("PDF.js viewer", "<div id=\"viewerContainer\"></div>"
                                      "<script src=\"viewer.js\"></script>").encode())
        return super().route(req)


class DecoyGzip(TrsClassic):
    """Everything gzip-encoded though no ``Accept-Encoding`` was sent; list rows carrying a
    索引号 ``2026-02-00018`` beside a ``2026年08月30日`` date, detail pages with no 发布时间;
    ``.xls/.zip/.rar/.ofd`` decoys labelled like the report beside the real file."""

    profile = "decoy_gzip"
    formats = ("pdf", "html", "docx", "both")
    DECOYS = (("xls", "统计表", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1decoy-xls"),
              ("zip", "（打包下载）", b"PK\x03\x04decoy-zip"),
              ("rar", "（压缩包）", b"Rar!\x1a\x07\x00decoy-rar"),
              ("ofd", "（版式文件）", b"PK\x03\x04decoy-ofd"))

    def decoy_paths(self, r: SimReport) -> list[tuple[str, str, bytes]]:
        stem = r.detail[: -len(".html")]
        return [(f"{stem}_{n}.{ext}", label, data) for n, (ext, label, data)
                in enumerate(self.DECOYS)]

    def detail(self, r: SimReport) -> str:
        made = r.posted - dt.timedelta(days=4)
        decoys = "".join(f"<p><a href=\"{p.rsplit('/', 1)[1]}\">附件{n + 1}：{html.escape(r.title)}"
                         f"{label}</a></p>" for n, (p, label, _) in enumerate(self.decoy_paths(r)))
        body = r.file_bytes("html").decode("utf-8") if r.fmt in ("html", "both") else (
            f"<p>{html.escape(r.title)}全文详见附件。</p>")
        meta = (f"<div class=\"xxgk\">索引号：{made:%Y-%m}-{r.doc_id % 100000:05d} "
                f"成文日期：{made.year}年{made.month:02d}月{made.day:02d}日</div>")
        return page(r.title, f"{meta}<div class=\"TRS_Editor\">{body}</div>{decoys}"
                             f"{self.attach_html(r)}")

    def list_rows(self, items: list[tuple[str, str, dt.date]], k: int) -> str:
        rows = []
        for n, (title, href, d) in enumerate(items):
            made = d - dt.timedelta(days=4)
            rows.append(f"<tr><td>{made:%Y-%m}-{k * 10 + n:05d}</td><td><a href=\"{href}\">"
                        f"{html.escape(title)}</a></td><td>{d.year}年{d.month:02d}月{d.day:02d}日"
                        f"</td></tr>")
        return f"<table class=\"list\">{''.join(rows)}</table>"

    def route(self, req: Request) -> Response:
        for r in self.live():
            for p, _, data in self.decoy_paths(r):
                if p == req.path:
                    return self.gzip(Response(body=data, ctype="application/octet-stream"))
        return self.gzip(super().route(req))

    @staticmethod
    def gzip(resp: Response) -> Response:
        if resp.status != 200 or not resp.body or resp.stream_size:
            return resp
        return replace(resp, body=gzip.compress(resp.body, mtime=0),
                       headers={**resp.headers, "Content-Encoding": "gzip"})


class _ScanReport(SimReport):
    """A report of the ``scan_wps`` portal: its own formats, and a 图片版 beside some."""

    @property
    def has_file(self) -> bool:
        return self.fmt in ("scan", "scan_both", "wps")

    def file_bytes(self, fmt: str | None = None) -> bytes:
        fmt = fmt or {"scan_both": "pdf", "scan_html": "scan"}.get(self.fmt, self.fmt)
        return super().file_bytes(fmt)


class ScanWps(TrsClassic):
    """One agency's reports as they come when nobody made them machine-readable: a .wps
    only (WPS 文字, served as ``application/kswps``); an image-only PDF only, labelled like
    any attachment; a 文字版 PDF beside its 图片版 (the 图片版 linked first); the report
    inline on the page with a stamped 图片版 attached. The image-only one is posted late."""

    profile = "scan_wps"
    KINDS = {2021: "wps", 2022: "scan", 2023: "scan_both", 2024: "scan_html"}
    dead_images = False

    def __init__(self, farm: Any, index: int, ip: str, agencies: list[tuple[str, str]],
                 *a: Any, **kw: Any) -> None:
        super().__init__(farm, index, ip, [(agencies[0][0], "自治区信访局")], *a, **kw)

    def build(self) -> None:
        aid, name = self.agencies[0]
        for year, fmt in self.KINDS.items():
            day = 10 if fmt == "scan" else 20  # the image-only one is posted after 31 Jan
            posted = dt.date(year + 1, 2 if fmt == "scan" else 1, day)
            r = _ScanReport(aid, name, year, fmt, self.index * 10000 + year, posted, seed=1)
            self.place(r)
            self.reports.append(r)

    def place(self, r: SimReport) -> None:
        super().place(r)
        stem = r.detail.rsplit("/", 1)[0] + f"/P020{r.doc_id:09d}"
        r.file_path = f"{stem}.{'wps' if r.fmt == 'wps' else 'pdf'}" if r.has_file else None
        r.attachment = "./" + r.file_path.rsplit("/", 1)[1] if r.file_path else None

    def image_path(self, r: SimReport) -> str | None:
        return r.detail.replace(".html", "_tp.pdf") if r.fmt in ("scan_both", "scan_html") \
            else None

    def detail(self, r: SimReport) -> str:
        t = html.escape(r.title)
        img = self.image_path(r)
        img_a = f"<p><a href=\"./{img.rsplit('/', 1)[1]}\">{t}（盖章图片版）</a></p>" if img else ""
        if r.fmt == "scan_html":
            return self.detail_html(replace(r, fmt="html"), img_a)
        if r.fmt == "scan_both":
            return self.detail_html(r, img_a + f"<p><a href=\"{r.attachment}\">{t}（文字版）</a></p>")
        return self.detail_html(r, f"<p class=\"insertfileTag\"><a href=\"{r.attachment}\">"
                                   f"附件：{t}.{r.attachment.rsplit('.', 1)[1]}</a></p>"
                                if r.attachment else "")

    def file_response(self, r: SimReport) -> Response:
        if r.fmt == "wps":
            return Response(body=r.file_bytes(), ctype="application/kswps")
        return Response(body=r.file_bytes(), ctype=CTYPES["pdf"])

    def route(self, req: Request) -> Response:
        for r in self.live():
            image = req.path == self.image_path(r) or (r.fmt == "scan" and req.path == r.file_path)
            if image and self.dead_images:  # the 图片版 links stay, the files are gone
                return not_found()
            if self.image_path(r) == req.path:
                return Response(body=r.file_bytes("scan"), ctype=CTYPES["pdf"])
        return super().route(req)
