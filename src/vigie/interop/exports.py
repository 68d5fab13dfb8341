"""Incident exports: CSV, GeoJSON and HXL, one incident a row (docs/formats-export.md).

An export is built from an allowlist of columns (``COLUMNS``), never by dumping model fields: the
texts of reports, their raw rows, the perpetrator and target as reported, and anything about users
are never read here. Who an export is for decides what it holds:

* the public (no organisation): incidents whose visibility is ``public``; in ``source_ids`` only
  public reports, and never a report from a witness;
* an organisation's members: also that organisation's incidents whose visibility is
  ``organisation``, and its own reports in ``source_ids``. ``restricted`` incidents are never
  exported.

Incidents are read in primary-key order by keyset pagination, ``CHUNK_SIZE`` at a time; for each
chunk the actors, the violations and the current reports come from one query each (values, no
model instances), and the place names from one dictionary loaded once. Memory stays flat however
many incidents there are, and the writers stream what they are given.
"""

from __future__ import annotations

import datetime
import json
import math
import operator
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from vigie.interop import spreadsheet

CHUNK_SIZE = 5_000

# The export columns, in order. Each is documented in docs/formats-export.md.
COLUMNS: tuple[str, ...] = (
    "incident_id",
    "date_start",
    "date_end",
    "date_precision",
    "event_type",
    "sub_event_type",
    "violation_types",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "actor1",
    "actor1_category",
    "actor2",
    "actor2_category",
    "assoc_actors1",
    "assoc_actors2",
    "killed_low",
    "killed_best",
    "killed_high",
    "civilians_killed_low",
    "civilians_killed_best",
    "civilians_killed_high",
    "injured_low",
    "injured_best",
    "injured_high",
    "abducted_low",
    "abducted_best",
    "abducted_high",
    "estimate_rule",
    "n_reports",
    "n_sources",
    "source_ids",
    "updated",
)

# HXL hashtags (https://hxlstandard.org), one per column. The date precision is tagged #meta, not
# #date: libhxl's default schema requires every #date cell to be a date, and "day" is not one.
HXL_TAGS: dict[str, str] = {
    "incident_id": "#event+id",
    "date_start": "#date+start",
    "date_end": "#date+end",
    "date_precision": "#meta+date+precision",
    "event_type": "#event+type",
    "sub_event_type": "#event+type+sub",
    "violation_types": "#event+type+violation",
    "country": "#country+name",
    "admin1": "#adm1+name",
    "admin2": "#adm2+name",
    "admin3": "#adm3+name",
    "location": "#loc+name",
    "latitude": "#geo+lat",
    "longitude": "#geo+lon",
    "geo_precision": "#geo+precision",
    "actor1": "#group+name+first",
    "actor1_category": "#group+type+first",
    "actor2": "#group+name+second",
    "actor2_category": "#group+type+second",
    "assoc_actors1": "#group+name+first+assoc",
    "assoc_actors2": "#group+name+second+assoc",
    "killed_low": "#affected+killed+low",
    "killed_best": "#affected+killed+best",
    "killed_high": "#affected+killed+high",
    "civilians_killed_low": "#affected+killed+civilians+low",
    "civilians_killed_best": "#affected+killed+civilians+best",
    "civilians_killed_high": "#affected+killed+civilians+high",
    "injured_low": "#affected+injured+low",
    "injured_best": "#affected+injured+best",
    "injured_high": "#affected+injured+high",
    "abducted_low": "#affected+abducted+low",
    "abducted_best": "#affected+abducted+best",
    "abducted_high": "#affected+abducted+high",
    "estimate_rule": "#meta+rule",
    "n_reports": "#meta+reports+num",
    "n_sources": "#meta+sources+num",
    "source_ids": "#meta+source+id",
    "updated": "#date+updated",
}
assert tuple(HXL_TAGS) == COLUMNS

