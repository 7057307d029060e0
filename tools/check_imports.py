#!/usr/bin/env python3
"""Imports go one way: common <- hrddp <- accounts <- assessments <- mitigation <- monitoring <- interventions <- register <-
{portfolio, imports, the demo, the API} <- config.

Reads every .py file of the apps (not their tests or migrations), collects every import at any depth (a
function-local import runs too, and a cycle through one is still a cycle), and reports

- every import against the direction: an app importing one above it, or one beside it in the same layer;
- every import cycle between files: each strongly connected component of the file-level import graph.

Both are named `file:imported.module`, with the file and line. The check fails on any one of them: there is no
allowance list. Uses nothing but the standard library, so it runs before anything is installed.

    python tools/check_imports.py            # exit 0 when every import goes the one way and no files form a loop
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Bottom to top. An app may import its own layer's modules and any layer below; apps that share a layer
# are independent of each other.
LAYERS = [
    ["common"],
    ["hrddp"],
    ["accounts"],
    ["assessments"],
    ["mitigation"],
    ["monitoring"],
    ["interventions"],
    ["register"],
    ["portfolio", "imports", "demo", "api", "evidence", "discussion"],
    ["config"],
]
LAYER_OF = {app: index for index, layer in enumerate(LAYERS) for app in layer}
# The demo lives inside the core package but loads every Action's data: it counts as its own top-level app.
PSEUDO_APPS = {
    "hrddp.demo": "demo",
    "hrddp.management.commands.load_demo": "demo",
}
SKIPPED_FOLDERS = {"tests", "migrations", "__pycache__", ".venv", "node_modules"}


@dataclass(frozen=True)
class Import:
    file: str  # relative to the root, with forward slashes
    line: int
    module: str  # the module imported, resolved to a file of the tree where there is one

    @property
    def key(self) -> str:
        return f"{self.file}:{self.module}"


@dataclass
class Report:
    against_direction: list[tuple[Import, str, str]] = field(default_factory=list)  # (import, from app, to app)
    cycles: list[list[str]] = field(default_factory=list)  # each a sorted list of files
    cycle_imports: list[Import] = field(default_factory=list)

    @property
    def keys(self) -> set[str]:
        return {imp.key for imp, _, _ in self.against_direction} | {imp.key for imp in self.cycle_imports}

    @property
    def ok(self) -> bool:
        return not self.against_direction and not self.cycles


def app_of(module: str) -> str | None:
    """The app a dotted module name belongs to, or None for anything outside the layers (Django, the stdlib)."""
    for prefix, app in PSEUDO_APPS.items():
        if module == prefix or module.startswith(prefix + "."):
            return app
    top = module.split(".", 1)[0]
    return top if top in LAYER_OF else None


def module_files(root: Path) -> dict[str, str]:
    """Every module of the apps, dotted name -> file relative to the root."""
    modules = {}
    for app in LAYER_OF:
        folder = root / app
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(root)
            if SKIPPED_FOLDERS & set(relative.parts[:-1]):
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = relative.as_posix()
    return modules


def imports_of(root: Path, module: str, file: str, modules: dict[str, str]) -> list[Import]:
    """Every import in one file, at any depth, each resolved to the module it names."""
    tree = ast.parse((root / file).read_text(encoding="utf-8"), filename=file)
    package = module if file.endswith("__init__.py") else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(file, node.lineno, _resolve(alias.name, modules)))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                # `from hrddp import services` imports the module hrddp.services; `from hrddp.models import
                # Engagement` imports hrddp.models.
                submodule = f"{source}.{alias.name}"
                found.append(Import(file, node.lineno, submodule if submodule in modules else _resolve(source, modules)))
    # `from hrddp.models import A, B` is one import of hrddp.models.
    return sorted(set(found), key=lambda imp: (imp.line, imp.module))


def _resolve(name: str, modules: dict[str, str]) -> str:
    # `import a.b.c` where only a.b is a file of the tree (c a name in it) still names a.b.
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return name


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; the components of more than one file (or a file importing itself)."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in graph[node]:
                        components.append(sorted(component))
    return sorted(components)


def scan(root: Path = ROOT) -> Report:
    """Every import against the direction and every cycle of the tree under root."""
    modules = module_files(root)
    report = Report()
    graph: dict[str, set[str]] = {module: set() for module in modules}
    all_imports = []
    for module, file in modules.items():
        source_app = app_of(module)
        for imp in imports_of(root, module, file, modules):
            all_imports.append((module, imp))
            if imp.module in modules:
                graph[module].add(imp.module)
            target_app = app_of(imp.module)
            if source_app is None or target_app is None or target_app == source_app:
                continue
            if LAYER_OF[target_app] >= LAYER_OF[source_app]:
                report.against_direction.append((imp, source_app, target_app))
    components = strongly_connected(graph)
    member_of = {module: number for number, component in enumerate(components) for module in component}
    report.cycles = [[modules[module] for module in component] for component in components]
    for module, imp in all_imports:
        if module in member_of and member_of.get(imp.module) == member_of[module]:
            report.cycle_imports.append(imp)
    return report


def print_report(report: Report, out=sys.stdout) -> None:
    if report.against_direction:
        print(f"Imports against the direction ({len(report.against_direction)}):", file=out)
        for imp, source, target in sorted(report.against_direction, key=lambda item: (item[0].file, item[0].line)):
            print(f"  {imp.file}:{imp.line}  {source} -> {target}  ({imp.module})", file=out)
    if report.cycles:
        print(f"Import cycles between files ({len(report.cycles)}):", file=out)
        for component in report.cycles:
            print(f"  {' <-> '.join(component)}", file=out)
            for imp in sorted(report.cycle_imports, key=lambda imp: (imp.file, imp.line)):
                if imp.file in component:
                    print(f"    {imp.file}:{imp.line}  imports {imp.module}", file=out)
    if report.ok:
        print("Import direction: every import goes the one way, and no files import each other in a loop.", file=out)


def main(argv=None) -> int:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args(argv)
    report = scan()
    print_report(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
