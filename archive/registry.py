"""The agency registry (YAML, ``docs/commands.md``): load, check, store."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

KINDS = {"department", "government"}
#: An agency's administrative level, by the government it belongs to: 省级 (a province or
#: autonomous region and its departments), 市级 (a prefecture-level city), 县级 (a county,
#: district or county-level city), 乡级 (a township, town or 街道).
LEVELS = ("省级", "市级", "县级", "乡级")
_ID = re.compile(r"^[a-z0-9][a-z0-9\-_]*$")
_MMDD = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def portal_key(url: str) -> str:
    """A portal is its scheme, host and port: the registry's URLs on it are crawled as one,
    and a night's outcome is recorded under this key."""
    u = urlsplit(url if "://" in url else "http://" + url)
    return f"{u.scheme}://{u.netloc.lower()}/"


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names the entry and the fix."""


#: Fields an entry may carry, with the type each must have (None is always allowed).
_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,), "name": (str,), "kind": (str,), "portal": (str,), "column": (str,),
    "emails": (list, str), "deadline": (str,), "since": (int,), "allow_private": (bool,),
    "region": (str,), "level": (str,),
}
_TYPE_NAMES = {str: "文字", int: "整数", list: "列表", bool: "true/false"}


def private_allowed(settings: Any = None) -> bool:
    """Whether the deployment lets portals live on private/loopback addresses
    (``allow_private`` in nianbao.toml or ``NIANBAO_ALLOW_PRIVATE=1``)."""
    env = os.environ.get("NIANBAO_ALLOW_PRIVATE", "").strip().lower()
    if env in {"1", "true", "yes", "on"}:
        return True
    return bool(settings is not None and settings.allow_private)


def url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why ``url`` cannot be crawled (in Chinese), or None: only http(s) with a host, and
    no private, loopback or link-local address unless the deployment opts in."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "不是有效的网址"
    if parts.scheme not in ("http", "https"):
        return f"只能是 http:// 或 https:// 网址，而不是 {parts.scheme or '无协议'}"
    if not host:
        return "网址缺少主机名"
    if allow_private:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return "指向本机（localhost）"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast:
        return f"指向内网/本机地址 {ip}"
    return None


def _lines(text: str) -> list[tuple[int, dict[str, int]]]:
    """The line of each agency entry and of each of its keys, for messages."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    out: list[tuple[int, dict[str, int]]] = []
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if getattr(k, "value", None) == "agencies" and isinstance(v, yaml.SequenceNode):
                for item in v.value:
                    keys = {}
                    if isinstance(item, yaml.MappingNode):
                        keys = {str(kn.value): vn.start_mark.line + 1 for kn, vn in item.value}
                    out.append((item.start_mark.line + 1, keys))
    return out


