"""The layers run one way: rooms ← room setup ← replica ← hub ← context ← api, admission,
ws ← app. Every import counts, including those under TYPE_CHECKING and inside functions,
since a cycle through either still makes the modules impossible to read one at a time."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("rooms", "server")

# Lower layers first; a module may import only from its own layer or below.
LAYERS: list[tuple[str, ...]] = [
    ("rooms",),
    ("server.room_setup",),
    ("server.replica",),
    ("server.hub",),
    ("server.context",),
    ("server.api", "server.admission", "server.ws", "server.audit"),
    ("server.app",),
]
IMPURE = {"asyncio", "time", "random", "secrets", "os", "socket", "threading", "logging"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _imports(path: Path, name: str, known: set[str]) -> Iterator[str]:
    """Every module this file imports, wherever in the file the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield full if full in known else base


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {
        name: {target for target in _imports(path, name, known) if target in known} - {name}
        for name, path in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _layer(name: str) -> int | None:
    for rank, prefixes in enumerate(LAYERS):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return rank
    return None


def test_no_module_imports_itself_through_others() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle_through_type_checking_and_a_function() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from server import hub\n"
    source += "def f() -> None:\n    from server.api import groups\n"
    path = ROOT / "server" / "_probe_for_layers_test.py"
    path.write_text(source)
    try:
        imported = set(_imports(path, "server._probe_for_layers_test", set(_modules())))
    finally:
        path.unlink()
    assert {"server.hub", "server.api.groups"} <= imported


def test_no_layer_imports_a_layer_above_it() -> None:
    upward = []
    for name, targets in _graph().items():
        rank = _layer(name)
        for target in targets:
            target_rank = _layer(target)
            if rank is not None and target_rank is not None and target_rank > rank:
                upward.append(f"{name} -> {target}")
    assert upward == []


def test_the_room_core_does_no_io_and_reads_no_clock() -> None:
    modules = _modules()
    known = set(modules)
    impure = {
        f"{name} -> {target}"
        for name, path in modules.items()
        if name.startswith("rooms")
        for target in _imports(path, name, known)
        if target.split(".")[0] in IMPURE or target.startswith("server")
    }
    assert impure == set()
