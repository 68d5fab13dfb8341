"""Compiling the translation catalogues, without GNU gettext.

The .po files ship in the package (vigie/locale/<lang>/LC_MESSAGES/*.po: django.po plus one file
per part of the program, so that parts are translated independently); compiled .mo files are
generated files, so they are not committed (.gitignore) nor shipped: each language's .po files are
merged into one django.mo under VIGIE_HOME/locale (settings.LOCALE_PATHS), which is writable where
the installed package may not be.

Django reads a language's catalogues once per process, the first time it translates into it: a
catalogue compiled after that shows only at the next start. So every entry point (each `vigie`
command, through vigie.bootstrap.setup_django, and vigie.wsgi) calls ``ensure_catalogues()`` before
``django.setup()``: the first page a new user sees is already in French.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_LOCALE = Path(__file__).resolve().parent.parent / "locale"


def ensure_catalogues() -> list[Path]:
    """Compile the catalogues into settings.LOCALE_PATHS[0] when missing or older than the .po files.

    Call it before django.setup(). A folder that cannot be written is reported, not fatal (the
    pages then show in English)."""
    from django.conf import settings

    target = Path(settings.LOCALE_PATHS[0])
    try:
        return compile_catalogues(target)
    except OSError as error:
        print(
            f"vigie: the translations cannot be compiled into {target} ({error}); "
            "pages will show in English",
            file=sys.stderr,
        )
        return []


def compile_catalogues(target: Path) -> list[Path]:
    """Write target/<lang>/LC_MESSAGES/django.mo for each language whose .po files are newer."""
    from vigie.core.files import private_dir

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
        private_dir(mo_path.parent)
        # Written aside then renamed: another process (a server's worker) never reads half a file.
        temporary = mo_path.with_name(f".django.mo.{secrets.token_hex(4)}.tmp")
        try:
            with os.fdopen(
                os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb"
            ) as handle:
                write_mo(handle, catalog)
            os.replace(temporary, mo_path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        written.append(mo_path)
    if written:
        _forget_loaded_catalogues()
    return written


def _forget_loaded_catalogues() -> None:
    """Make Django read the catalogues again if it already read them in this process (as its test
    signals do when LOCALE_PATHS changes). Languages already active in a thread keep theirs."""
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None
