"""The figures of the dashboard and of the public home, computed by the database.

Every aggregate starts from a queryset of visible incidents (vigie.incidents.visibility) and is one
GROUP BY query: nothing loops over incidents in Python, so the cost is the database's scan, which
the dashboard pays at most once a minute per audience (``cached``).
"""

from __future__ import annotations

import datetime
import time

from django.core.cache import cache
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncMonth
from django.utils.translation import gettext as _

from vigie.actors.choices import ActorCategory, ActorRole
from vigie.incidents import geo
from vigie.incidents.choices import EventType, Grade, PairStatus
from vigie.incidents.models import IncidentActor, LinkPair, link_category
from vigie.places.models import Place

CACHE_SECONDS = 60
# Figures older than CACHE_SECONDS are still shown while one request computes the new ones (on a
# million incidents that takes seconds); past KEEP_SECONDS they are gone and the next request waits.
KEEP_SECONDS = 24 * 3600
REFRESH_LOCK_SECONDS = 300
LATEST = 10
MAP_POINTS = 500


def cached(key: str, compute):
    """``compute()``, kept under ``key`` (the audience and the language are in it) in the cache that
    the server's processes share, renewed after CACHE_SECONDS by one request at a time while the
    others show the figures they have."""
    key = f"vigie:web:{key}"
    lock = f"{key}:computing"
    entry = cache.get(key)
    if entry is None and not cache.add(lock, 1, REFRESH_LOCK_SECONDS):
        # Another request is computing the first figures: wait for them rather than compute twice.
        deadline = time.monotonic() + REFRESH_LOCK_SECONDS
        while entry is None and time.monotonic() < deadline and cache.get(lock) is not None:
            time.sleep(0.1)
            entry = cache.get(key)
        if entry is not None:
            return entry[1]
    elif entry is not None:
        computed_at, value = entry
        if time.time() - computed_at < CACHE_SECONDS or not cache.add(
            lock, 1, REFRESH_LOCK_SECONDS
        ):
            return value
    try:
        value = compute()
        cache.set(key, (time.time(), value), KEEP_SECONDS)
    finally:
        cache.delete(lock)
    return value


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
    rows = (
        incidents.annotate(month=TruncMonth("date_start"))
        .order_by("month")
        .values("month")
        .annotate(
            incidents=Count("id"),
            low=Sum(Coalesce("killed_low", "killed_best")),
            best=Sum("killed_best"),
            high=Sum(Coalesce("killed_high", "killed_best")),
        )
    )
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


def by_perpetrator(incidents) -> list[dict]:
    """Incidents and people killed by the category of each incident's main perpetrator: an actor in
    the role of perpetrator first, else the main actor of side 1 (ACLED's actor1). Each incident counts
    once, under one category ("not recorded" when it has no such actor).

    One pass: the actors' links are ranked per incident by a window function and the first joined to
    the visible incidents. (A subquery per incident took 11.5 s on a million incidents, this 2.9 s.)"""
    visible = incidents.order_by().values(visible_id=F("pk"), visible_killed=F("killed_best"))
    rank = Case(
        When(role=ActorRole.PERPETRATOR, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    links = (
        IncidentActor.objects.filter(Q(role=ActorRole.PERPETRATOR) | Q(side=1))
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("incident_id")],
                order_by=[rank.asc(), F("side").asc(), F("primary").desc(), F("id").asc()],
            )
        )
        .values(
            link_incident=F("incident_id"),
            link_category=link_category(),
            link_position=F("position"),
        )
    )
    visible_sql, visible_params = visible.query.sql_with_params()
    links_sql, links_params = links.query.sql_with_params()
    sql = (
        f"SELECT main.link_category, COUNT(*), SUM(visible.visible_killed) FROM ({visible_sql}) visible "
        f"LEFT JOIN ({links_sql}) main ON main.link_incident = visible.visible_id AND main.link_position = 1 "
        "GROUP BY main.link_category ORDER BY COUNT(*) DESC, main.link_category"
    )
    with connections[incidents.db].cursor() as cursor:
        cursor.execute(sql, (*visible_params, *links_params))
        rows = cursor.fetchall()
    labels = dict(ActorCategory.choices)
    return [
        {
            "key": category or "",
            "label": str(labels.get(category, _("Not recorded"))),
            "incidents": count,
            "killed": killed or 0,
        }
        for category, count, killed in rows
    ]


def by_region(incidents) -> list[dict]:
    rows = list(
        incidents.order_by()
        .values("admin1_id")
        .annotate(incidents=Count("id"), killed=Sum("killed_best"))
        .order_by("-incidents")
    )
    names = dict(
        Place.objects.filter(
            pk__in=[row["admin1_id"] for row in rows if row["admin1_id"]]
        ).values_list("pk", "name")
    )
    return [
        {
            "key": row["admin1_id"],
            "label": names.get(row["admin1_id"]) or _("Region not known"),
            "incidents": row["incidents"],
            "killed": row["killed"] or 0,
        }
        for row in rows
    ]


def bars(rows: list[dict], killed_label: str) -> dict:
    """People killed by category (rows of by_perpetrator or by_region) as charts.js draws bars; the
    incidents are in the table under the chart (on one axis, their bars would vanish beside the dead)."""
    return {
        "categories": [row["label"] for row in rows],
        "horizontal": True,
        "stacked": False,
        "series": [
            {"label": killed_label, "values": [row["killed"] for row in rows], "color": "#b3261e"}
        ],
    }


def latest(incidents, count: int = LATEST) -> list[dict]:
    """The newest incidents, as plain values (they are cached) with their labels in the active language."""
    event_types, grades = dict(EventType.choices), dict(Grade.choices)
    rows = incidents.order_by("-date_start", "-id").values(
        "id",
        "date_start",
        "date_end",
        "location",
        "event_type",
        "grade",
        "killed_low",
        "killed_best",
        "killed_high",
        "admin1__name",
        "admin2__name",
    )[:count]
    return [
        {
            **row,
            "event_type_label": str(event_types.get(row["event_type"], "")),
            "grade_label": str(grades.get(row["grade"], "")),
        }
        for row in rows
    ]


def recent_points(incidents, count: int = MAP_POINTS) -> list[dict]:
    """The newest incidents that have a position, as map points (vigie.incidents.geo)."""
    newest = (
        incidents.exclude(latitude=None)
        .exclude(longitude=None)
        .order_by("-date_start", "-id")
        .only(*geo.POINT_FIELDS)[:count]
    )
    return geo.points_for(list(newest))


def waiting_for_review(incidents) -> int:
    """Pairs of reports waiting for an analyst, both reports in incidents this audience sees."""
    visible = incidents.order_by().values("pk")
    return (
        LinkPair.objects.filter(status=PairStatus.REVIEW)
        .filter(
            Exists(visible.filter(pk=OuterRef("report_a__incident_id"))),
            Exists(visible.filter(pk=OuterRef("report_b__incident_id"))),
        )
        .count()
    )
