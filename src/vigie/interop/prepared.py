"""A complete record in the shape the database takes it, made where the file is parsed.

The parsing worker turns each ReportRecord into a Prepared tuple: the parts of the incident and
report rows that depend on the record alone, already in column order, dates as ISO text. The
writing process only adds what needs the database (ids, places, actors, the organisation): it
does no per-field work, and plain tuples cross between processes cheaply.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from vigie.incidents.estimates import CLAIM_FIELDS, GRADE_REASONS, RULE_PHRASES
from vigie.incidents.vocabulary import CASUALTY_FIELDS, SPLIT_FIGURES

from .records import ReportRecord

# Incident columns: the head is filled in by the loader, the part comes from the record.
INCIDENT_HEAD = [
    "id",
    "organisation",
    "visibility",
    "key",
    "place",
    "admin0",
    "admin1",
    "admin2",
    "admin3",
    "created",
    "updated",
    "grade",
    "grade_reason",
    "figures_override",
    "override_reason",
]
INCIDENT_PART = [
    "date_start",
    "date_end",
    "date_precision",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "event_type",
    "sub_event_type",
    "civilian_targeting",
    "estimate_rule",
    "needs_review",
    "casualty_split",
    *CASUALTY_FIELDS,
]
INCIDENT_FIELDS = INCIDENT_HEAD + INCIDENT_PART

REPORT_HEAD = [
    "id",
    "source",
    "organisation",
    "visibility",
    "is_current",
    "supersedes",
    "place",
    "incident",
    "link_method",
    "import_run",
    "created",
    "credibility",
]
REPORT_PART = [
    "external_id",
    "source_timestamp",
    "content_hash",
    "published",
    "date_start",
    "date_end",
    "date_precision",
    "country_text",
    "admin1_text",
    "admin2_text",
    "admin3_text",
    "location_text",
    "latitude",
    "longitude",
    "geo_precision",
    "event_type",
    "sub_event_type",
    "event_label",
    "perpetrator_text",
    "target_text",
    *CLAIM_FIELDS,
    "text",
    "original_source",
    "url",
    "language",
    "raw",
    "flags",
]
REPORT_FIELDS = REPORT_HEAD + REPORT_PART

SINGLE_REPORT_RULE = RULE_PHRASES["single"]
SINGLE_REPORT_GRADE = (
    "weak",
    GRADE_REASONS["single_report"],
)  # the grade criteria for one report of credibility 6


class Prepared(NamedTuple):
    line: int
    external_id: str
    source_name: str
    source_kind: str
    language: str
    incident_key: str
    source_timestamp: int | None
    digest: str
    place_query: tuple  # (country, admin1, admin2, admin3, location, latitude, longitude)
    actors: tuple  # ((name, side, primary, role, category_hint), ...)
    violations: tuple
    label: str  # a short description for the change log
    incident_part: tuple
    report_part: tuple


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def split_json(figures: dict[str, int]) -> str:
    """The figures that have no column, as the JSON text of Incident.casualty_split."""
    return json.dumps(
        {name: figures[name] for name in SPLIT_FIGURES if figures.get(name) is not None}
    )


def prepare(record: ReportRecord) -> Prepared:
    digest = record.content_hash()
    casualties = record.casualties
    start, end = _iso(record.date_start), _iso(record.date_end)
    incident_part = (
        start,
        end,
        record.date_precision,
        record.location[:200],
        record.latitude,
        record.longitude,
        record.geo_precision,
        record.event_type,
        record.sub_event_type,
        record.civilian_targeting,
        SINGLE_REPORT_RULE,
        False,
        split_json(casualties),
        *[casualties.get(name) for name in CASUALTY_FIELDS],
    )
    claims = record.claims
    report_part = (
        record.external_id,
        record.source_timestamp,
        digest,
        _iso(record.published),
        start,
        end,
        record.date_precision,
        record.country[:100],
        record.admin1[:200],
        record.admin2[:200],
        record.admin3[:200],
        record.location[:200],
        record.latitude,
        record.longitude,
        record.geo_precision,
        record.event_type,
        record.sub_event_type,
        record.event_label[:300],
        record.perpetrator_text[:500],
        record.target_text[:500],
        *[claims.get(name) for name in CLAIM_FIELDS],
        record.text,
        record.original_source[:500],
        record.url[:500],
        record.language[:10],
        json.dumps(record.raw),
        json.dumps(list(record.flags)),
    )
    return Prepared(
        line=record.line,
        external_id=record.external_id,
        source_name=record.source_name,
        source_kind=record.source_kind,
        language=record.language,
        incident_key=record.incident_key,
        source_timestamp=record.source_timestamp,
        digest=digest,
        place_query=(
            record.country,
            record.admin1,
            record.admin2,
            record.admin3,
            record.location,
            record.latitude,
            record.longitude,
        ),
        actors=tuple((a.name, a.side, a.primary, a.role, a.category_hint) for a in record.actors),
        violations=tuple(record.violations),
        label=f"{record.event_type} {record.location} {start}"[:200],
        incident_part=incident_part,
        report_part=report_part,
    )
