"""The apps' import graph, read from the source with `ast`: the outbox (clinic.notifications)
imports no app it carries messages for, and the apps import each other in one direction only.

Every import counts, at module level or inside a function (a function-level import is how a
cycle hides), including those in AppConfig.ready. No first-party import is written inside a
function, apart from the short list of AppConfig.ready wiring below. The ground floor (the
modules directly in clinic/) imports no app; the site (clinic.site: URL confs, home pages,
set-up, demo data, entry points) sits on top of everything and nothing under it imports it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

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


# Imports written inside a function that are not there to dodge a cycle, by function, with the
# reason. Django imports an app's apps.py before any model exists, so a module that defines or
# uses models can only be imported once the registry is ready: AppConfig.ready is where an app
# registers its checks and connects its receivers (Django's documented place). Any other
# first-party import inside a function fails the test below: move the function to the module
# that owns it, or invert the dependency.
FUNCTION_LEVEL_IMPORTS_ALLOWED = {
    "clinic.apps.ClinicConfig.ready": "registers the system checks, connects clinic.signals",
    "clinic.audit.apps.AuditConfig.ready": "connects the audit context to Celery's task signals",
    "clinic.booking.apps.BookingConfig.ready": (
        "lends the outbox the manage-link builder, connects to the outbox's signals"
    ),
    "programs.apps.ProgramsConfig.ready": "connects program reminders to the outbox's signals",
    "assessments.apps.AssessmentsConfig.ready": (
        "connects the intake questionnaires to booking's appointment_booked signal"
    ),
}


class ImportSite(NamedTuple):
    line: int
    target: str
    function: str | None  # dotted: module.Class.method, or None at module level


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_sites(source: str, module: str, *, is_package: bool = False) -> list[ImportSite]:
    """Every import in a module's source, wherever it is written: its line, the module it
    imports (relative imports resolved) and the function it sits in, if any."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[ImportSite] = []

    def visit(node: ast.AST, function: str | None, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{scope}.{child.name}"
                is_function = not isinstance(child, ast.ClassDef)
                visit(child, name if is_function else function, name)
                continue
            if isinstance(child, ast.Import):
                found.extend(ImportSite(child.lineno, a.name, function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    parts = package.split(".")
                    base = parts[: len(parts) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                found.append(ImportSite(child.lineno, target, function))
                # `from clinic.booking import notices` imports clinic.booking.notices.
                found.extend(
                    ImportSite(child.lineno, f"{target}.{a.name}", function) for a in child.names
                )
            visit(child, function, scope)

    visit(ast.parse(source), None, module)
    return found


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, wherever it is written."""
    sites = import_sites(path.read_text(), module_name(path), is_package=path.name == "__init__.py")
    return [(site.line, site.target) for site in sites]


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


def first_party_imports_in_functions() -> dict[str, list[str]]:
    """Function (dotted) -> where it imports a first-party module."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in first_party_files():
        sites = import_sites(
            path.read_text(), module_name(path), is_package=path.name == "__init__.py"
        )
        for site in sites:
            if site.function and any(within(site.target, top) for top in FIRST_PARTY):
                found[site.function].append(f"{path.relative_to(ROOT)}:{site.line} {site.target}")
    return found


def test_no_first_party_import_is_placed_inside_a_function():
    """A function-level import is how a cycle hides from the graph (and from the reader)."""
    found = first_party_imports_in_functions()
    offending = {f: where for f, where in found.items() if f not in FUNCTION_LEVEL_IMPORTS_ALLOWED}
    assert offending == {}, "move the import to the top of the module, restructuring if needed"


def test_the_allowed_function_level_imports_are_still_there():
    """The allow-list may only shrink: an entry whose imports have gone is removed."""
    found = first_party_imports_in_functions()
    assert set(FUNCTION_LEVEL_IMPORTS_ALLOWED) <= set(found)


def test_the_scan_sees_function_level_imports():
    """The checks above would pass vacuously if an import inside a function were missed."""
    source = (
        "import os\n"
        "class Config:\n"
        "    def ready(self):\n"
        "        from . import signals\n"
        "def helper():\n"
        "    def inner():\n"
        "        from ..booking.models import Appointment\n"
    )
    sites = import_sites(source, "clinic.notifications.apps")
    assert ImportSite(1, "os", None) in sites
    assert (
        ImportSite(4, "clinic.notifications.signals", "clinic.notifications.apps.Config.ready")
        in sites
    )
    assert (
        ImportSite(7, "clinic.booking.models.Appointment", "clinic.notifications.apps.helper.inner")
        in sites
    )
    assert find_cycle({("a", "b"): [], ("b", "c"): [], ("c", "a"): []}) == ["a", "b", "c", "a"]
    assert find_cycle({("a", "b"): [], ("b", "c"): []}) == []
