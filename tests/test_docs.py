"""The documentation covers every command, option and format (STYLE.md: Datasette's test_docs)."""

from pathlib import Path

import click

from vigie import cli
from vigie.interop.registry import EXPORT_FORMATS, IMPORT_FORMATS, _load_builtins

ROOT = Path(__file__).resolve().parent.parent
DOCS = "\n".join(
    path.read_text(encoding="utf-8")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
)


def commands(group: click.Group, prefix: str = "vigie"):
    for name, command in group.commands.items():
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix} {name}")


def test_every_command_and_option_is_documented():
    missing = []
    for path, command in commands(cli.main):
        if path not in DOCS:
            missing.append(path)
        for parameter in command.params:
            if isinstance(parameter, click.Option):
                for option in parameter.opts:
                    if option.startswith("--") and option not in DOCS:
                        missing.append(f"{path} {option}")
    assert not missing, f"undocumented: {missing}"


def test_every_format_is_documented():
    _load_builtins()
    formats = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    for name in IMPORT_FORMATS:
        assert f"vigie import {name}" in formats
    for name in EXPORT_FORMATS:
        assert f"--format {name}" in formats or f"`{name}`" in formats


def test_every_setting_is_documented():
    settings_text = "".join(
        p.read_text() for p in (ROOT / "src" / "vigie" / "settings").glob("*.py")
    )
    import re

    for variable in set(re.findall(r"VIGIE_[A-Z_]+|DATABASE_URL", settings_text)):
        assert variable in (ROOT / "docs" / "configuration.md").read_text(), variable


def test_the_cli_reference_is_generated_from_the_cli():
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == cli.reference_markdown(), (
        "docs/cli.md is out of date: regenerate it with "
        "python -c 'from vigie.cli import reference_markdown as r; print(r(), end=\"\")' > docs/cli.md"
    )
