"""The apps' import graph, read from the source with `ast`: the outbox (clinic.notifications)
imports no app it carries messages for, and the apps import each other in one direction only.

Every import counts, at module level or inside a function (a function-level import is how a
cycle hides), including those in AppConfig.ready.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = ("clinic", "programs", "assessments")

# The groups whose graph must have no cycle. "clinic" is the core: the modules directly in
# clinic/ (users, clinics, patients, access, sign-in), less the ones listed in ROOF.
APPS = ("clinic.booking", "clinic.notifications", "programs", "assessments")
CORE = "clinic"
# Modules in clinic/ that sit on top of the apps rather than under them. The URL confs, demo
# data, first-run set-up and entry points moved to clinic.site (architecture review, December
# 2026, problem 5); these two are split next. This list may only shrink, and a new module in
# clinic/ that imports an app fails the test below.
ROOF = frozenset({"clinic.selectors", "clinic.views"})
OUTBOX_MUST_NOT_IMPORT = ("programs", "assessments", "clinic.booking")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, wherever it is written."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # `from clinic.booking import notices` imports clinic.booking.notices.
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def first_party_files() -> list[Path]:
    return sorted(path for top in FIRST_PARTY for path in (ROOT / top).rglob("*.py"))


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def group_of(module: str) -> str | None:
    for app in APPS:
        if within(module, app):
            return app
    if module.count(".") == 1 and within(module, CORE) and module not in ROOF:
        return CORE
    if module == CORE:
        return CORE
    return None


def app_edges() -> dict[tuple[str, str], list[str]]:
    """(importer group, imported group) -> where, for imports that cross between groups."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in first_party_files():
        source = group_of(module_name(path))
        if source is None:
            continue
        for line, target in imports_of(path):
            imported = group_of(target)
            if imported is not None and imported != source:
                edges[(source, imported)].append(f"{path.relative_to(ROOT)}:{line} {target}")
    return edges


def find_cycle(edges) -> list[str]:
    """One cycle among the groups as a list of names (first repeated last), or []."""
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_the_outbox_imports_no_app_it_carries_messages_for():
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in first_party_files()
        if within(module_name(path), "clinic.notifications")
        for line, target in imports_of(path)
        if any(within(target, app) for app in OUTBOX_MUST_NOT_IMPORT)
    ]
    assert offending == []


def test_the_apps_import_each_other_in_one_direction_only():
    edges = app_edges()
    cycle = find_cycle(edges)
    evidence = {f"{a} -> {b}": edges[(a, b)][:3] for a, b in zip(cycle, cycle[1:], strict=False)}
    assert cycle == [], f"import cycle {' -> '.join(cycle)}: {evidence}"


def test_only_the_listed_core_modules_import_an_app():
    upward = {
        module_name(path)
        for path in (ROOT / CORE).glob("*.py")
        for _, target in imports_of(path)
        if any(within(target, app) for app in APPS)
    }
    assert upward <= ROOF, f"modules in clinic/ that import an app: {sorted(upward - ROOF)}"


def test_the_scan_sees_function_level_imports():
    """The checks above would pass vacuously if an import inside a function were missed."""
    module = ROOT / "clinic" / "notifications" / "services.py"
    names = [target for _, target in imports_of(module)]
    assert "clinic.notifications.tasks" in names  # imported inside _kick_after_commit
    assert find_cycle({("a", "b"): [], ("b", "c"): [], ("c", "a"): []}) == ["a", "b", "c", "a"]
    assert find_cycle({("a", "b"): [], ("b", "c"): []}) == []
