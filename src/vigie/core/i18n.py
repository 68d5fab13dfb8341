"""Compiling the translation catalogues at install time, without GNU gettext.

The .po files ship in the package (vigie/locale/<lang>/LC_MESSAGES/*.po: django.po plus one file
per part of the program, so that parts are translated independently); compiled .mo files are
generated files, so they are not committed: `vigie init`, `vigie serve` and the tests merge each
language's .po files into one django.mo under VIGIE_HOME/locale.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_LOCALE = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogues(target: Path) -> list[Path]:
    written = []
    for messages_dir in sorted(SOURCE_LOCALE.glob("*/LC_MESSAGES")):
        language = messages_dir.parent.name
        sources = sorted(messages_dir.glob("*.po"))
        if not sources:
            continue
        mo_path = target / language / "LC_MESSAGES" / "django.mo"
        newest = max(path.stat().st_mtime for path in sources)
        if mo_path.exists() and mo_path.stat().st_mtime >= newest:
            continue
        catalog = None
        for po_path in sources:
            with open(po_path, "rb") as handle:
                part = read_po(handle, locale=language)
            if catalog is None:
                catalog = part
                continue
            for message in part:  # the first file to translate a message (in its context) wins
                if message.id and catalog.get(message.id, context=message.context) is None:
                    catalog[message.id] = message
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with open(mo_path, "wb") as handle:
            write_mo(handle, catalog)
        written.append(mo_path)
    return written
