"""Original file names: kept for the record, refused when they carry a path trick.

A file name arrives from a phone, a browser or a shell and is kept only as information (the stored
object is named by its hash). Names that try to reach another directory, that hide characters or
that Windows treats as devices are refused with the reason, rather than silently rewritten: an
investigator should know that the name they were given was not an ordinary one.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from .errors import UnsafeFileName

MAX_NAME_BYTES = 255
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
    "COM¹",
    "COM²",
    "COM³",
    "LPT¹",
    "LPT²",
    "LPT³",
    "CONIN$",
    "CONOUT$",
}
_DRIVE = re.compile(r"^[A-Za-z]:")


def clean_filename(name: str) -> str:
    """The name as it will be kept (Unicode NFC, outer spaces removed), or UnsafeFileName saying why."""
    if not isinstance(name, str):
        raise UnsafeFileName(_("the file name must be text"))
    if "\x00" in name:
        raise UnsafeFileName(_("the file name contains a NUL character"))
    name = unicodedata.normalize("NFC", name).strip()
    if not name:
        raise UnsafeFileName(_("the file name is empty"))
    for position, char in enumerate(name, start=1):
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            raise UnsafeFileName(
                _(
                    "the file name contains a control or invisible character (U+%(code)04X at position %(position)d)"
                )
                % {"code": ord(char), "position": position}
            )
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise UnsafeFileName(_("the file name is an absolute path; give the name only"))
    parts = re.split(r"[/\\]", name)
    if any(part in ("..", ".") for part in parts):
        raise UnsafeFileName(_("the file name points to another directory"))
    if len(parts) > 1:
        raise UnsafeFileName(_("the file name contains a directory separator; give the name only"))
    if ":" in name:
        raise UnsafeFileName(_("the file name contains a colon"))
    if name.endswith((".", " ")):
        raise UnsafeFileName(_("the file name ends with a dot or a space"))
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if stem in _WINDOWS_RESERVED:
        raise UnsafeFileName(
            _("the file name is reserved for a device on Windows (CON, NUL, COM1...)")
        )
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise UnsafeFileName(
            _("the file name is longer than %(limit)d bytes") % {"limit": MAX_NAME_BYTES}
        )
    return name
