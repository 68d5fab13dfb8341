"""`vigie link-file`: the linkage engine alone on a CSV, for researchers (no database)."""

from __future__ import annotations

from pathlib import Path

from vigie.interop import spreadsheet
from vigie.interop.parsing import parse_coordinate, parse_count, parse_date
from vigie.interop.records import Problem, RowError
from vigie.interop.tables import TableError, open_table

from .engine import LinkReport, LinkResult

REQUIRED = ("report_id", "source", "event_date")
COLUMNS = (
    "report_id",
    "source",
    "published",
    "event_date",
    "location",
    "admin1",
    "admin2",
    "latitude",
    "longitude",
    "perpetrator",
    "target",
    "event_label",
    "killed",
)
PRECISIONS = {"point": "exact"}  # the benchmark generator's word for an exact place


def read_link_reports(path: str | Path) -> tuple[list[LinkReport], list[Problem]]:
    """The reports of a link-file CSV (extra columns ignored), and the rows refused with their reason."""
    reports: list[LinkReport] = []
    problems: list[Problem] = []
    with open_table(path) as table:
        missing = [name for name in REQUIRED if name not in table.index]
        if missing:
            raise TableError(f"{path}: line 1: missing column(s) {', '.join(missing)}")
        index = table.index

        def get(values: list[str], name: str) -> str:
            position = index.get(name, -1)
            return values[position].strip() if position >= 0 else ""

        seen: dict[str, int] = {}
        for line, values in table.rows():
            try:
                report_id = get(values, "report_id")
                if not report_id:
                    raise RowError("report_id", "the report id is missing")
                if report_id in seen:
                    raise RowError(
                        "report_id", f"already used on line {seen[report_id]}", report_id
                    )
                latitude = parse_coordinate(get(values, "latitude"), "latitude", 90)
                longitude = parse_coordinate(get(values, "longitude"), "longitude", 180)
                if (latitude is None) != (longitude is None):
                    raise RowError(
                        "longitude" if latitude is not None else "latitude",
                        "latitude and longitude go together",
                    )
                geo = get(values, "geo_precision").lower()
                reports.append(
                    LinkReport(
                        report_id=report_id,
                        source=get(values, "source"),
                        event_date=parse_date(get(values, "event_date"), "event_date"),
                        published=parse_date(get(values, "published"), "published", required=False),
                        event_date_end=parse_date(
                            get(values, "event_date_end"), "event_date_end", required=False
                        ),
                        date_precision=get(values, "date_precision").lower() or "day",
                        location=get(values, "location"),
                        admin1=get(values, "admin1"),
                        admin2=get(values, "admin2"),
                        latitude=latitude,
                        longitude=longitude,
                        geo_precision=PRECISIONS.get(geo, geo),
                        perpetrator=get(values, "perpetrator"),
                        target=get(values, "target"),
                        event_label=get(values, "event_label"),
                        killed=parse_count(get(values, "killed"), "killed"),
                    )
                )
                seen[report_id] = line
            except RowError as error:
                problems.append(Problem(line, error.column, error.reason, error.value))
        problems.extend(table.problems)
    return reports, problems


def write_links(path: str | Path, result: LinkResult) -> int:
    """report_id, incident: one row per report, in the order of the incidents."""
    rows = sorted(result.incident_of.items(), key=lambda item: (item[1], item[0]))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = spreadsheet.writer(handle)  # report ids come from the input file
        writer.writerow(["report_id", "incident"])
        writer.writerows(rows)
    return len(rows)
