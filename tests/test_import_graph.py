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

# The groups whose graph must have no cycle. "clinic" is the core, the ground floor: the
# modules directly in clinic/ (users, clinics, patients, access, sign-in). What sits on top of
# the apps (URL confs, home pages, set-up, demo data, entry points) is clinic.site, a group of
# its own that only the project's wiring may import (architecture review, December 2026,
# problem 5).
APPS = ("clinic.booking", "clinic.notifications", "programs", "assessments")
CORE = "clinic"
SITE = "clinic.site"
# Modules directly in clinic/ that may import clinic.site, with the reason: the package loads
# the Celery app so that @shared_task binds to it in every process, and the app config makes
# the filesystem broker's folders when Django starts.
SITE_LOADERS = frozenset({"clinic", "clinic.apps"})
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
    for group in (*APPS, SITE):
        if within(module, group):
            return group
    if module.count(".") == 1 and within(module, CORE):
        return CORE
    if module == CORE:
        return CORE
    return None


def app_edges() -> dict[tuple[str, str], list[str]]:
    """(importer group, imported group) -> where, for imports that cross between groups."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in first_party_files():
        module = module_name(path)
        source = group_of(module)
        if source is None:
            continue
        for line, target in imports_of(path):
            imported = group_of(target)
            if imported == SITE and module in SITE_LOADERS:
                continue  # loading the process's wiring is not a use of what sits on top
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


def core_imports() -> list[tuple[str, int, str]]:
    """(module, line, imported module) for every import of the modules directly in clinic/."""
    return [
        (module_name(path), line, target)
        for path in sorted((ROOT / CORE).glob("*.py"))
        for line, target in imports_of(path)
    ]


def test_the_ground_floor_imports_no_app():
    upward = [
        f"{module}:{line} imports {target}"
        for module, line, target in core_imports()
        if any(within(target, app) for app in APPS)
    ]
    assert upward == [], "modules in clinic/ that import an app (move them to clinic.site)"


def test_the_ground_floor_imports_nothing_of_the_site():
    upward = [
        f"{module}:{line} imports {target}"
        for module, line, target in core_imports()
        if within(target, SITE) and module not in SITE_LOADERS
    ]
    assert upward == []


def test_no_app_imports_the_site():
    """The site sits on top: an app that imported it would import every other app with it."""
    edges = app_edges()
    into_site = {edge: where for edge, where in edges.items() if edge[1] == SITE}
    assert into_site == {}


def test_the_scan_sees_function_level_imports():
    """The checks above would pass vacuously if an import inside a function were missed."""
    module = ROOT / "clinic" / "notifications" / "services.py"
    names = [target for _, target in imports_of(module)]
    assert "clinic.notifications.tasks" in names  # imported inside _kick_after_commit
    assert find_cycle({("a", "b"): [], ("b", "c"): [], ("c", "a"): []}) == ["a", "b", "c", "a"]
    assert find_cycle({("a", "b"): [], ("b", "c"): []}) == []
