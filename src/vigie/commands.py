"""The one registry of the `vigie` commands that live beside their app.

Each app's ``commands.py`` registers its click groups and commands here with ``@register_command``,
as a format registers in vigie.interop.registry (STYLE.md: Datasette's ``register_commands`` hook);
vigie.cli adds every registered command to ``vigie``. An app's commands thus never import the CLI:
the CLI depends on the apps, not the other way round (tests/test_import_graph.py keeps it so).
Adding an app's commands touches that app and the list below.
"""

from __future__ import annotations

import importlib
from typing import TypeVar

import click

APP_COMMAND_MODULES = (
    "vigie.core.commands",
    "vigie.accounts.commands",
    "vigie.cases.commands",
    "vigie.evidence.commands",
    "vigie.victims.commands",
    "vigie.api.commands",
    "vigie.incidents.commands",
)
"""The modules whose import registers the apps' commands."""

COMMANDS: dict[str, click.Command] = {}

CommandT = TypeVar("CommandT", bound=click.Command)


def register_command(command: CommandT) -> CommandT:
    """Register a click command or group as `vigie NAME`; use it as a decorator above the click one."""
    known = COMMANDS.get(command.name)
    if known is not None and known is not command:
        raise ValueError(f"two commands are called {command.name!r}")
    COMMANDS[command.name] = command
    return command


def registered_commands() -> list[click.Command]:
    """Every app's commands, after importing the modules that register them."""
    for module in APP_COMMAND_MODULES:
        importlib.import_module(module)
    return list(COMMANDS.values())
