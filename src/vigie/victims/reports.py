"""Assistance outcomes, counted without identifying anyone.

What is counted: needs by category, referrals by status, services delivered by category, assistance
cases closed by reason; each by region, sex and age group (or fewer of these, ``by``). Only counts:
no name, no free text, no date finer than the period asked for, no record number.

Small cells are suppressed: a cell that concerns fewer than five people (``MINIMUM_PEOPLE``) shows
"<5" instead of its count, whatever that count is (one person with six medical needs would
otherwise be a cell of six). Cells with no one are left out. No totals are given: a total beside
the cells would let anyone subtract the shown cells from it and recover a suppressed one. Two
reports with different ``by`` can still be compared; publish one level of detail.

Victims whose consent to documentation was withdrawn are not counted (they are hidden everywhere).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from django.db.models import Count

from vigie.interop import spreadsheet

from .models import Assistance, Need, Referral, Service

MINIMUM_PEOPLE = 5
SUPPRESSED = "<5"
DIMENSIONS = ("region", "sex", "age_group")
COLUMNS = ("measure", "category", *DIMENSIONS, "count")
UNKNOWN_REGION = "unknown"


@dataclass(frozen=True)
class Measure:
    name: str  # needs, referrals, services, closed_cases
    model: type
    category: str  # the field counted by
    date: str  # the field that places an item in the period
    victim_path: str  # from the model to the victim


MEASURES: tuple[Measure, ...] = (
    Measure("needs", Need, "category", "identified_on", "assistance__victim"),
    Measure("referrals", Referral, "status", "referred_on", "assistance__victim"),
    Measure("services", Service, "category", "delivered_on", "assistance__victim"),
    Measure("closed_cases", Assistance, "closure_reason", "closed_on", "victim"),
)


@dataclass
class OutcomeReport:
    by: tuple[str, ...]
    start: datetime.date | None
    end: datetime.date | None
    rows: list[dict] = field(default_factory=list)

    @property
    def columns(self) -> tuple[str, ...]:
        return ("measure", "category", *self.by, "count")

    def write_csv(self, handle: TextIO) -> int:
        writer = spreadsheet.writer(handle)  # no cell a spreadsheet runs as a formula
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([row[column] for column in self.columns])
        return len(self.rows)


def _cell(count: int, people: int) -> int | str:
    return count if people >= MINIMUM_PEOPLE else SUPPRESSED


def assistance_outcomes(
    assistance_cases=None,
    *,
    by: Iterable[str] = DIMENSIONS,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> OutcomeReport:
    """Count outcomes over ``assistance_cases`` (a queryset of Assistance, already narrowed to what the
    reader may see, e.g. ``Assistance.objects.visible_to(user)``; default: all), between ``start`` and
    ``end`` inclusive."""
    by = tuple(by)
    unknown = [name for name in by if name not in DIMENSIONS]
    if unknown:
        raise ValueError(
            f"cannot count by {', '.join(unknown)}: choose among {', '.join(DIMENSIONS)}"
        )
    if start and end and end < start:
        raise ValueError("the end of the period is before its start")
    cases = Assistance.objects.all() if assistance_cases is None else assistance_cases
    report = OutcomeReport(by=by, start=start, end=end)
    for measure in MEASURES:
        if measure.model is Assistance:
            queryset = Assistance.objects.filter(pk__in=cases.values("pk"), closed_on__isnull=False)
        else:
            queryset = measure.model.objects.filter(assistance__in=cases.values("pk"))
        if start:
            queryset = queryset.filter(**{f"{measure.date}__gte": start})
        if end:
            queryset = queryset.filter(**{f"{measure.date}__lte": end})
        paths = {
            "region": f"{measure.victim_path}__region__name",
            "sex": f"{measure.victim_path}__sex",
            "age_group": f"{measure.victim_path}__age_group",
        }
        grouped = (
            queryset.order_by()
            .values(measure.category, *(paths[name] for name in by))
            .annotate(items=Count("pk"), people=Count(f"{measure.victim_path}", distinct=True))
        )
        rows = []
        for values in grouped:
            row = {"measure": measure.name, "category": values[measure.category]}
            for name in by:
                row[name] = values[paths[name]] or (
                    UNKNOWN_REGION if name == "region" else "unknown"
                )
            row["count"] = _cell(values["items"], values["people"])
            rows.append(row)
        rows.sort(key=lambda row: tuple(str(row[column]) for column in ("category", *by)))
        report.rows.extend(rows)
    return report