# Incident fields read for each row: (column, model field), in COLUMNS order where they appear.
# civilians_killed_* are the model's killed_civilian_* figures.
_CASUALTIES: tuple[tuple[str, str], ...] = tuple(
    (f"{column}_{bound}", f"{field}_{bound}")
    for column, field in (
        ("killed", "killed"),
        ("civilians_killed", "killed_civilian"),
        ("injured", "injured"),
        ("abducted", "abducted"),
    )
    for bound in ("low", "best", "high")
)
_INCIDENT_FIELDS: tuple[str, ...] = (
    "id",
    "date_start",
    "date_end",
    "date_precision",
    "event_type",
    "sub_event_type",
    "admin0_id",
    "admin1_id",
    "admin2_id",
    "admin3_id",
    "place_id",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    *(field for _column, field in _CASUALTIES),
    "estimate_rule",
    "updated",
)

_CASUALTY_COLUMNS: tuple[str, ...] = tuple(column for column, _field in _CASUALTIES)

STATE_FORCES = "state_forces"
FOREIGN_FORCES = "foreign_forces"


def actor_category(category: str, actor_country: str, incident_country: str | None) -> str:
    """An actor's category as exported: another country's state forces are foreign forces here."""
    if (
        category == STATE_FORCES
        and actor_country
        and incident_country
        and actor_country != incident_country
    ):
        return FOREIGN_FORCES
    return category


# -- rows --------------------------------------------------------------------------------------------


