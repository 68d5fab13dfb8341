"""Field parsers shared by the importers: each returns a value or raises RowError naming the column."""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Literal, overload

from vigie.core.event_dates import check_event_date

from .records import RowError

# The most people one account may count: a million, more than any single event ever recorded (UCDP
# GED's largest, the Rwandan genocide's, are in the hundreds of thousands). A figure above it is a
# typing or export slip; it would also overflow the database's integer columns (2^31 in PostgreSQL,
# 2^63 in SQLite) and crash the import instead of naming the row.
MAX_COUNT = 1_000_000
# Other whole numbers (ids, codes, ACLED's timestamps) fit the database's 64-bit integers.
MAX_INT = 2**63 - 1
# The longest names and ids the database keeps (reports' and incidents' ids and keys 120, sources 200,
# places 200, actors 300 with room for their normalised alias): longer is refused with its column.
MAX_ID = 120
MAX_NAME = 200


def check_length(value: str, column: str, limit: int) -> str:
    """``value`` when it has at most ``limit`` characters, else a RowError naming the column."""
    if len(value) > limit:
        raise RowError(column, f"longer than {limit} characters ({len(value)})", value[:60] + "...")
    return value


def check_names(values: dict[str, str], limit: int = MAX_NAME) -> None:
    """Every named field (column -> value) within ``limit`` characters."""
    for column, value in values.items():
        check_length(value, column, limit)


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "janvier", "janv"),
            ("february", "feb", "fevrier", "février", "fev", "févr"),
            ("march", "mar", "mars"),
            ("april", "apr", "avril", "avr"),
            ("may", "mai"),
            ("june", "jun", "juin"),
            ("july", "jul", "juillet", "juil"),
            ("august", "aug", "aout", "août"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "decembre", "décembre", "déc"),
        ],
        start=1,
    )
    for name in names
}
_LONG_DATE = re.compile(r"^(\d{1,2})[ \-/]([^\d\s\-/]+)[ \-/](\d{2,4})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@lru_cache(maxsize=100_000)
def _parse_date_text(text: str) -> datetime.date | None:
    """Dates as the datasets write them: 2019-03-23, 2019-03-23 00:00:00.000, 23 March 2019, 23-Mar-19."""
    text = text.strip()
    try:
        if len(text) >= 10 and text[4] == "-":
            return datetime.date.fromisoformat(text[:10])
        match = _LONG_DATE.match(text)
        if match:
            day, month_name, year = match.groups()
            month = _MONTHS.get(month_name.lower().rstrip("."))
            if month is None:
                return None
            year_number = int(year)
            if len(year) == 2:
                year_number += 2000 if year_number < 70 else 1900
            return datetime.date(year_number, month, int(day))
        match = _DAY_FIRST.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        return None
    return None


@overload
def parse_date(value: str, column: str, *, required: Literal[True] = ...) -> datetime.date: ...
@overload
def parse_date(value: str, column: str, *, required: bool) -> datetime.date | None: ...


def parse_date(value: str, column: str, *, required: bool = True) -> datetime.date | None:
    if not value.strip():
        if required:
            raise RowError(column, "a date is required")
        return None
    parsed = _parse_date_text(value)
    if parsed is None:
        raise RowError(column, "not a valid date (expected YYYY-MM-DD or '23 March 2019')", value)
    return parsed


@overload
def parse_event_date(
    value: str,
    column: str,
    bounds: tuple[datetime.date, datetime.date],
    *,
    required: Literal[True] = ...,
) -> datetime.date: ...
@overload
def parse_event_date(
    value: str, column: str, bounds: tuple[datetime.date, datetime.date], *, required: bool
) -> datetime.date | None: ...


def parse_event_date(
    value: str, column: str, bounds: tuple[datetime.date, datetime.date], *, required: bool = True
) -> datetime.date | None:
    """A date of the event (or of its account) within the deployment's period (core.event_dates)."""
    parsed = parse_date(value, column, required=required)
    if parsed is not None and not bounds[0] <= parsed <= bounds[1]:
        problem = check_event_date(parsed, earliest=bounds[0], latest=bounds[1])
        if problem is not None:
            raise RowError(column, str(problem), value)
    return parsed


def parse_count(value: str, column: str) -> int | None:
    """A non-negative whole number of people, or None when empty."""
    text = value.strip()
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        try:
            as_float = float(text)
        except ValueError:
            raise RowError(column, "not a whole number", value) from None
        if not as_float.is_integer():
            raise RowError(column, "not a whole number", value) from None
        number = int(as_float)
    if number < 0:
        raise RowError(column, "a count cannot be negative", value)
    if number > MAX_COUNT:
        raise RowError(column, f"implausibly large (more than {MAX_COUNT:,} people)", value)
    return number


def parse_coordinate(value: str, column: str, limit: float) -> float | None:
    text = value.strip()
    if not text:
        return None
    try:
        number = (
            float(text.replace(",", "."))
            if text.count(",") == 1 and "." not in text
            else float(text)
        )
    except ValueError:
        raise RowError(column, "not a number", value) from None
    if not -limit <= number <= limit or number != number:
        raise RowError(column, f"out of range (must be between -{limit:g} and {limit:g})", value)
    return number


def parse_int(value: str, column: str, *, required: bool = False) -> int | None:
    text = value.strip()
    if not text:
        if required:
            raise RowError(column, "a value is required")
        return None
    try:
        number = int(float(text)) if "." in text else int(text)
    except (ValueError, OverflowError):
        raise RowError(column, "not a whole number", value) from None
    if abs(number) > MAX_INT:
        raise RowError(column, "too large", value)
    return number
