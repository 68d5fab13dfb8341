"""Reading delimited files as they come from the field: any encoding, BOMs, quoted newlines.

Rows are read by header name, whatever the order and case of the columns, and each row carries the
physical line on which it starts, so that a problem can be named by file, line and column.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


class TableError(ValueError):
    """The file as a whole cannot be read (no header, missing required columns, not text)."""


def detect_encoding(path: Path) -> str:
    """The file's encoding: from its BOM, else UTF-8 if the whole file decodes, else Windows-1252."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        for bom, name in _BOMS:
            if head.startswith(bom):
                return name
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(1 << 22):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def normalize_header(name: str) -> str:
    return name.strip().strip("\ufeff").lower().replace(" ", "_")


class _CountingReader(io.RawIOBase):
    """Counts the bytes read, for a progress bar that knows how far it is into the file."""

    def __init__(self, raw, on_read: Callable[[int], None] | None):
        self._raw = raw
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._raw.readinto(buffer)
        if count and self._on_read:
            self._on_read(count)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


@dataclass
class Table:
    """An open delimited file: its columns (normalised) and an iterator of (line, values)."""

    path: Path
    encoding: str
    delimiter: str
    columns: list[str]
    index: dict[str, int]
    _reader: csv.reader
    _handle: io.TextIOBase

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line on which the record starts, values); blank lines are skipped."""
        reader = self._reader
        width = len(self.columns)
        previous_end = reader.line_num
        for values in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            if len(values) < width:
                values = values + [""] * (width - len(values))
            yield start, values

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_table(
    path: str | os.PathLike, *, encoding: str | None = None, on_read: Callable[[int], None] | None = None
) -> Table:
    """Open a CSV (or semicolon- or tab-separated) file and read its header."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    encoding = encoding or detect_encoding(path)
    raw = _CountingReader(open(path, "rb", buffering=0), on_read)
    handle = io.TextIOWrapper(io.BufferedReader(raw, 1 << 20), encoding=encoding, newline="")
    header_line = handle.readline()
    if not header_line.strip():
        handle.close()
        raise TableError(f"{path}: line 1: the file is empty or has no header row")
    delimiter = max([",", ";", "\t"], key=header_line.count)
    header = next(csv.reader([header_line], delimiter=delimiter))
    columns = [normalize_header(name) for name in header]
    index: dict[str, int] = {}
    for position, name in enumerate(columns):
        if name and name not in index:
            index[name] = position
    reader = csv.reader(handle, delimiter=delimiter)
    reader_line_offset = 1  # the header was line 1
    table = Table(path, encoding, delimiter, columns, index, _OffsetReader(reader, reader_line_offset), handle)
    return table


class _OffsetReader:
    """csv.reader whose line_num counts the header line we read before it."""

    def __init__(self, reader, offset: int):
        self._reader = reader
        self._offset = offset

    @property
    def line_num(self) -> int:
        return self._reader.line_num + self._offset

    def __iter__(self):
        return iter(self._reader)
