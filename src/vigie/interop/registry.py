"""The one registry of import and export formats: adding a format touches one module.

Built-in formats register here exactly as another format would (STYLE.md: Datasette's hooks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vigie.core.vocabulary import Visibility


@dataclass(frozen=True)
class ImportFormat:
    name: str
    description: str
    reader: Callable[[Any], Any]  # Table -> object with .records()
    dataset_source: Callable[[Any], Any] | None  # organisation -> Source, for one-source datasets
    default_visibility: str


@dataclass(frozen=True)
class ExportFormat:
    name: str
    description: str
    suffix: str
    writer: Callable[..., int]  # (rows, handle) -> count


IMPORT_FORMATS: dict[str, ImportFormat] = {}
EXPORT_FORMATS: dict[str, ExportFormat] = {}


def register_import(spec: ImportFormat) -> ImportFormat:
    IMPORT_FORMATS[spec.name] = spec
    return spec


def register_export(spec: ExportFormat) -> ExportFormat:
    EXPORT_FORMATS[spec.name] = spec
    return spec


def get_format(name: str) -> ImportFormat:
    _load_builtins()
    try:
        return IMPORT_FORMATS[name]
    except KeyError:
        raise ValueError(
            f"unknown import format {name!r} (known: {', '.join(sorted(IMPORT_FORMATS))})"
        ) from None


def get_export_format(name: str) -> ExportFormat:
    _load_builtins()
    try:
        return EXPORT_FORMATS[name]
    except KeyError:
        raise ValueError(
            f"unknown export format {name!r} (known: {', '.join(sorted(EXPORT_FORMATS))})"
        ) from None


def _load_builtins() -> None:
    if IMPORT_FORMATS and EXPORT_FORMATS:
        return
    from . import builtin  # noqa: F401  (registers the built-in formats)


__all__ = [
    "ImportFormat",
    "ExportFormat",
    "register_import",
    "register_export",
    "get_format",
    "get_export_format",
    "IMPORT_FORMATS",
    "EXPORT_FORMATS",
    "Visibility",
]
