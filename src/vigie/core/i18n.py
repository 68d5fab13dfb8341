"""Compiling the translation catalogues at install time, without GNU gettext.

The .po files ship in the package (vigie/locale); compiled .mo files are generated files, so they
are not committed: `vigie init`, `vigie serve` and the tests compile them under VIGIE_HOME/locale.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_LOCALE = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogues(target: Path) -> list[Path]:
    written = []
    for po_path in sorted(SOURCE_LOCALE.glob("*/LC_MESSAGES/*.po")):
        relative = po_path.relative_to(SOURCE_LOCALE)
        mo_path = target / relative.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with open(po_path, "rb") as handle:
            catalog = read_po(handle, locale=relative.parts[0])
        with open(mo_path, "wb") as handle:
            write_mo(handle, catalog)
        written.append(mo_path)
    return written
