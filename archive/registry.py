"""The agency registry (YAML, ``interfaces.md``): load, check, store."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

KINDS = {"department", "government"}
_ID = re.compile(r"^[a-z0-9][a-z0-9\-_]*$")
_MMDD = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names the entry and the fix."""


def parse_registry(text: str, source: str = "registry") -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise RegistryError(f"{source}: YAML 格式错误：{e}") from e
    items = data.get("agencies") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise RegistryError(f"{source}: 缺少顶层 agencies: 列表")
    out = []
    for i, item in enumerate(items):
        where = f"{source}: 第 {i + 1} 个机关"
        if not isinstance(item, dict) or not item.get("id") or not item.get("name"):
            raise RegistryError(f"{where}: 需要 id 和 name")
        if not _ID.match(str(item["id"])):
            raise RegistryError(f"{where}: id “{item['id']}” 只能用小写字母、数字、- 和 _")
        kind = item.get("kind", "department")
        if kind not in KINDS:
            raise RegistryError(f"{where}: kind 必须是 department 或 government，而不是 {kind}")
        deadline = item.get("deadline")
        if deadline is not None and not _MMDD.match(str(deadline)):
            raise RegistryError(f"{where}: deadline 应写成 \"MM-DD\"，例如 \"01-31\"")
        emails = item.get("emails") or []
        if isinstance(emails, str):
            emails = [emails]
        out.append({
            "id": str(item["id"]), "name": str(item["name"]).strip(), "kind": kind,
            "portal": item.get("portal"), "column": item.get("column"), "emails": list(emails),
            "deadline": str(deadline) if deadline else None, "since": int(item.get("since", 2008)),
        })
    return out


def load_registry(path: Path) -> list[dict[str, Any]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise RegistryError(f"无法读取注册表文件 {path}: {e}") from e
    return parse_registry(text, str(path))


def builtin_registry() -> list[dict[str, Any]]:
    text = resources.files("archive").joinpath("registry.yaml").read_text(encoding="utf-8")
    return parse_registry(text, "built-in registry")


def dump_registry(entries: list[dict[str, Any]]) -> str:
    return yaml.safe_dump({"agencies": entries}, allow_unicode=True, sort_keys=False)
