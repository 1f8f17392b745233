"""No import cycle in dualrole. In the storage core, ``db`` opens the file and takes the backup
before a migration without importing ``backup`` (which builds on ``db``); the one file writer
(``files``), the automatic backups (``autobackup``) and the errors sit below both.

Imports deferred into functions count: they are cycles held together by timing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import dualrole

ROOT = Path(dualrole.__file__).parent
CORE = {
    "dualrole.storage.db",
    "dualrole.storage.backup",
    "dualrole.storage.files",
    "dualrole.storage.autobackup",
    "dualrole.core.errors",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if _type_checking_only(node, parents):
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        package = package.rpartition(".")[0]
                    base = f"{package}.{base}" if base else package
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_deferred_imports():
    graph = import_graph()
    assert "dualrole.storage.db" in graph["dualrole.storage.backup"]
    assert "dualrole.storage.files" in graph["dualrole.cli.interop"]  # imported inside a function


def test_no_import_cycles():
    """None anywhere in dualrole (issue 12): not through the storage core, not between the
    command modules, not between screens."""
    assert [sorted(c) for c in cycles(import_graph())] == []


def test_the_cycle_finder_finds_one():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [{"a", "b", "c"}]


def test_the_core_writer_and_errors_import_nothing_of_dualrole_above_them():
    graph = import_graph()
    assert graph["dualrole.core.errors"] == set()
    assert graph["dualrole.storage.files"] == {"dualrole.core.errors"}
    assert "dualrole.storage.backup" not in graph["dualrole.storage.db"]
