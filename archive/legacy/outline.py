"""Where a 统计表 row sits: the parent rows above it, from its numbering."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import fold
from ..record import legacy_level, legacy_short

# ---------------------------------------------------------------- levels and paths

_GROUP_LEVEL = re.compile(r"^其中[:：]?\d+")


@dataclass
class Outline:
    """Parent rows seen so far: (level, short label, kind)."""

    stack: list[tuple[int, str, str]] = field(default_factory=list)
    last_kind: str = ""

    def place(self, label: str) -> list[str]:
        flabel = fold(label)
        top = self.stack[-1] if self.stack else None
        kind = "plain"
        base = legacy_level(label)  # 1 一、 2 （一） 3 1. 4 other: record.py's one rule
        if base == 1:
            kind, level = "cn", 1
        elif base == 2:
            kind, level = "paren", 2
        elif _GROUP_LEVEL.match(flabel):
            # 其中：1.网站公开 — a numbered group under the row above
            kind = "group"
            level = top[0] if top and top[2] == "group" else (top[0] + 1 if top else 4)
        elif base == 3:
            level = 3
            if top and top[2] == "group":
                kind, level = "group", top[0]
            elif top and top[2] == "open":
                kind, level = "group", top[0] + 1
        elif flabel.startswith("其中"):
            level = 4
        elif top and top[2] == "group":
            level = max(top[0] - 1, 1)
            kind = "open"
        else:
            level = 4 if top and top[0] == 4 else 3
            if level == 3 and self.last_kind not in ("arabic", "plain"):
                kind = "open"  # an unnumbered parent: numbered rows after it are its children
        if kind == "plain" and base == 3:
            kind = "arabic"
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        path = [s for _, s, _ in self.stack]
        short = legacy_short(label)
        self.stack.append((level, short, kind))
        self.last_kind = kind if kind != "open" else "plain"
        return path
