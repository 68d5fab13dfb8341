"""The Vigie reports CSV: accounts from many sources, one row each (docs/formats.md)."""

from __future__ import annotations

from collections.abc import Iterator

from vigie.actors.classify import keyword_category
from vigie.core.event_dates import date_bounds
from vigie.core.text import normalize_name
from vigie.incidents.estimates import CLAIM_FIELDS, claims_to_casualties
from vigie.incidents.vocabulary import DatePrecision, ViolationType
from vigie.places.vocabulary import GeoPrecision

from .acled import EVENT_TYPES, SUB_EVENT_TYPES
from .parsing import (
    MAX_ID,
    check_length,
    check_names,
    parse_coordinate,
    parse_count,
    parse_event_date,
)
from .records import ActorClaim, Problem, ReportRecord, RowError
from .tables import Table, TableError

REQUIRED = ("report_id", "source", "event_date")
SOURCE_KINDS = {"dataset", "media", "partner", "witness", "official", "ngo", "un"}
DATE_PRECISIONS = {precision.value for precision in DatePrecision}
GEO_PRECISIONS = {precision.value for precision in GeoPrecision}
VIOLATIONS = {violation.value for violation in ViolationType}


def _choice(value: str, column: str, allowed: set[str], default: str) -> str:
    text = value.strip().lower()
    if not text:
        return default
    if text not in allowed:
        raise RowError(column, f"must be one of {', '.join(sorted(allowed))}", value)
    return text


class VigieReportsReader:
    format = "reports"
    source_name = ""  # each row names its source
    merge_rows = None  # one row per event: the pipeline has nothing to merge

    def __init__(self, table: Table):
        missing = [name for name in REQUIRED if name not in table.index]
        if missing:
            raise TableError(
                f"{table.path}: line 1: not a Vigie reports file: missing column(s) {', '.join(missing)}"
            )
        self.table = table

    def records(self) -> Iterator[ReportRecord | Problem]:
        index = self.table.index

        def get(values: list[str], name: str) -> str:
            position = index.get(name, -1)
            return values[position].strip() if position >= 0 else ""

        bounds = date_bounds()
        for line, values in self.table.rows():
            try:
                report_id = get(values, "report_id")
                if not report_id:
                    raise RowError("report_id", "the report id is missing")
                source = get(values, "source")
                if not source:
                    raise RowError("source", "the source is missing")
                check_length(report_id, "report_id", MAX_ID)
                check_length(get(values, "incident"), "incident", MAX_ID)
                check_names(
                    {
                        name: get(values, name)
                        for name in ("source", "country", "admin1", "admin2", "admin3", "location")
                    }
                )
                for column in ("perpetrator", "target"):
                    for name in get(values, column).split(";"):
                        check_length(name.strip(), column, 200)
                source_kind = _choice(
                    get(values, "source_kind"), "source_kind", SOURCE_KINDS, "partner"
                )
                start = parse_event_date(get(values, "event_date"), "event_date", bounds)
                end = (
                    parse_event_date(
                        get(values, "event_date_end"), "event_date_end", bounds, required=False
                    )
                    or start
                )
                if end < start:
                    raise RowError(
                        "event_date_end", "ends before it starts", get(values, "event_date_end")
                    )
                published = parse_event_date(
                    get(values, "published"), "published", bounds, required=False
                )
                precision = _choice(
                    get(values, "date_precision"),
                    "date_precision",
                    DATE_PRECISIONS,
                    "day" if end == start else "range",
                )
                geo = _choice(get(values, "geo_precision"), "geo_precision", GEO_PRECISIONS, "")
                latitude = parse_coordinate(get(values, "latitude"), "latitude", 90)
                longitude = parse_coordinate(get(values, "longitude"), "longitude", 180)
                if (latitude is None) != (longitude is None):
                    raise RowError(
                        "longitude" if latitude is not None else "latitude",
                        "latitude and longitude go together",
                    )
                event_type, sub_event_type = "", ""
                if get(values, "event_type"):
                    mapped = EVENT_TYPES.get(normalize_name(get(values, "event_type")))
                    if mapped is None:
                        raise RowError(
                            "event_type",
                            "not an ACLED-compatible event type",
                            get(values, "event_type"),
                        )
                    event_type, sub_event_type = mapped
                if get(values, "sub_event_type"):
                    sub_event_type = SUB_EVENT_TYPES.get(
                        normalize_name(get(values, "sub_event_type")), ""
                    )
                    if not sub_event_type:
                        raise RowError(
                            "sub_event_type",
                            "not an ACLED-compatible sub-event type",
                            get(values, "sub_event_type"),
                        )
                violations = tuple(
                    v.strip() for v in get(values, "violation_types").split(";") if v.strip()
                )
                for violation in violations:
                    if violation not in VIOLATIONS:
                        raise RowError(
                            "violation_types",
                            f"unknown violation type (one of {', '.join(sorted(VIOLATIONS))})",
                            violation,
                        )
                claims = {name: parse_count(get(values, name), name) for name in CLAIM_FIELDS}
            except RowError as error:
                yield Problem(line, error.column, error.reason, error.value)
                continue

            perpetrators = [n.strip() for n in get(values, "perpetrator").split(";") if n.strip()]
            targets = [n.strip() for n in get(values, "target").split(";") if n.strip()]
            actors = [
                ActorClaim(
                    n, 1, i == 0, "perpetrator" if i == 0 else "associated", keyword_category(n)
                )
                for i, n in enumerate(perpetrators)
            ]
            actors += [
                ActorClaim(n, 2, i == 0, "target" if i == 0 else "associated", keyword_category(n))
                for i, n in enumerate(targets)
            ]
            civilian = (
                bool(claims.get("civilians_killed")) or event_type == "violence_against_civilians"
            )
            yield ReportRecord(
                line=line,
                lines=[line],
                external_id=report_id,
                date_start=start,
                date_end=end,
                date_precision=precision,
                published=published,
                country=get(values, "country") or "Mali",
                admin1=get(values, "admin1"),
                admin2=get(values, "admin2"),
                admin3=get(values, "admin3"),
                location=get(values, "location"),
                latitude=latitude,
                longitude=longitude,
                geo_precision=geo,
                event_type=event_type,
                sub_event_type=sub_event_type,
                civilian_targeting=civilian,
                violations=violations,
                actors=actors,
                casualties=claims_to_casualties(claims),
                claims=claims,
                event_label=get(values, "event_label"),
                perpetrator_text=get(values, "perpetrator"),
                target_text=get(values, "target"),
                text=get(values, "text"),
                url=get(values, "url"),
                language=get(values, "source_language"),
                incident_key=get(values, "incident"),
                source_name=source,
                source_kind=source_kind,
                raw=[values],
            )