def parse_registry(text: str, source: str = "registry", *,
                   allow_private: bool = False) -> list[dict[str, Any]]:
    """Check every entry (fields, types, URLs, dates, unique ids) and normalise it; the
    first problem raises :class:`RegistryError` naming the file, line, entry and field."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise RegistryError(f"{source}: YAML 格式错误：{e}") from e
    items = data.get("agencies") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise RegistryError(f"{source}: 缺少顶层 agencies: 列表")
    lines = _lines(text)
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        line, key_lines = lines[i] if i < len(lines) else (0, {})
        out.append(_entry(item, i, _Where(source, line, key_lines), seen, allow_private))
    return out


class _Where:
    """Where an entry stands in its file, for messages a person can find."""

    def __init__(self, source: str, line: int, key_lines: dict[str, int]) -> None:
        self.source, self.line, self.key_lines = source, line, key_lines

    def error(self, item: Any, i: int, msg: str, key: str | None = None) -> RegistryError:
        ln = self.key_lines.get(key or "", self.line)
        place = self.source + (f" 第 {ln} 行" if ln else "")
        ident = item.get("id") if isinstance(item, dict) else None
        who = f"机关 {ident}" if ident else f"第 {i + 1} 个机关"
        return RegistryError(f"{place}（{who}{'，字段 ' + key if key else ''}）：{msg}")


def _entry(item: Any, i: int, where: _Where, seen: dict[str, int],
           allow_private: bool) -> dict[str, Any]:
    def fail(msg: str, key: str | None = None) -> RegistryError:
        return where.error(item, i, msg, key)

    if not isinstance(item, dict):
        raise fail("每个机关应是一组 键: 值")
    for key, value in item.items():
        if key not in _FIELDS:
            continue  # other programs' annotations ride along unread
        if value is not None and (not isinstance(value, _FIELDS[key])
                                  or isinstance(value, bool) and bool not in _FIELDS[key]):
            want = "或".join(_TYPE_NAMES[t] for t in _FIELDS[key])
            raise fail(f"应为{want}，而不是 {value!r}", key)
    if not item.get("id") or not item.get("name"):
        raise fail("需要 id 和 name")
    ident = item["id"]
    if not _ID.match(ident):
        raise fail(f"id “{ident}” 只能用小写字母、数字、- 和 _", "id")
    if ident in seen:
        raise fail(f"id “{ident}” 与第 {seen[ident] + 1} 个机关重复；每个 id 只能出现一次", "id")
    seen[ident] = i
    kind = item.get("kind") or "department"
    if kind not in KINDS:
        raise fail(f"必须是 department 或 government，而不是 {kind}", "kind")
    deadline = item.get("deadline")
    if deadline is not None and not _valid_mmdd(deadline):
        raise fail(f"“{deadline}”不是日期；应写成 \"MM-DD\"，例如 \"01-31\"", "deadline")
    since = item.get("since", 2008)
    if since is None or not 1990 <= since <= 2100:
        raise fail(f"应为年份（1990–2100），而不是 {since!r}", "since")
    private = allow_private or bool(item.get("allow_private"))
    for key in ("portal", "column"):
        url = item.get(key)
        if url is None and key == "column":
            continue
        if not url:
            raise fail("需要门户网址（http:// 或 https://）", key)
        why = url_problem(url.strip(), allow_private=private)
        if why:
            hint = ("；内网模拟门户请在 nianbao.toml 设 allow_private = true 或设置 "
                    "NIANBAO_ALLOW_PRIVATE=1") if "内网" in why or "本机" in why else ""
            raise fail(f"“{url}” {why}{hint}", key)
    region = normalise_region(item.get("region"))
    if item.get("region") is not None and region is None:
        raise fail("应为“省/市/县”形式的地区路径，例如 宁夏/中卫市/沙坡头区", "region")
    level = (item.get("level") or "").strip() or None
    if level is not None and level not in LEVELS:
        raise fail(f"必须是 {'、'.join(LEVELS)} 之一，而不是 {level}", "level")
    emails = item.get("emails") or []
    if isinstance(emails, str):
        emails = [emails]
    if not all(isinstance(e, str) for e in emails):
        raise fail("应为电子邮箱地址的列表", "emails")
    entry: dict[str, Any] = {
        "id": ident, "name": item["name"].strip(), "kind": kind,
        "portal": item["portal"].strip(),
        "column": item["column"].strip() if item.get("column") else None,
        "emails": list(emails), "deadline": deadline or None, "since": since,
        "region": region, "level": level,
    }
    if item.get("allow_private"):
        entry["allow_private"] = True
    return entry


def normalise_region(text: str | None) -> str | None:
    """A region path as stored: segments outermost first, joined by "/" (full-width ／,
    "\\" and "|" read as "/"), blank segments and spaces dropped; None when nothing is left."""
    if text is None:
        return None
    for sep in ("／", "\\", "|"):
        text = text.replace(sep, "/")
    parts = ["".join(p.split()) for p in text.split("/")]
    parts = [p for p in parts if p]
    return "/".join(parts) or None


def in_region(agency_region: str | None, region: str | None) -> bool:
    """Whether an agency whose region is ``agency_region`` rolls up into ``region``: the
    same path or one below it (宁夏/中卫市/沙坡头区 is in 宁夏/中卫市 and in 宁夏, not in
    宁夏/中卫). No ``region`` takes every agency."""
    want = normalise_region(region)
    if want is None:
        return True
    have = normalise_region(agency_region)
    return have is not None and (have == want or have.startswith(want + "/"))


def _valid_mmdd(text: str) -> bool:
    if not _MMDD.match(text):
        return False
    try:
        dt.date(2000, int(text[:2]), int(text[3:]))  # a leap year: 02-29 is a date
    except ValueError:
        return False
    return True


def load_registry(path: Path, *, allow_private: bool = False) -> list[dict[str, Any]]:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise RegistryError(f"无法读取注册表文件 {path}: {e}") from e
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # a registry saved by a Chinese Windows editor
        except UnicodeDecodeError as e:
            raise RegistryError(f"{path}: 不是 UTF-8 或 GBK 编码的文本（{e}）；请另存为 UTF-8") from e
    return parse_registry(text, str(path), allow_private=allow_private)


def builtin_registry() -> list[dict[str, Any]]:
    text = resources.files("archive").joinpath("registry.yaml").read_text(encoding="utf-8")
    return parse_registry(text, "built-in registry")


def dump_registry(entries: list[dict[str, Any]]) -> str:
    return yaml.safe_dump({"agencies": entries}, allow_unicode=True, sort_keys=False)
