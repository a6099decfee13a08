"""The packages' import graph, read from the source (every import, also those inside
functions, except ``if TYPE_CHECKING:``): no cycle between modules, and the dependency
direction of the design — archive imports neither of the others, crawler not monitor."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("archive", "crawler", "monitor")


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                node.body = []
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        deps: set[str] = set()
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                prefix = ".".join([*base, *([node.module] if node.module else [])])
                targets = [prefix, *(f"{prefix}.{a.name}" for a in node.names)]
            deps.update(t for t in targets if t in mods and t != name)
        graph[name] = deps
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle() -> None:
    cycles = _cycles(_graph())
    files = [[str(_modules()[m].relative_to(ROOT)) for m in c] for c in cycles]
    assert not files, f"import cycles between: {files}"


def test_dependencies_point_one_way() -> None:
    wrong = [(m, d) for m, deps in _graph().items() for d in deps
             if (m.startswith("archive") and d.split(".")[0] in ("crawler", "monitor"))
             or (m.startswith("crawler") and d.startswith("monitor"))]
    assert not wrong, wrong


def test_the_check_sees_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_fixture_layouts_do_not_use_the_parser() -> None:
    """``archive.layouts`` draws the shapes real documents print from the documents
    themselves: what it expects a parser to read must never come from that parser."""
    graph = _graph()
    parser = ("archive.parse", "archive.rows", "archive.labels", "archive.header",
              "archive.glued", "archive.legacy", "archive.segment")
    seen: set[str] = set()
    todo = [m for m in graph if m == "archive.layouts" or m.startswith("archive.layouts.")]
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(graph[m])
    wrong = sorted(m for m in seen if any(m == p or m.startswith(p + ".") for p in parser))
    assert not wrong, f"archive.layouts reaches the parser through {wrong}"
