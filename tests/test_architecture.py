"""The package's shape: packages import downward only, no module imports itself round a cycle,
and no source file grows past ~600 lines without saying why at its top.

Pure rules in the core, I/O, storage and web at the edges (guides/architecture.md): a rule that
imports the service, or a report that imports the cycle runner, is how import cycles and
"assembled in six places" drift begin, so this is checked, not hoped for.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "src" / "eupact"

# Lowest first. A package may import its own layer's modules only within itself, and any package
# of a lower layer. Top-level modules (errors.py, cells.py, explain.py) are packages of one file.
LAYERS: list[set[str]] = [
    {"__init__", "errors", "cells", "yamlio"},
    {"parameters"},
    {"data", "timelimits"},
    {"explain"},
    {"key", "register"},
    {"pool"},
    {"assessment", "matching"},
    {"crisis"},  # the CFMR: pure, read by the border procedure, Part III and the service
    {"border"},  # the APR border procedure; border.scope reads the CFMR Art. 11 derogations
    {"reports", "boundary"},
    {"responsibility"},  # reads cases through the boundary's refusals; the service uses it
    {"cycle"},
    {"scenarios"},
    {"web"},
    {"api", "cli"},
]
LEVEL = {name: i for i, layer in enumerate(LAYERS) for name in layer}
LIMIT = 600  # lines; longer files say why in their first lines ("Why one file")


def _package(path: Path) -> str:
    rel = path.relative_to(ROOT).parts
    return rel[0].removesuffix(".py")


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = ["eupact", *rel.parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, runtime_top_level: bool) -> list[tuple[str, int]]:
    """The eupact modules ``path`` imports, with their line: everywhere (types and functions
    included), or only those run when the module is first imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.ImportFrom) and (node.module or node.level):
                if node.level:  # relative: resolve against this module's package
                    base = _module(path).split(".")
                    if path.name != "__init__.py":
                        base = base[:-1]
                    base = base[: len(base) - node.level + 1]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                if module.startswith("eupact"):
                    # `from pkg import name`: the submodule pkg.name when there is one (the
                    # cycle check keeps whichever of the two is a module)
                    found.extend((f"{module}.{a.name}", node.lineno) for a in node.names)
            elif isinstance(node, ast.Import):
                found.extend(
                    (a.name, node.lineno) for a in node.names if a.name.startswith("eupact")
                )
            elif runtime_top_level:
                if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                    continue
                if isinstance(node, ast.If | ast.Try):
                    visit(node.body)
                    visit(getattr(node, "orelse", []))
                    for handler in getattr(node, "handlers", []):
                        visit(handler.body)
            else:
                visit(list(ast.iter_child_nodes(node)))  # type: ignore[arg-type]

    visit(tree.body)
    return found


SOURCES = sorted(p for p in ROOT.rglob("*.py") if "migrations" not in p.parts)


def test_every_package_has_a_layer():
    packages = {_package(p) for p in SOURCES}
    assert packages <= set(LEVEL), f"place these in LAYERS: {packages - set(LEVEL)}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_packages_import_downward_only(path):
    here = _package(path)
    upward = []
    for module, line in _imports(path, runtime_top_level=False):
        parts = module.split(".")
        # `from eupact import __version__`: a name of the package's own __init__
        there = parts[1] if len(parts) > 1 and parts[1] in LEVEL else "__init__"
        if there != here and LEVEL[there] >= LEVEL[here]:
            upward.append(f"line {line}: {module} ({there} is not below {here})")
    assert not upward, "\n".join(upward)


def test_no_module_import_cycles():
    """Module-level imports (the ones run at import time) form no cycle."""
    graph: dict[str, set[str]] = defaultdict(set)
    names = {_module(p): p for p in SOURCES}
    for module, path in names.items():
        for target, _ in _imports(path, runtime_top_level=True):
            while target not in names and "." in target:
                target = target.rsplit(".", 1)[0]  # `from pkg import name`: the package
            if target in names and target != module:
                graph[module].add(target)
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(names):
        if node not in state:
            walk(node)

    # A package's __init__ importing its own submodules, which import the package's other
    # submodules through it, is how Python packages are built, not a cycle between concerns.
    def within_one_package(cycle: str) -> bool:
        parts = cycle.split(" -> ")
        return any(all(p == top or p.startswith(top + ".") for p in parts) for top in parts)

    real = [c for c in cycles if not within_one_package(c)]
    assert not real, "\n".join(real)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_long_files_say_why(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    if lines > LIMIT:
        head = "\n".join(path.read_text(encoding="utf-8").splitlines()[:25])
        assert "Why one file" in head, (
            f"{path.name} has {lines} lines: split it, or say at its top why it is one file "
            "(a paragraph starting 'Why one file')"
        )
