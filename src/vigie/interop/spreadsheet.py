"""CSV cells that a spreadsheet cannot run as formulas (CSV injection, as OWASP describes it).

Excel, LibreOffice and Google Sheets read a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula, and a tab or a carriage return before one of them as nothing: a place, an actor or a
source named ``=HYPERLINK("http://…","Ouvrir")`` in an imported file would run when an analyst or a
partner opens the export. Every CSV and HXL file Vigie writes goes through :func:`writer` or
:class:`DictWriter` below, which put a single quote before such a cell (OWASP's advice): the
spreadsheet shows it as text, and the value is still readable.

Numbers stay numbers: a value written as a Python number (a longitude of -3.5, a count) is not
touched, nor is a text that is only a number (``-3.5``, ``+223``, ``-1e3``), which a spreadsheet
reads as that number and never as a formula. Anything else that begins with one of those
characters (``-2+3``, ``+223 76 00 00 00``, ``@SUM(A1)``) gets the quote.

Plain Python, free of Django.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

FORMULA_STARTS = frozenset("=+-@\t\r")
QUOTE = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet may open it: a text that would start a formula gets a leading quote."""
    if (
        isinstance(value, str)
        and value
        and value[0] in FORMULA_STARTS
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return QUOTE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


class SafeWriter:
    """csv.writer whose rows go through :func:`safe_cell`."""

    def __init__(self, handle: TextIO, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: TextIO, **options: Any) -> SafeWriter:
    """A csv.writer (same options) that neutralises formulas."""
    return SafeWriter(handle, **options)


class DictWriter(csv.DictWriter):
    """csv.DictWriter that neutralises formulas (its header is the field names, written as they are)."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)


__all__ = ["FORMULA_STARTS", "DictWriter", "SafeWriter", "safe_cell", "safe_row", "writer"]
