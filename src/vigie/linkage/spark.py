"""The linkage engine on Apache Spark, for report streams that outgrow one machine.

Same interface as `vigie.linkage.engine.link`: reports in (a Spark DataFrame with the columns of
`vigie link-file`), incidents out (a DataFrame of report_id, incident). The work is split the way
the engine already splits it: by spatial block (the report's cercle). Each block is linked by the
plain-Python engine on an executor, with one model for all blocks, learned on the driver from a
sample of the reports and broadcast.

One difference with a single machine: a report placed only by coordinates that lie about as near
to two cercle chief towns is compared within its nearest cercle only (the single-machine engine
also compares it with the second). pyspark is optional (`pip install pyspark`, Java 17 or later).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from functools import lru_cache

from .engine import Linker, LinkReport, Model, _resolve_place, _Resolved, link
from .reference import default_reference

COLUMNS = (
    "report_id",
    "source",
    "published",
    "event_date",
    "event_date_end",
    "date_precision",
    "location",
    "admin1",
    "admin2",
    "latitude",
    "longitude",
    "geo_precision",
    "perpetrator",
    "target",
    "event_label",
    "killed",
)


def _as_report(row) -> LinkReport:
    data = row.asDict() if hasattr(row, "asDict") else dict(row)

    def day(name: str) -> datetime.date | None:
        value = data.get(name)
        if value in (None, ""):
            return None
        return (
            value
            if isinstance(value, datetime.date)
            else datetime.date.fromisoformat(str(value)[:10])
        )

    def number(name: str, kind=float):
        value = data.get(name)
        return None if value in (None, "") else kind(value)

    return LinkReport(
        report_id=str(data["report_id"]),
        source=data.get("source") or "",
        event_date=day("event_date"),
        published=day("published"),
        event_date_end=day("event_date_end"),
        date_precision=data.get("date_precision") or "day",
        location=data.get("location") or "",
        admin1=data.get("admin1") or "",
        admin2=data.get("admin2") or "",
        latitude=number("latitude"),
        longitude=number("longitude"),
        geo_precision=data.get("geo_precision") or "",
        perpetrator=data.get("perpetrator") or "",
        target=data.get("target") or "",
        event_label=data.get("event_label") or "",
        killed=number("killed", int),
    )


@lru_cache(maxsize=1)
def _cercle_index():
    """The cercle chief towns, once per executor process (block_of runs for every report)."""
    return default_reference().cercles()


def block_of(report: LinkReport) -> str:
    """The report's spatial block: its cercle's code ('' when the report cannot be placed)."""
    resolved = _Resolved(0, report, "", report.event_date, report.event_date, report.date_precision)
    _resolve_place(resolved, default_reference(), _cercle_index())
    return resolved.cercles[0] if resolved.cercles else ""


def _link_block(block: str, rows: Iterable, model: Model) -> Iterator[tuple[str, str]]:
    reports = [_as_report(row) for row in rows]
    result = Linker(model=model).add(reports)
    for report_id, label in result.incident_of.items():
        yield report_id, f"{block or '-'}:{label}"


def link_spark(frame, *, model: Model | None = None, sample: int = 50_000, seed: int = 0):
    """Link the reports of a Spark DataFrame; returns a DataFrame (report_id, incident).

    Without ``model``, one is learned on the driver from up to ``sample`` reports (a random sample)
    with `vigie.linkage.engine.estimate`, then broadcast to every block.
    """
    if model is None:
        total = frame.count()
        fraction = min(1.0, sample / total) if total else 1.0
        rows = (
            frame.sample(fraction=fraction, seed=seed).limit(sample).collect()
            if fraction < 1
            else frame.collect()
        )
        model = link([_as_report(r) for r in rows]).model
    broadcast = frame.sparkSession.sparkContext.broadcast(model.as_json())

    def by_block(rows):
        for row in rows:
            yield block_of(_as_report(row)), row

    def link_blocks(pairs):
        current = Model.from_json(broadcast.value)
        groups: dict[str, list] = {}
        for block, row in pairs:
            groups.setdefault(block, []).append(row)
        for block in sorted(groups):
            yield from _link_block(block, groups[block], current)

    blocks = frame.rdd.mapPartitions(by_block)
    keys = blocks.keys().distinct().count() or 1
    linked = blocks.partitionBy(keys, lambda key: hash(key)).mapPartitions(link_blocks)
    return frame.sparkSession.createDataFrame(linked, "report_id string, incident string")
