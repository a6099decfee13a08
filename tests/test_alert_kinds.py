"""Every alert kind is one entry of ``monitor.kinds.ALERT_KINDS``: the rules only open
kinds it holds, the dashboard knows every state it names, the README documents each."""

from __future__ import annotations

import ast
from pathlib import Path

from monitor.kinds import ALERT_KINDS
from monitor.web.queries import STATES

ROOT = Path(__file__).resolve().parent.parent


def test_the_rules_open_only_kinds_of_the_table() -> None:
    tree = ast.parse((ROOT / "monitor" / "alerts.py").read_text(encoding="utf-8"))
    opened = {node.args[0].value for node in ast.walk(tree)
              if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Want"
              and node.args and isinstance(node.args[0], ast.Constant)}
    assert opened and opened <= set(ALERT_KINDS)


def test_every_kind_is_shown_and_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for kind in ALERT_KINDS.values():
        assert kind.label and kind.resolved.endswith("。"), kind.code
        assert kind.state is None or kind.state in STATES, kind.code
        assert f"| `{kind.code}` |" in readme, kind.code
