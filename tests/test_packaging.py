"""What `pip install vigie` brings is what Vigie imports: every third-party module that src/vigie
imports, at the top of a module or inside a function, comes from a distribution declared in
pyproject.toml's dependencies (a minimal install runs `vigie demo`: Makefile, minimal-install)."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "vigie"
# Synthetic data for the tests and benchmarks: installed beside vigie, never imported by it.
TESTING = ROOT / "src" / "vigie_testing"

# A module used only by an optional feature: its import name -> the extra that installs it. Such a
# module is imported inside the function that needs it (never at a module's top), which fails with a
# message naming the extra (pip install 'vigie[EXTRA]'). None today.
OPTIONAL_IMPORTS: dict[str, str] = {}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(requirements: list[str]) -> set[str]:
    return {
        normalise(re.match(r"\s*([A-Za-z0-9._-]+)", requirement).group(1))
        for requirement in requirements
    }


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(top-level module name, line, inside a function) of every absolute import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend(
                    (alias.name.split(".")[0], child.lineno, in_function) for alias in child.names
                )
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.append((child.module.split(".")[0], child.lineno, in_function))
            visit(
                child,
                in_function
                or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)),
            )

    visit(tree, False)
    return found


def third_party(name: str) -> bool:
    return name not in sys.stdlib_module_names and name not in (
        "vigie",
        "vigie_testing",
        "__future__",
    )


def test_every_third_party_import_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = requirement_names(project["dependencies"])
    extras = {
        extra: requirement_names(requirements)
        for extra, requirements in project.get("optional-dependencies", {}).items()
    }
    distributions = packages_distributions()
    used: list[tuple[str, str, bool]] = []  # (module, where, inside a function)
    for path in sorted([*SOURCE.rglob("*.py"), *TESTING.rglob("*.py")]):
        for name, line, in_function in imports(path):
            if third_party(name):
                used.append((name, f"{path.relative_to(ROOT)}:{line}", in_function))
    # Modules Django imports by name from the settings are imported at every start too.
    for dotted in [*settings.INSTALLED_APPS, *settings.MIDDLEWARE]:
        if third_party(dotted.split(".")[0]):
            used.append((dotted.split(".")[0], "vigie.settings", False))
    assert any(
        name == "numpy" for name, _where, _lazy in used
    )  # the scan sees imports inside functions

    problems = []
    for name, where, in_function in used:
        providers = {normalise(dist) for dist in distributions.get(name, [])}
        if not providers:
            problems.append(
                f"{where}: {name} is imported but no installed distribution provides it"
            )
        elif providers & declared:
            continue
        elif name in OPTIONAL_IMPORTS:
            extra = OPTIONAL_IMPORTS[name]
            if not providers & extras.get(extra, set()):
                problems.append(
                    f"{where}: {name} is optional, but the extra {extra!r} does not install it"
                )
            if not in_function:
                problems.append(
                    f"{where}: {name} is optional ({extra}), so it must be imported inside the "
                    "function that needs it, not at the top of the module"
                )
        else:
            problems.append(
                f"{where}: {name} (from {', '.join(sorted(providers))}) is not in pyproject.toml's "
                "dependencies: declare it, or import it lazily for an optional feature "
                "and list it in OPTIONAL_IMPORTS with its extra"
            )
    assert not problems, "\n".join(problems)


def test_the_scan_finds_imports_at_any_depth(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "import os\nfrom numpy import array\n\ndef f():\n    import pandas.api\n"
        "class C:\n    def g(self):\n        from duckdb import connect\n",
        encoding="utf-8",
    )
    assert imports(module) == [
        ("os", 1, False),
        ("numpy", 2, False),
        ("pandas", 5, True),
        ("duckdb", 8, True),
    ]


def test_the_runtime_does_not_need_the_testing_package():
    """vigie_testing generates the synthetic ACLED, UCDP GED and linkage files of the tests and
    benchmarks; no module of vigie names it, so the runtime (vigie demo, every command) runs
    without it."""
    naming = [
        str(path.relative_to(ROOT))
        for path in sorted(SOURCE.rglob("*.py"))
        if "vigie_testing" in path.read_text(encoding="utf-8")
    ]
    assert naming == []
