"""The figures of the dashboard and of the public home, computed by the database.

Every aggregate starts from a queryset of visible incidents (vigie.web.views.common) and is one
GROUP BY query: nothing loops over incidents in Python, so the cost is the database's scan, which
the dashboard pays at most once a minute per audience (``cached``).
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from vigie.actors.choices import ActorCategory, ActorRole
from vigie.incidents.choices import EventType, Grade, PairStatus
from vigie.incidents.models import IncidentActor, LinkPair
from vigie.places.models import Place
from vigie.web import geo

CACHE_SECONDS = 60
LATEST = 10
MAP_POINTS = 500


def cached(key: str, compute):
    """``compute()``, kept for CACHE_SECONDS under ``key`` (the audience and the language are in it)."""
    return cache.get_or_set(f"vigie:web:{key}", compute, CACHE_SECONDS)


def totals(incidents) -> dict:
    return incidents.order_by().aggregate(
        incidents=Count("id"),
        low=Sum(Coalesce("killed_low", "killed_best")),
        best=Sum("killed_best"),
        high=Sum(Coalesce("killed_high", "killed_best")),
        civilians=Sum("killed_civilian_best"),
    )


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly(incidents) -> dict:
    """Incidents and people killed per month (low, best, high), months without incidents at zero.

    An incident whose low or high is unknown counts its best estimate there, so that the band always
    holds the best line."""
    rows = (incidents.annotate(month=TruncMonth("date_start")).order_by("month").values("month")
            .annotate(incidents=Count("id"), low=Sum(Coalesce("killed_low", "killed_best")),
                      best=Sum("killed_best"), high=Sum(Coalesce("killed_high", "killed_best"))))
    by_month = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        by_month[month] = row
    if not by_month:
        return {"period": "month", "x": [], "incidents": [], "low": [], "best": [], "high": []}
    months = _months(min(by_month), max(by_month))
    empty = {"incidents": 0, "low": 0, "best": 0, "high": 0}
    series = {"period": "month", "x": [month.isoformat() for month in months]}
    for name in ("incidents", "low", "best", "high"):
        series[name] = [(by_month.get(month) or empty)[name] or 0 for month in months]
    return series


def band_series(month_series: dict) -> dict:
    """People killed per month, as charts.js draws a band."""
    return {key: month_series[key] for key in ("period", "x", "low", "best", "high")}


def incidents_series(month_series: dict) -> dict:
    """Incidents per month, as charts.js draws a line."""
    return {"period": "month", "x": month_series["x"], "best": month_series["incidents"]}


def main_perpetrator_category():
    """The category of an incident's main perpetrator: an actor in the role of perpetrator first, else
    the main actor of side 1 (ACLED's actor1). Each incident counts once, under one category."""
    links = (IncidentActor.objects.filter(incident=OuterRef("pk"))
             .filter(Q(role=ActorRole.PERPETRATOR) | Q(side=1))
             .annotate(rank=Case(When(role=ActorRole.PERPETRATOR, then=Value(0)), default=Value(1),
                                 output_field=IntegerField()))
             .order_by("rank", "side", "-primary", "id").values("actor__category")[:1])
    return Subquery(links)


def by_perpetrator(incidents) -> list[dict]:
    labels = dict(ActorCategory.choices)
    rows = (incidents.annotate(category=main_perpetrator_category()).order_by().values("category")
            .annotate(incidents=Count("id"), killed=Sum("killed_best")).order_by("-incidents"))
    return [{"key": row["category"] or "", "label": str(labels.get(row["category"], _("Not recorded"))),
             "incidents": row["incidents"], "killed": row["killed"] or 0} for row in rows]


def by_region(incidents) -> list[dict]:
    rows = list(incidents.order_by().values("admin1_id").annotate(incidents=Count("id"), killed=Sum("killed_best"))
                .order_by("-incidents"))
    names = dict(Place.objects.filter(pk__in=[row["admin1_id"] for row in rows if row["admin1_id"]])
                 .values_list("pk", "name"))
    return [{"key": row["admin1_id"], "label": names.get(row["admin1_id"]) or _("Region not known"),
             "incidents": row["incidents"], "killed": row["killed"] or 0} for row in rows]


def bars(rows: list[dict], killed_label: str) -> dict:
    """People killed by category (rows of by_perpetrator or by_region) as charts.js draws bars; the
    incidents are in the table under the chart (on one axis, their bars would vanish beside the dead)."""
    return {"categories": [row["label"] for row in rows], "horizontal": True, "stacked": False,
            "series": [{"label": killed_label, "values": [row["killed"] for row in rows], "color": "#b3261e"}]}


def latest(incidents, count: int = LATEST) -> list[dict]:
    """The newest incidents, as plain values (they are cached) with their labels in the active language."""
    event_types, grades = dict(EventType.choices), dict(Grade.choices)
    rows = (incidents.order_by("-date_start", "-id")
            .values("id", "date_start", "date_end", "location", "event_type", "grade", "killed_low", "killed_best",
                    "killed_high", "admin1__name", "admin2__name")[:count])
    return [{**row, "event_type_label": str(event_types.get(row["event_type"], "")),
             "grade_label": str(grades.get(row["grade"], ""))} for row in rows]


def recent_points(incidents, count: int = MAP_POINTS) -> list[dict]:
    """The newest incidents that have a position, as map points (vigie.web.geo)."""
    newest = (incidents.exclude(latitude=None).exclude(longitude=None).order_by("-date_start", "-id")
              .only(*geo.POINT_FIELDS)[:count])
    return geo.points_for(list(newest))


def waiting_for_review(incidents) -> int:
    """Pairs of reports waiting for an analyst, both reports in incidents this audience sees."""
    visible = incidents.order_by().values("pk")
    return (LinkPair.objects.filter(status=PairStatus.REVIEW)
            .filter(Exists(visible.filter(pk=OuterRef("report_a__incident_id"))),
                    Exists(visible.filter(pk=OuterRef("report_b__incident_id"))))
            .count())
