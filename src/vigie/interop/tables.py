"""Reading delimited files as they come from the field: any encoding, BOMs, quoted newlines.

Rows are read by header name, whatever the order and case of the columns, and each row carries the
physical line on which it starts, so that a problem can be named by file, line and column.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .records import Problem

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


# Bytes that Windows-1252 leaves undefined: a file holding them is not Windows-1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_STRAY = re.compile("[\udc80-\udcff]")
_AFTER_LONE_CR = re.compile("(?<=\r)(?!\n)")
_WELL_FORMED = re.compile("[^\x00-\x7f\udc80-\udcff]")


def detect_encoding(path: Path) -> str:
    """The file's encoding: from its BOM, else UTF-8, else Windows-1252.

    A file that is not valid UTF-8 is read as UTF-8 all the same when its well-formed UTF-8
    characters outnumber its broken bytes, or when most broken bytes are ones that Windows-1252
    does not define either (0x81, 0x8D, 0x8F, 0x90, 0x9D): a UTF-8 export with a few stray bytes,
    whose rows holding them are then named and left out (Table.problems), not a file read wrong
    from end to end. Otherwise (accents as single bytes, no UTF-8 sequence) it is Windows-1252.
    """
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
            return "utf-8"
        except UnicodeDecodeError:
            pass
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        well_formed = broken = undefined = 0
        while True:
            chunk = handle.read(1 << 22)
            text = decoder.decode(chunk, final=not chunk)
            strays = _STRAY.findall(text)
            broken += len(strays)
            undefined += sum(1 for char in strays if ord(char) - 0xDC00 in _CP1252_UNDEFINED)
            well_formed += len(_WELL_FORMED.findall(text))
            if not chunk:
                break
    if well_formed > broken or undefined * 2 >= broken:
        return "utf-8"
    return "cp1252"


def normalize_header(name: str) -> str:
    return name.strip().strip("\ufeff").lower().replace(" ", "_")


def is_hxl_row(values: list[str]) -> bool:
    """An HXL hashtag row (#date, #adm1+name...), which HDX puts just under the header."""
    cells = [value.strip() for value in values if value.strip()]
    return bool(cells) and all(
        cell.startswith("#") and len(cell) > 1 and cell[1].isalpha() for cell in cells
    )


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


def _byte_oriented(encoding: str) -> bool:
    """True for encodings in which a line ends with the byte 0x0A (UTF-8, Windows-1252, Latin-1...)."""
    try:
        return "a\n".encode(encoding) == b"a\n"
    except (LookupError, UnicodeError):
        return False


class _Lines:
    """The file's lines as text, decoded one line at a time so that an undecodable byte costs its own
    row, not the file: the line is decoded with replacement characters and noted in ``undecodable``
    (line number -> byte offset in the line, the byte)."""

    def __init__(self, binary, encoding: str):
        self._binary = binary  # undecodable: line -> (offset, byte); the byte 0 for a NUL character
        self.encoding = encoding
        self.number = 0  # physical lines handed out
        self.undecodable: dict[int, tuple[int, int]] = {}
        self._pending: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self._pending:
            self.number += 1
            return self._pending.pop()
        data = self._binary.readline()
        if not data:
            raise StopIteration
        if self.number == 0 and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        self.number += 1
        try:
            text = data.decode(self.encoding)
        except UnicodeDecodeError as error:
            self.undecodable[self.number] = (error.start, data[error.start])
            text = data.decode(self.encoding, "replace")
        if (
            "\x00" in text
        ):  # no database text column holds it (PostgreSQL refuses it): the row cannot be kept
            self.undecodable.setdefault(self.number, (text.index("\x00"), 0))
        if (
            "\r" in text[:-2]
        ):  # old Mac line ends (a lone CR): one line each, as the csv module reads them
            parts = [part for part in _AFTER_LONE_CR.split(text) if part]
            text = parts[0]
            self._pending = parts[:0:-1]
        return text


@dataclass
class Table:
    """An open delimited file: its columns (normalised) and an iterator of (line, values).

    Rows the file itself spoils (an undecodable byte, a broken quote the csv module cannot read)
    are not yielded: each is a Problem in ``problems``, with its line and column.
    """

    path: Path
    encoding: str
    delimiter: str
    columns: list[str]
    index: dict[str, int]
    _reader: _OffsetReader
    _handle: io.IOBase
    _lines: _Lines | None = None
    problems: list[Problem] = field(default_factory=list)
    hxl_line: int | None = None  # the line of the HXL hashtag row, when the file has one

    def _column_at(self, values: list[str], marker: str = "\ufffd") -> str:
        for position, value in enumerate(values):
            if marker in value:
                return (
                    self.columns[position]
                    if position < len(self.columns) and self.columns[position]
                    else f"#{position + 1}"
                )
        return "(row)"

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line on which the record starts, values); blank lines and the HXL hashtag row are skipped."""
        reader = self._reader
        width = len(self.columns)
        previous_end = reader.line_num
        first = True
        undecodable = self._lines.undecodable if self._lines is not None else {}
        while True:
            start = previous_end + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                previous_end = reader.line_num
                self.problems.append(
                    Problem(start, "(row)", f"the row cannot be read as CSV: {error}")
                )
                continue
            previous_end = reader.line_num
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            if first:
                first = False
                if is_hxl_row(values):
                    self.hxl_line = start
                    continue
            if undecodable:
                spoiled = next(
                    (n for n in range(start, previous_end + 1) if n in undecodable), None
                )
                if spoiled is not None:
                    offset, byte = undecodable[spoiled]
                    where = (
                        f"byte {offset + 1} of line {spoiled}"
                        if spoiled != start
                        else f"byte {offset + 1} of the line"
                    )
                    if byte == 0:
                        reason = f"a NUL character (0x00) at {where}, which cannot be stored; the row is not imported"
                        column = self._column_at(values, "\x00")
                    else:
                        reason = (
                            f"undecodable byte 0x{byte:02X} at {where} (the file is read as {self.encoding}); "
                            "the row is not imported"
                        )
                        column = self._column_at(values)
                    self.problems.append(Problem(start, column, reason))
                    continue
            if (
                self._lines is None
            ):  # UTF-16 or UTF-32: decoded with replacement characters for broken units
                if any("\ufffd" in value for value in values):
                    self.problems.append(
                        Problem(
                            start,
                            self._column_at(values),
                            f"undecodable bytes (the file is read as {self.encoding}); "
                            "the row is not imported",
                        )
                    )
                    continue
                if any("\x00" in value for value in values):
                    self.problems.append(
                        Problem(
                            start,
                            self._column_at(values, "\x00"),
                            "a NUL character "
                            "(0x00), which cannot be stored; the row is not imported",
                        )
                    )
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
    path: str | os.PathLike,
    *,
    encoding: str | None = None,
    on_read: Callable[[int], None] | None = None,
) -> Table:
    """Open a CSV (or semicolon- or tab-separated) file and read its header."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    encoding = encoding or detect_encoding(path)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise TableError(f"{path}: unknown encoding {encoding!r}") from None
    raw = _CountingReader(open(path, "rb", buffering=0), on_read)
    buffered = io.BufferedReader(raw, 1 << 20)
    lines: _Lines | None = None
    if _byte_oriented(encoding) or codecs.lookup(encoding).name == "utf-8-sig":
        name = "utf-8" if codecs.lookup(encoding).name == "utf-8-sig" else encoding
        lines = _Lines(buffered, name)
        handle: io.IOBase = buffered
        source: Iterator[str] = lines
    else:
        handle = io.TextIOWrapper(buffered, encoding=encoding, newline="", errors="replace")
        source = handle
    header_line = next(source, "")
    if lines is None and "\ufffd" in header_line:
        handle.close()
        raise TableError(f"{path}: line 1: the header is not valid {encoding}")
    if lines is not None and 1 in lines.undecodable:
        handle.close()
        offset, byte = lines.undecodable[1]
        raise TableError(
            f"{path}: line 1: undecodable byte 0x{byte:02X} at byte {offset + 1} of the header "
            f"(the file is read as {encoding})"
        )
    if "\x00" in header_line:
        handle.close()
        raise TableError(
            f"{path}: line 1: the header holds a NUL character (0x00): not a text file, or not "
            f"in {encoding}"
        )
    if not header_line.strip():
        handle.close()
        raise TableError(f"{path}: line 1: the file is empty or has no header row")
    delimiter = max([",", ";", "\t"], key=header_line.count)
    try:
        header = next(csv.reader([header_line], delimiter=delimiter))
    except csv.Error as error:
        handle.close()
        raise TableError(f"{path}: line 1: the header cannot be read as CSV: {error}") from None
    columns = [normalize_header(name) for name in header]
    index: dict[str, int] = {}
    for position, name in enumerate(columns):
        if name and name not in index:
            index[name] = position
    reader = csv.reader(source, delimiter=delimiter)
    reader_line_offset = 1  # the header was line 1
    return Table(
        path,
        encoding,
        delimiter,
        columns,
        index,
        _OffsetReader(reader, reader_line_offset),
        handle,
        lines,
    )


class _OffsetReader:
    """csv.reader whose line_num counts the header line we read before it."""

    def __init__(self, reader, offset: int):
        self._reader = reader
        self._offset = offset

    @property
    def line_num(self) -> int:
        return self._reader.line_num + self._offset

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        return next(self._reader)
