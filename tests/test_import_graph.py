"""Which way the imports of src/vigie go, read from the source with `ast` (nothing is imported).

The CLI depends on the apps, never the other way round: an app's commands register in
vigie.commands and use vigie.bootstrap.setup_django. The domain apps sit below the web pages and the
REST API: a domain module that imports vigie.web or vigie.api at module level ties the records'
rules to one way of showing them. An app's own API (its ``api/`` package: serializers and views,
registered by vigie.api.urls) belongs to the API layer: it may import vigie.api, and the app's
other modules may not import it.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src"

DOMAIN_APPS = (
    "core",
    "places",
    "actors",
    "reports",
    "incidents",
    "linkage",
    "cases",
    "evidence",
    "victims",
    "interop",
    "intake",
    "accounts",
    "demo",
)

UPPER_LAYERS = ("vigie.web", "vigie.api")
# Each domain app's own API layer: vigie.<app>.api and its modules.
APP_API = tuple(f"vigie.{app}.api" for app in DOMAIN_APPS)

# Domain modules that still import the web or API layer at module level: (importer, imported).
# This list may only shrink: move the helper down into the domain app, then delete its line here.
ALLOWED_UPWARD: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    module_level: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@functools.cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imports_of(path: Path) -> list[Import]:
    """Every import of the file, with the module it names (relative imports resolved); `from vigie
    import cli` names vigie.cli. Imports inside a function are not at module level."""
    importer = module_name(path)
    package = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
    found: list[Import] = []

    def visit(node: ast.AST, module_level: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append(Import(importer, alias.name, child.lineno, module_level))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = ".".join(package[: len(package) - child.level + 1])
                    base = f"{base}.{child.module}" if child.module else base
                else:
                    base = child.module or ""
                for alias in child.names:
                    # `from vigie import cli` and `from . import cli` name a module; otherwise the
                    # imported module is the one after `from`.
                    imported = f"{base}.{alias.name}" if base.count(".") == 0 else base
                    found.append(Import(importer, imported, child.lineno, module_level))
            visit(
                child,
                module_level and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)),
            )

    visit(parsed(path), True)
    return found


def all_imports() -> list[Import]:
    return [
        found for path in sorted((SOURCE / "vigie").rglob("*.py")) for found in imports_of(path)
    ]


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_walk_sees_imports_inside_functions_and_relative_ones():
    imports = all_imports()
    assert len(imports) > 500
    # vigie.cli imports the registry at module level; a command module imports Django in a function.
    assert any(
        i.importer == "vigie.cli" and i.imported == "vigie.commands" and i.module_level
        for i in imports
    )
    assert any(
        i.importer == "vigie.core.commands"
        and within(i.imported, "vigie.core")
        and not i.module_level
        for i in imports
    )
    assert any(
        i.importer == "vigie.interop.builtin" and i.imported == "vigie.interop.registry"
        for i in imports
    )  # `from .registry import ...`


def test_only_the_cli_imports_the_cli():
    arrows = [
        f"{i.importer} (line {i.line}) imports {i.imported}"
        for i in all_imports()
        if within(i.imported, "vigie.cli") and i.importer != "vigie.cli"
    ]
    assert arrows == [], "the CLI depends on the apps, not the other way round:\n" + "\n".join(
        arrows
    )


def test_domain_apps_do_not_import_web_or_api_at_module_level():
    upward = {
        (i.importer, i.imported): i.line
        for i in all_imports()
        if i.module_level
        and any(within(i.importer, f"vigie.{app}") for app in DOMAIN_APPS)
        and not any(within(i.importer, api) for api in APP_API)
        and any(within(i.imported, layer) for layer in (*UPPER_LAYERS, *APP_API))
    }
    new = sorted(set(upward) - ALLOWED_UPWARD)
    assert new == [], "a domain app imports the web or API layer (move the helper down): " + str(
        new
    )
    gone = sorted(ALLOWED_UPWARD - set(upward))
    assert gone == [], f"no longer imported: delete these lines from ALLOWED_UPWARD: {gone}"


def test_every_app_command_is_registered_and_reaches_vigie():
    from vigie.cli import main
    from vigie.commands import APP_COMMAND_MODULES, COMMANDS

    modules = {path.parent.name for path in (SOURCE / "vigie").glob("*/commands.py")}
    assert {name.split(".")[1] for name in APP_COMMAND_MODULES} == modules
    assert COMMANDS
    for name, command in COMMANDS.items():
        assert main.commands[name] is command


# -- no import cycle at module level ----------------------------------------------------------------


def module_files() -> dict[str, Path]:
    return {module_name(path): path for path in sorted((SOURCE / "vigie").rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def module_level_graph(files: dict[str, Path]) -> dict[str, dict[str, int]]:
    """importer -> {imported module of src/vigie: line}, for the imports run when the importer is
    imported: at module level or in a class body, not in a function, not under `if TYPE_CHECKING:`,
    not `from __future__`. `from package import name` names the module package.name when there is
    one. A module's implicit import of its own parent packages is not an arrow (Python has them
    ready before it runs the module)."""
    graph: dict[str, dict[str, int]] = {}
    for importer, path in files.items():
        package = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
        arrows: dict[str, int] = {}

        def add(imported: str, line: int, importer: str = importer, arrows=arrows) -> None:
            if imported in files and imported != importer:
                arrows.setdefault(imported, line)

        def visit(statements: list[ast.stmt], package=package, add=add) -> None:
            for node in statements:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                if isinstance(node, ast.If) and _is_type_checking(node.test):
                    visit(node.orelse)
                    continue
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        add(alias.name, node.lineno)
                elif isinstance(node, ast.ImportFrom):
                    if node.module == "__future__":
                        continue
                    if node.level:
                        base = ".".join(package[: len(package) - node.level + 1])
                        base = f"{base}.{node.module}" if node.module else base
                    else:
                        base = node.module or ""
                    for alias in node.names:
                        submodule = f"{base}.{alias.name}"
                        add(submodule if submodule in files else base, node.lineno)
                else:
                    for field in ("body", "orelse", "finalbody"):
                        block = getattr(node, field, None)
                        if isinstance(block, list):
                            visit([s for s in block if isinstance(s, ast.stmt)])
                    for handler in getattr(node, "handlers", []):
                        visit(handler.body)
                    for case in getattr(node, "cases", []):
                        visit(case.body)

        visit(parsed(path).body)
        graph[importer] = arrows
    return graph


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str]:
    """One cycle of the graph as [a, b, ..., a], or [] when there is none (a depth-first walk)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, {})):
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state:
                found = walk(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state:
            found = walk(start)
            if found:
                return found
    return []


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle():
    assert find_cycle({"a": {"b": 1}, "b": {"c": 2}, "c": {}}) == []
    assert find_cycle({"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {"a": 1}}) == [
        "a",
        "b",
        "c",
        "a",
    ]


def test_the_module_graph_reads_what_runs_at_import_time():
    graph = module_level_graph(module_files())
    assert len(graph) > 100
    # `from vigie.interop import acled` is an arrow to the module vigie.interop.acled.
    assert any("vigie.interop.acled" in arrows for arrows in graph.values())
    # vigie.web.views re-exports its pages: arrows from the package to its modules.
    assert "vigie.web.views.dashboard" in graph["vigie.web.views"]
    # An import inside a function is not an arrow: the CLI's commands import the apps late.
    late = {i.imported for i in imports_of(SOURCE / "vigie" / "core" / "commands.py")}
    early = set(graph["vigie.core.commands"])
    assert any(within(name, "vigie.core") for name in late - early)


def test_no_import_cycle_at_module_level():
    """A module that imports, at module level, a module that imports it back (or through others)
    works only in one import order. Break a cycle by moving the shared thing down a layer, or the
    import into the function that needs it when the dependency is genuinely late."""
    graph = module_level_graph(module_files())
    cycle = find_cycle(graph)
    lines = [
        f"{importer} (line {graph[importer][imported]}) imports {imported}"
        for importer, imported in zip(cycle, cycle[1:], strict=False)
    ]
    assert cycle == [], "an import cycle at module level:\n" + "\n".join(lines)