def _iso_date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _iso_time(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def _joined(values: Iterable[str]) -> str | None:
    return ";".join(values) or None


def _place_table(audience_organisation_id: int | None = None) -> dict[int, tuple[str, str]]:
    """Place id -> (name, code), for the places whose names the audience may read."""
    from vigie.core.published import name_shown_to_audience
    from vigie.places.models import Place

    return {
        pk: (name, code)
        for pk, name, code, published, organisation_id in Place.objects.order_by().values_list(
            "id", "name", "code", "published", "organisation_id"
        )
        if name_shown_to_audience(published, organisation_id, audience_organisation_id)
    }


def _for_chunk(ids: list[int]) -> dict[str, Any]:
    """A filter on incident_id for one chunk: a range when the ids are dense (most exports), else a list.

    Rows of incidents outside the chunk that a range lets through are never looked up, so never exported.
    """
    if ids[-1] - ids[0] < 2 * len(ids):
        return {"incident_id__gte": ids[0], "incident_id__lte": ids[-1]}
    return {"incident_id__in": ids}


def _chunk_actors(
    ids: list[int], audience_organisation_id: int | None = None
) -> dict[int, list[tuple]]:
    """incident id -> its actor links as (side, not main, link id, name, category, country), sorted; the
    name None when the audience may not read it (``name_shown_to_audience``)."""
    from vigie.core.published import name_shown_to_audience
    from vigie.incidents.models import IncidentActor

    found: dict[int, list[tuple]] = {}
    rows = (
        IncidentActor.objects.filter(**_for_chunk(ids))
        .order_by()
        .values_list(
            "incident_id",
            "side",
            "primary",
            "id",
            "actor__name",
            "actor__category",
            "actor__country",
            "actor__published",
            "actor__organisation_id",
        )
    )
    for (
        incident_id,
        side,
        primary,
        link_id,
        name,
        category,
        country,
        published,
        organisation_id,
    ) in rows:
        if not name_shown_to_audience(published, organisation_id, audience_organisation_id):
            name = None
        found.setdefault(incident_id, []).append(
            (side, not primary, link_id, name, category, country)
        )
    for links in found.values():
        links.sort()
    return found


def _chunk_violations(ids: list[int]) -> dict[int, list[str]]:
    from vigie.incidents.models import IncidentViolation

    found: dict[int, list[str]] = {}
    for incident_id, violation in (
        IncidentViolation.objects.filter(**_for_chunk(ids))
        .order_by()
        .values_list("incident_id", "violation")
    ):
        found.setdefault(incident_id, []).append(violation)
    return found


def _chunk_reports(
    ids: list[int], audience_organisation_id: int | None
) -> dict[int, tuple[int, int, str | None]]:
    """incident id -> (current reports, distinct sources, listed "source-slug:external_id" joined)."""
    from vigie.core.published import name_shown_to_audience
    from vigie.core.querysets import report_listed_for_audience
    from vigie.reports.models import Report

    by_incident: dict[int, list[tuple]] = {}
    rows = (
        Report.objects.filter(is_current=True, **_for_chunk(ids))
        .order_by()
        .values_list(
            "incident_id",
            "id",
            "source_id",
            "source__slug",
            "source__kind",
            "external_id",
            "visibility",
            "organisation_id",
            "source__published",
            "source__organisation_id",
        )
    )
    for incident_id, *rest in rows:
        by_incident.setdefault(incident_id, []).append(tuple(rest))
    found: dict[int, tuple[int, int, str | None]] = {}
    for incident_id, reports in by_incident.items():
        reports.sort()
        listed = [
            f"{slug}:{external_id}"
            for (
                _id,
                _source_id,
                slug,
                kind,
                external_id,
                visibility,
                organisation_id,
                source_published,
                source_organisation_id,
            ) in reports
            if report_listed_for_audience(
                visibility, organisation_id, kind, audience_organisation_id
            )
            and name_shown_to_audience(
                source_published, source_organisation_id, audience_organisation_id
            )
        ]
        found[incident_id] = (
            len(reports),
            len({report[1] for report in reports}),
            _joined(dict.fromkeys(listed)),
        )
    return found


def _sides(links: list[tuple], incident_country: str | None) -> tuple:
    """actor1, actor1_category, actor2, actor2_category, assoc_actors1, assoc_actors2."""
    if not links:
        return _NO_ACTORS
    main_values: list[str | None] = []
    associates: list[str | None] = []
    for side in (1, 2):
        on_side = [link for link in links if link[0] == side]
        # Sorted main actor first; a second main actor on the same side is listed with the associates.
        main = on_side[0] if on_side and not on_side[0][1] else None
        main_values.append(main[3] if main else None)
        main_values.append(actor_category(main[4], main[5], incident_country) if main else None)
        associates.append(
            _joined(dict.fromkeys(link[3] for link in on_side if link is not main and link[3]))
        )
    return (*main_values, *associates)


_NO_ACTORS = (None,) * 6
_NO_REPORTS = (0, 0, None)
_NO_PLACE = (None, None)


def incident_rows(
    queryset=None, audience_organisation=None, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[dict]:
    """One export dict per incident (keys: ``COLUMNS``, in order), by increasing incident id.

    Only the incidents the audience may see are yielded, whatever ``queryset`` holds (it may only
    narrow the selection; it must not be sliced). Values are str, int, float or None.
    """
    from vigie.incidents.models import Incident

    audience_id = audience_organisation.pk if audience_organisation is not None else None
    places = _place_table(audience_id)
    # Who sees what: the access layer's rule for an export's audience (vigie.core.querysets).
    base = (
        (Incident.objects.all() if queryset is None else queryset)
        .for_audience(organisation_ids=[audience_id] if audience_id is not None else [])
        .order_by("pk")
        .values_list(*_INCIDENT_FIELDS)
    )
    last_id = None
    while True:
        page = base if last_id is None else base.filter(pk__gt=last_id)
        chunk = list(page[:chunk_size])
        if not chunk:
            return
        ids = [values[0] for values in chunk]
        actors = _chunk_actors(ids, audience_id)
        violations = _chunk_violations(ids)
        reports = _chunk_reports(ids, audience_id)
        for (
            incident_id,
            date_start,
            date_end,
            date_precision,
            event_type,
            sub_event_type,
            admin0,
            admin1,
            admin2,
            admin3,
            place_id,
            location,
            latitude,
            longitude,
            geo_precision,
            *casualties,
            estimate_rule,
            updated,
        ) in chunk:
            country, country_code = places.get(admin0, _NO_PLACE)
            actor1, category1, actor2, category2, associates1, associates2 = _sides(
                actors.get(incident_id, ()), country_code
            )
            n_reports, n_sources, source_ids = reports.get(incident_id, _NO_REPORTS)
            incident_violations = violations.get(incident_id)
            row = {
                "incident_id": incident_id,
                "date_start": _iso_date(date_start),
                "date_end": _iso_date(date_end),
                "date_precision": date_precision or None,
                "event_type": event_type or None,
                "sub_event_type": sub_event_type or None,
                "violation_types": ";".join(sorted(incident_violations))
                if incident_violations
                else None,
                "country": country,
                "admin1": places.get(admin1, _NO_PLACE)[0],
                "admin2": places.get(admin2, _NO_PLACE)[0],
                "admin3": places.get(admin3, _NO_PLACE)[0],
                # the location as reported names the incident's place: not when that name is withheld
                "location": (location or None) if place_id is None or place_id in places else None,
                "latitude": latitude,
                "longitude": longitude,
                "geo_precision": geo_precision or None,
                "actor1": actor1,
                "actor1_category": category1,
                "actor2": actor2,
                "actor2_category": category2,
                "assoc_actors1": associates1,
                "assoc_actors2": associates2,
            }
            row.update(zip(_CASUALTY_COLUMNS, casualties, strict=True))
            row["estimate_rule"] = estimate_rule or None
            row["n_reports"] = n_reports
            row["n_sources"] = n_sources
            row["source_ids"] = source_ids
            row["updated"] = _iso_time(updated)
            yield row
        if len(chunk) < chunk_size:
            return
        last_id = ids[-1]


# -- writers: (rows, handle) -> count ------------------------------------------------------------


def _write_table(rows: Iterable[dict], handle: TextIO, tags: bool) -> int:
    # RFC 4180: commas, double quotes, CRLF line ends; None as ""; no cell a spreadsheet runs as a formula
    writer = spreadsheet.writer(handle)
    writer.writerow(COLUMNS)
    if tags:
        writer.writerow([HXL_TAGS[column] for column in COLUMNS])
    cells = operator.itemgetter(*COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(cells(row))
        count += 1
    return count


def write_csv(rows: Iterable[dict], handle: TextIO) -> int:
    """CSV with a header row; an empty cell for an unknown value."""
    return _write_table(rows, handle, tags=False)


def write_hxl(rows: Iterable[dict], handle: TextIO) -> int:
    """The CSV with a row of HXL hashtags under the header."""
    return _write_table(rows, handle, tags=True)


def _geometry(latitude: float | None, longitude: float | None) -> dict | None:
    if (
        latitude is None
        or longitude is None
        or not (math.isfinite(latitude) and math.isfinite(longitude))
    ):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return {"type": "Point", "coordinates": [longitude, latitude]}


def write_geojson(rows: Iterable[dict], handle: TextIO) -> int:
    """A GeoJSON FeatureCollection (RFC 7946), written feature by feature."""
    handle.write('{"type": "FeatureCollection", "features": [')
    count = 0
    for row in rows:
        properties = {
            column: row[column] for column in COLUMNS if column not in ("latitude", "longitude")
        }
        feature = {
            "type": "Feature",
            "id": row["incident_id"],
            "geometry": _geometry(row["latitude"], row["longitude"]),
            "properties": properties,
        }
        handle.write(
            ("\n" if count == 0 else ",\n")
            + json.dumps(feature, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        )
        count += 1
    handle.write("\n]}\n")
    return count


# -- the entry point -----------------------------------------------------------------------------


def export_incidents(handle: TextIO, format_name: str, *, organisation=None, queryset=None) -> int:
    """Write the incidents ``organisation`` (or, without one, the public) may see; return how many.

    ``format_name`` is a registered export format (csv, geojson, hxl); ``queryset`` optionally
    narrows the incidents (it cannot widen what the audience may see).
    """
    from .registry import get_export_format

    spec = get_export_format(format_name)
    return spec.writer(incident_rows(queryset, organisation), handle)


__all__ = [
    "COLUMNS",
    "HXL_TAGS",
    "CHUNK_SIZE",
    "export_incidents",
    "incident_rows",
    "actor_category",
    "write_csv",
    "write_geojson",
    "write_hxl",
]
