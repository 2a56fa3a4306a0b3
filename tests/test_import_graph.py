"""The import graph of the project's code (docs/architecture.md): no cycle between modules,
none hidden by an import inside a function, and the apps' layering holds.

Read from the source with ``ast``, nothing imported: every ``import`` of a project module in
a non-test, non-migration file is an arrow, whether it sits at the top of the module or
inside a function (an import inside a function is how a cycle hides; counting it shows the
cycle). ``if TYPE_CHECKING:`` imports are left out: they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = ("config", "core", "membership", "keyaccounts", "plans", "points", "servicedesk")

# Which app may import which (docs/architecture.md): each only downwards.
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "membership": {"core"},
    "keyaccounts": {"core", "membership"},
    "plans": {"core", "membership"},
    "points": {"core", "membership"},
    "servicedesk": {"core", "membership", "keyaccounts", "plans", "points"},
    "config": set(APPS),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(BASE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> Iterator[Path]:
    for app in APPS:
        for path in (BASE / app).rglob("*.py"):
            if "tests" not in path.parts and "migrations" not in path.parts:
                yield path


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """Every module name imported anywhere in ``tree`` (relative imports resolved)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skip |= {id(inner) for inner in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")
                if not is_package:
                    package = package[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in _sources()}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target in _imports(tree, name, path.name == "__init__.py"):
            if target in modules and target != name:
                graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
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
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _package_edges(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's ``__init__`` re-exports its modules: importing ``app.services`` is not
    importing every module below it, so package faces are left out of the cycle check and
    an import of a package counts as an import of the modules its ``__init__`` names."""
    faces = {name for name in graph if (BASE / name.replace(".", "/") / "__init__.py").exists()}
    resolved: dict[str, set[str]] = {}
    for name, targets in graph.items():
        if name in faces:
            continue
        out: set[str] = set()
        pending = list(targets)
        seen: set[str] = set()
        while pending:
            target = pending.pop()
            if target in seen:
                continue
            seen.add(target)
            if target in faces:
                pending.extend(graph[target])
            else:
                out.add(target)
        resolved[name] = out
    return resolved


def test_the_graph_is_read() -> None:
    graph = _graph()
    assert "core.clock" in graph
    assert "core.clock" in graph["core.jobs"]
    assert sum(len(targets) for targets in graph.values()) > 300


def test_no_import_cycle_between_modules_even_through_imports_inside_functions() -> None:
    assert _cycles(_package_edges(_graph())) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_each_app_imports_only_the_apps_below_it() -> None:
    wrong = sorted(
        f"{name} -> {target}"
        for name, targets in _graph().items()
        for target in targets
        if target.split(".")[0] != name.split(".")[0]
        and target.split(".")[0] not in MAY_IMPORT[name.split(".")[0]]
    )
    assert wrong == []


def test_project_modules_are_imported_inside_a_function_only_in_an_apps_ready() -> None:
    """AppConfig.ready() must import late (Django's app loading); anywhere else an import
    inside a function would be a cycle hidden, or a dependency kept out of sight."""
    late = []
    for path in _sources():
        if path.name == "apps.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module]
                else:
                    continue
                late += [
                    f"{path.relative_to(BASE)}:{node.lineno} {name}"
                    for name in names
                    if name.split(".")[0] in APPS
                ]
    assert late == []
