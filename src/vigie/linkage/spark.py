"""The linkage engine on Apache Spark, for report streams that outgrow one machine.

Two faces: `SparkLinker`, the `vigie.linkage.interface.LinkerBackend` that the local `Linker` also
implements (reports held, new reports added, their incidents), and `link_spark`, the same work on
DataFrames throughout: reports in (a Spark DataFrame with the columns of `vigie link-file`),
incidents out (a DataFrame of report_id, incident). The work is split the way
the engine already splits it: by spatial block (the report's cercle). Each block is linked by the
plain-Python engine on an executor, with one model for all blocks, learned on the driver from a
sample of the reports and broadcast.

One difference with a single machine: a report placed only by coordinates that lie about as near
to two cercle chief towns is compared within its nearest cercle only (the single-machine engine
also compares it with the second). pyspark is optional (`pip install pyspark`, Java 17 or later).
"""

from __future__ import annotations

import datetime
import random
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache

from .clustering import Linker
from .comparisons import block_keys
from .engine import link
from .interface import LinkReport, LinkResult, PairScore
from .reference import default_reference
from .training import HAND, Model

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

    event_date = day("event_date")
    if event_date is None:
        raise ValueError(f"report {data['report_id']!r} has no event_date")
    return LinkReport(
        report_id=str(data["report_id"]),
        source=data.get("source") or "",
        event_date=event_date,
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
    keys = block_keys(report, default_reference(), _cercle_index())
    return keys[0] if keys else ""


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
        model = link([_as_report(r) for r in rows]).model or HAND
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


def _link_held_block(
    block: str, items: Iterable[tuple[LinkReport, str | None, str | None]], model: Model
) -> tuple[dict[str, str], list[PairScore], int]:
    """One block: its reports already linked seeded with their labels, the new ones added."""
    held, labels, fresh, together = [], {}, [], {}
    for report, label, group in items:
        if label is not None:
            held.append(report)
            labels[report.report_id] = label
        else:
            fresh.append(report)
            if group is not None:
                together[report.report_id] = group
    if not fresh:
        return {}, [], 0
    linker = Linker(model=model)
    linker.seed(held, labels)
    result = linker.add(fresh, together=together)
    held_labels = set(labels.values())
    incident_of = {
        report_id: label if label in held_labels else f"{block or '-'}:{label}"
        for report_id, label in result.incident_of.items()
    }
    return incident_of, result.pairs, result.comparisons


class SparkLinker:
    """`vigie.linkage.interface.LinkerBackend` on Spark: the reports held and new are grouped by spatial
    block and each block is linked by the local `Linker` on an executor (seeded with the reports
    already linked), with one model for all blocks. Without a model, the first `add` learns one on
    the driver from up to ``sample`` of its reports (a random sample).

    The driver keeps the reports held and their labels (what `incident_of` answers); for a stream of
    reports too large for that, `link_spark` works on DataFrames throughout. New incidents are
    labelled ``<cercle>:I000001``...; held incidents keep their labels. Limits beside the local
    backend: a report placed only by coordinates about as near two cercle chief towns is compared
    within the nearest one only, and a ``together`` group whose reports fall in two cercles starts as
    one incident in each.
    """

    def __init__(
        self, session, *, model: Model | None = None, sample: int = 50_000, seed: int = 0
    ) -> None:
        self.session = session
        self.model = model
        self.sample = sample
        self.random_seed = seed
        self._held: list[LinkReport] = []
        self._labels: dict[str, str] = {}

    def _check_new(self, reports: Sequence[LinkReport]) -> None:
        seen: set[str] = set()
        for report in reports:
            if report.report_id in self._labels or report.report_id in seen:
                raise ValueError(f"duplicate report_id: {report.report_id!r}")
            seen.add(report.report_id)

    def seed(self, reports: Sequence[LinkReport], incident_of: Mapping[str, str]) -> None:
        self._check_new(reports)
        for report in reports:
            self._labels[report.report_id] = incident_of[report.report_id]
        self._held.extend(reports)

    def add(
        self,
        reports: Sequence[LinkReport],
        *,
        learn: bool = True,
        together: Mapping[str, str] | None = None,
        fallback: Model | None = None,
    ) -> LinkResult:
        reports = list(reports)
        self._check_new(reports)
        if self.model is None:
            sample = (
                random.Random(self.random_seed).sample(reports, self.sample)
                if len(reports) > self.sample
                else reports
            )
            learned = link(sample, learn=learn).model if learn else HAND
            self.model = fallback if learned is HAND and fallback is not None else learned
        model = self.model
        assert model is not None
        groups = together or {}
        items = [(r, self._labels[r.report_id], None) for r in self._held] + [
            (r, None, groups.get(r.report_id)) for r in reports
        ]
        payload = self.session.sparkContext.broadcast(model.as_json())

        def by_block(rows):
            for item in rows:
                yield block_of(item[0]), item

        def link_blocks(pairs):
            current = Model.from_json(payload.value)
            grouped: dict[str, list] = {}
            for block, item in pairs:
                grouped.setdefault(block, []).append(item)
            for block in sorted(grouped):
                yield _link_held_block(block, grouped[block], current)

        blocks = self.session.sparkContext.parallelize(items).mapPartitions(by_block)
        keys = blocks.keys().distinct().count() or 1
        outcomes = (
            blocks.partitionBy(keys, lambda key: zlib.crc32(key.encode()))
            .mapPartitions(link_blocks)
            .collect()
        )
        incident_of: dict[str, str] = {}
        scored: list[PairScore] = []
        comparisons = 0
        for labels, pairs, compared in outcomes:
            incident_of.update(labels)
            scored.extend(pairs)
            comparisons += compared
        scored.sort(key=lambda p: (-p.score, p.a, p.b))
        self._held.extend(reports)
        self._labels.update(incident_of)
        return LinkResult(
            incident_of=incident_of, pairs=scored, comparisons=comparisons, model=model
        )

    def incident_of(self) -> dict[str, str]:
        return dict(self._labels)
