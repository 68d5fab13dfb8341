"""Dates in forms: written and read as ISO 8601 (YYYY-MM-DD), whatever the page's language.

An <input type="date"> shows the date in the browser's own format (its locale's, which may not be the
page's) but always sends and expects YYYY-MM-DD. A field rendered in the page's format (Django's
default: 02/01/2019 in French) would leave the box empty, and one parsed in it would read 02/01/2019
as the 2nd of January on a French page and the 1st of February on an English one. So the forms render
and parse ISO only; the pages show dates in their language with the template filter
``date:"DATE_FORMAT"`` (or SHORT_DATE_FORMAT), never a fixed pattern.
"""

from __future__ import annotations

import datetime

from django import forms

ISO_DATE = "%Y-%m-%d"


class IsoDateInput(forms.DateInput):
    """<input type="date"> whose value is always YYYY-MM-DD (the only format the browser accepts)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class IsoDateField(forms.DateField):
    """A date typed in an <input type="date">: YYYY-MM-DD only, in every language."""

    widget = IsoDateInput
    input_formats = [ISO_DATE]


def parse_iso_date(value) -> datetime.date | None:
    """A date from YYYY-MM-DD (a draft keeps dates as typed), or None when it is not one."""
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.datetime.strptime(str(value).strip(), ISO_DATE).date()
    except (TypeError, ValueError):
        return None


def event_date_error(value: datetime.date | None) -> str | None:
    """The translated reason why ``value`` cannot be an event's date (vigie.core.event_dates), or None."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext

    from vigie.core.event_dates import check_event_date

    if value is None:
        return None
    found = check_event_date(value)
    if found is None:
        return None
    if found.kind == "early":
        return gettext(
            "The date is before %(date)s, the earliest date this deployment accepts."
        ) % {"date": date_format(found.bound, "DATE_FORMAT")}
    return gettext("The date of the event is in the future.")
