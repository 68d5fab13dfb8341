"""The dates an event may have: one rule for the importers, the report form and the API.

Plain Python (the import's parsing worker has no Django): the earliest date is the setting
VIGIE_EARLIEST_DATE when Django is configured, else the same environment variable, else 1960-01-01.
A date before it (a typing slip such as 1800-01-01, a spreadsheet's 1900-01-00) would stretch every
chart over centuries with nothing in them; a date after today is an event that has not happened.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

DEFAULT_EARLIEST_DATE = datetime.date(1960, 1, 1)
# A report typed just after midnight by a monitor whose clock is ahead of the server's time zone.
FUTURE_GRACE = datetime.timedelta(days=1)


def parse_earliest_date(text: str | None) -> datetime.date:
    """VIGIE_EARLIEST_DATE as written (YYYY-MM-DD); empty means the default."""
    text = (text or "").strip()
    if not text:
        return DEFAULT_EARLIEST_DATE
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"VIGIE_EARLIEST_DATE must be a date as YYYY-MM-DD, not {text!r}"
        ) from None


def earliest_event_date() -> datetime.date:
    """The deployment's earliest event date (settings, else the environment, else 1960-01-01)."""
    try:
        from django.conf import settings

        if settings.configured:
            value = getattr(settings, "VIGIE_EARLIEST_DATE", None)
            if isinstance(value, datetime.date):
                return value
    except (
        ImportError
    ):  # pragma: no cover - Django is a dependency, but the engines must not need it
        pass
    return parse_earliest_date(os.environ.get("VIGIE_EARLIEST_DATE"))


def today() -> datetime.date:
    """Today in the deployment's time zone when Django is configured, else on this machine."""
    try:
        from django.conf import settings
        from django.utils import timezone

        if settings.configured and settings.USE_TZ:
            return timezone.localdate()
    except ImportError:  # pragma: no cover
        pass
    return datetime.date.today()


@dataclass(frozen=True)
class OutOfBounds:
    """An event date outside the accepted period: ``kind`` is "early" or "future"; ``bound`` the limit."""

    kind: str
    bound: datetime.date

    def __str__(self) -> str:
        if self.kind == "early":
            return (
                f"the date is before {self.bound.isoformat()}, the earliest this deployment accepts "
                f"(VIGIE_EARLIEST_DATE)"
            )
        return f"the date is in the future (after {self.bound.isoformat()})"


def check_event_date(
    value: datetime.date,
    *,
    earliest: datetime.date | None = None,
    latest: datetime.date | None = None,
) -> OutOfBounds | None:
    """Why ``value`` cannot be an event's date, or None when it can.

    ``earliest`` and ``latest`` default to the deployment's earliest date and today (with a day's
    grace); an importer reads them once for a whole file (date_bounds).
    """
    earliest = earliest if earliest is not None else earliest_event_date()
    if value < earliest:
        return OutOfBounds("early", earliest)
    latest = latest if latest is not None else today() + FUTURE_GRACE
    if value > latest:
        return OutOfBounds("future", latest)
    return None


def date_bounds() -> tuple[datetime.date, datetime.date]:
    """(earliest, latest) for a whole import, read once."""
    return earliest_event_date(), today() + FUTURE_GRACE
