"""UCDP Georeferenced Event Dataset (GED) rows as ReportRecords.

UCDP GED is published under CC BY 4.0: imports record the attribution on the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from vigie.actors.classify import category_from_ucdp_side, split_actor_names
from vigie.core.event_dates import date_bounds

from .parsing import (
    MAX_ID,
    check_length,
    check_names,
    parse_coordinate,
    parse_count,
    parse_event_date,
    parse_int,
)
from .records import ActorClaim, Problem, ReportRecord, RowError
from .tables import Table, TableError

ATTRIBUTION = (
    "Uppsala Conflict Data Program (UCDP) Georeferenced Event Dataset, licensed CC BY 4.0. "
    "Sundberg, Ralph and Erik Melander (2013) Introducing the UCDP Georeferenced Event Dataset. "
    "Journal of Peace Research 50(4); Davies, Shawn, Therése Pettersson and Magnus Öberg (2023)."
)

DATE_PRECISION = {1: "day", 2: "range", 3: "week", 4: "month", 5: "year"}
WHERE_PRECISION = {
    1: "exact",
    2: "near",
    3: "admin2",
    4: "admin1",
    5: "admin1",
    6: "country",
    7: "country",
}
TYPE_OF_VIOLENCE = {1: "state-based", 2: "non-state", 3: "one-sided"}
REQUIRED = ("id", "date_start", "date_end", "side_a", "side_b", "best", "type_of_violence")

_ADMIN_SUFFIX = re.compile(
    r"\s+(region|province|cercle|district|commune|department|prefecture)$", re.IGNORECASE
)
_PLACE_SUFFIX = re.compile(r"\s+(village|town|city|area|hamlet)$", re.IGNORECASE)


def _admin_name(value: str) -> str:
    return _ADMIN_SUFFIX.sub("", value.strip())


class UcdpGedReader:
    format = "ucdp"
    source_name = "UCDP GED"
    merge_rows = None  # one row per event: the pipeline has nothing to merge

    def __init__(self, table: Table):
        missing = [name for name in REQUIRED if name not in table.index]
        if missing:
            raise TableError(
                f"{table.path}: line 1: not a UCDP GED file: missing column(s) {', '.join(missing)}"
            )
        self.table = table

    def records(self) -> Iterator[ReportRecord | Problem]:
        index = self.table.index

        def get(values: list[str], name: str) -> str:
            position = index.get(name, -1)
            return values[position] if position >= 0 else ""

        bounds = date_bounds()
        for line, values in self.table.rows():
            try:
                event_id = get(values, "id").strip()
                if not event_id:
                    raise RowError("id", "the event id is missing")
                check_length(event_id, "id", MAX_ID)
                parse_int(event_id, "id", required=True)
                check_names(
                    {
                        name: get(values, name)
                        for name in ("country", "adm_1", "adm_2", "where_coordinates")
                    }
                )
                for side in ("side_a", "side_b"):
                    for name in split_actor_names(get(values, side)):
                        check_length(name, side, 200)
                start = parse_event_date(get(values, "date_start"), "date_start", bounds)
                end = parse_event_date(get(values, "date_end"), "date_end", bounds)
                if end < start:
                    raise RowError(
                        "date_end",
                        f"ends before it starts ({start.isoformat()})",
                        get(values, "date_end"),
                    )
                violence = parse_int(
                    get(values, "type_of_violence"), "type_of_violence", required=True
                )
                if violence not in TYPE_OF_VIOLENCE:
                    raise RowError(
                        "type_of_violence", "must be 1, 2 or 3", get(values, "type_of_violence")
                    )
                date_prec = parse_int(get(values, "date_prec"), "date_prec") or 1
                if date_prec not in DATE_PRECISION:
                    raise RowError("date_prec", "must be 1 to 5", get(values, "date_prec"))
                where_prec = parse_int(get(values, "where_prec"), "where_prec") or 0
                if where_prec and where_prec not in WHERE_PRECISION:
                    raise RowError("where_prec", "must be 1 to 7", get(values, "where_prec"))
                counts = {
                    name: parse_count(get(values, name), name)
                    for name in (
                        "deaths_a",
                        "deaths_b",
                        "deaths_civilians",
                        "deaths_unknown",
                        "best",
                        "low",
                        "high",
                    )
                }
                best = counts["best"]
                if best is None:
                    raise RowError("best", "the best estimate is required")
                published_low = counts["low"] if counts["low"] is not None else best
                published_high = counts["high"] if counts["high"] is not None else best
                latitude = parse_coordinate(get(values, "latitude"), "latitude", 90)
                longitude = parse_coordinate(get(values, "longitude"), "longitude", 180)
            except RowError as error:
                yield Problem(line, error.column, error.reason, error.value)
                continue

            # UCDP publishes some rows (0.2 to 1.3 % of a release) with low, best and high out of order.
            # The row is kept as published (raw, and a mark on the report); the figures the incident is
            # estimated from are a range that holds the best figure: the least and the most of the three.
            low, high = (
                min(published_low, best, published_high),
                max(published_low, best, published_high),
            )
            flags: tuple[str, ...] = ()
            notes: list[Problem] = []
            if not published_low <= best <= published_high:
                flags = ("figures_out_of_order",)
                notes.append(
                    Problem(
                        line,
                        "best",
                        f"low ({published_low}), best ({best}) and high ({published_high}) are out of order as "
                        f"published; the row is kept as published and the incident's range is {low} to {high}",
                        str(best),
                        fatal=False,
                    )
                )
            country = get(values, "country").strip()
            side_a, side_b = get(values, "side_a").strip(), get(values, "side_b").strip()
            one_sided = violence == 3
            # A side may name several actors ("GATIA, MSA"): each is an actor of that side.
            actors = [
                ActorClaim(
                    name,
                    1,
                    True,
                    "perpetrator" if one_sided else "party",
                    category_from_ucdp_side(name, country),
                )
                for name in split_actor_names(side_a)
            ]
            actors += [
                ActorClaim(
                    name,
                    2,
                    True,
                    "target" if one_sided else "party",
                    category_from_ucdp_side(name, country),
                )
                for name in split_actor_names(side_b)
            ]
            civilians = counts["deaths_civilians"]
            combatants = (counts["deaths_a"] or 0) + (counts["deaths_b"] or 0)
            unknown = counts["deaths_unknown"]
            casualties = {"killed_low": low, "killed_best": best, "killed_high": high}
            if civilians is not None:
                casualties["killed_civilian_best"] = civilians
            if counts["deaths_a"] is not None or counts["deaths_b"] is not None:
                casualties["killed_combatant_best"] = combatants
            if unknown is not None:
                casualties["killed_unknown_best"] = unknown
            headline = get(values, "source_headline").strip()
            description = get(values, "where_description").strip()
            yield ReportRecord(
                line=line,
                lines=[line],
                external_id=event_id,
                date_start=start,
                date_end=end,
                date_precision=DATE_PRECISION[date_prec]
                if start != end or date_prec == 1
                else "day",
                country=country,
                admin1=_admin_name(get(values, "adm_1")),
                admin2=_admin_name(get(values, "adm_2")),
                location=_PLACE_SUFFIX.sub("", get(values, "where_coordinates").strip()),
                latitude=latitude,
                longitude=longitude,
                geo_precision=WHERE_PRECISION.get(where_prec, ""),
                event_type="violence_against_civilians" if one_sided else "battles",
                sub_event_type="attack" if one_sided else "armed_clash",
                civilian_targeting=one_sided,
                violations=("killing",) if (civilians or 0) > 0 else (),
                actors=actors,
                casualties=casualties,
                claims={
                    "killed": best,
                    "killed_low": low,
                    "killed_high": high,
                    "civilians_killed": civilians,
                    "combatants_killed": combatants or None,
                },
                event_label=get(values, "dyad_name").strip(),
                text="\n".join(part for part in (headline, description) if part),
                original_source=get(values, "source_office").strip()
                or get(values, "source_article").strip()[:500],
                language="en",
                raw=[values],
                flags=flags,
                notes=notes,
            )
