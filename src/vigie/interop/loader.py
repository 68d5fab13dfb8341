"""Loading an import file's records into the database: one transaction, idempotent, fast.

Each record is one account (a dataset event, a partner's report). A record whose source and id
are already stored is unchanged when its content is the same, a new version of the report when its
source timestamp is newer (the incident follows, the change is logged, the old report stays), and
left alone when it is older. New records become new reports and, unless an incident key says
otherwise, new incidents.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from vigie.actors.directory import ActorDirectory
from vigie.core.audit import append_entries
from vigie.core.bulk import (
    DeferredIndexes,
    allocate_ids,
    bulk_insert,
    foreign_keys_checked_once,
    tune_for_bulk_write,
)
from vigie.core.choices import ChangeAction, Visibility
from vigie.core.context import current_change_context
from vigie.core.models import ChangeLogEntry, Organisation
from vigie.core.published import private_suffix
from vigie.core.text import slugify_ascii
from vigie.incidents.models import Incident, IncidentActor, IncidentViolation
from vigie.places.gazetteer import Gazetteer
from vigie.reports.models import Report, Source

from .models import ImportRun
from .pipeline import read_events
from .prepared import INCIDENT_FIELDS, REPORT_FIELDS, SINGLE_REPORT_GRADE, Prepared
from .records import Problem
from .registry import get_format
from .tables import open_table

BATCH = 20_000
MAX_STORED_PROBLEMS = 1000


@dataclass
class ImportResult:
    run_id: int | None
    file_name: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0
    rejected_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    places_created: int = 0
    actors_created: int = 0
    strict_rejected: bool = False

    def summary_lines(self) -> list[str]:
        lines = [
            f"rows read: {self.rows_read}",
            f"incidents created: {self.created}",
            f"incidents updated: {self.updated}",
            f"unchanged: {self.unchanged}"
            + (f" (of which {self.older} older than the stored version)" if self.older else ""),
            f"rows rejected: {self.rejected_rows}",
        ]
        if self.warnings:
            lines.append(f"warnings: {len(self.warnings)}")
        if self.places_created or self.actors_created:
            lines.append(
                f"new places to review: {self.places_created}; new actors to review: {self.actors_created}"
            )
        if self.strict_rejected:
            lines.append("strict mode: the file had bad rows, nothing was imported")
        return lines


class StrictRejection(Exception):
    pass


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


INCIDENT_ACTOR_FIELDS = ["incident", "actor", "side", "primary", "role", "category"]


class Loader:
    """Writes the prepared records of one import run. Use inside transaction.atomic()."""

    def __init__(
        self,
        run: ImportRun,
        organisation: Organisation | None,
        visibility: str,
        default_source: Source | None,
        result: ImportResult,
    ):
        self.run = run
        self.organisation_id = organisation.pk if organisation else None
        self.visibility = visibility
        self.default_source = default_source
        self.result = result
        # Names from an organisation's non-public reports stay that organisation's until an analyst
        # publishes them (vigie.core.published); a dataset's (ACLED, UCDP) are public knowledge.
        self.private_names = (
            organisation is not None and visibility != Visibility.PUBLIC and default_source is None
        )
        self.gazetteer = Gazetteer.load(self.organisation_id, self.private_names)
        self.actors = ActorDirectory.load(self.organisation_id, self.private_names)
        self.now = timezone.now()
        self.context = current_change_context()
        self.sources: dict[tuple[str, str], int] = {}
        self.keyed_incidents: dict[str, int] = {}
        self.keys_created: set[str] = set()
        self.incidents_to_refresh: set[int] = set()
        self.incidents_updated: set[int] = set()
        self.extra_actors: dict[int, list[tuple]] = {}
        self.extra_violations: dict[int, set[str]] = {}
        self.created_ids: list[int] = []
        self.link_categories: dict[
            int, dict[str, int]
        ] = {}  # actor id -> category in its events -> links
        self.batches_written = 0

    # -- sources ---------------------------------------------------------------------------
    def source_id(self, record: Prepared) -> int:
        if self.default_source is not None:
            return self.default_source.pk
        key = (record.source_name, record.source_kind)
        found = self.sources.get(key)
        if found is None:
            slug = slugify_ascii(record.source_name)[:110] or "source"
            # Only a source this organisation may use: another's unpublished source is not borrowed.
            available = Source.objects.available_to(self.organisation_id)
            source = available.filter(slug=slug).first()
            if source is None and self.organisation_id is not None:
                source = available.filter(
                    organisation_id=self.organisation_id, name=record.source_name
                ).first()
            if source is None:
                if self.private_names or Source.objects.filter(slug=slug).exists():
                    slug = f"{slug[:100]}-{private_suffix()}"
                source = Source.objects.create(
                    slug=slug,
                    name=record.source_name,
                    kind=record.source_kind or "partner",
                    language=record.language,
                    organisation_id=self.organisation_id,
                    party=record.source_kind == "official",
                    published=not self.private_names,
                )
            elif not source.published and self.visibility == Visibility.PUBLIC:
                source.published = (
                    True  # the organisation publishes reports from it: it is named with them
                )
                source.save(update_fields=["published"])
            found = self.sources[key] = source.pk
        return found

    # -- the work ----------------------------------------------------------------------------
    def load(self, events: list[Prepared]) -> None:
        by_source: dict[int, list[Prepared]] = {}
        for record in events:
            by_source.setdefault(self.source_id(record), []).append(record)
        for source_id, records in by_source.items():
            self._load_from_source(source_id, records)

    def _existing(self, source_id: int, external_ids: list[str]) -> dict[str, tuple]:
        found: dict[str, tuple] = {}
        with connection.cursor() as cursor:
            for start in range(0, len(external_ids), 900):
                chunk = external_ids[start : start + 900]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT external_id, id, incident_id, source_timestamp, content_hash "
                    f"FROM {Report._meta.db_table} WHERE source_id = %s AND is_current AND external_id IN ({marks})",
                    [source_id, *chunk],
                )
                for (
                    external_id,
                    report_id,
                    incident_id,
                    timestamp,
                    content_hash,
                ) in cursor.fetchall():
                    found[external_id] = (report_id, incident_id, timestamp, content_hash)
        return found

    def _load_from_source(self, source_id: int, records: list[Prepared]) -> None:
        # The same id twice in one file (not one event's rows): the later row wins, as a newer version would.
        unique: dict[str, Prepared] = {}
        for record in records:
            earlier = unique.get(record.external_id)
            if earlier is not None:
                self.result.warnings.append(
                    Problem(
                        record.line,
                        "id",
                        f"{record.external_id} appears again (first on line {earlier.line}); "
                        "the later row is kept",
                        fatal=False,
                    )
                )
            unique[record.external_id] = record
        existing = self._existing(source_id, list(unique))
        new: list[Prepared] = []
        updates: list[tuple[Prepared, tuple]] = []
        for external_id, record in unique.items():
            stored = existing.get(external_id)
            if stored is None:
                new.append(record)
                continue
            _report_id, _incident_id, stored_timestamp, stored_hash = stored
            if record.digest == stored_hash:
                self.result.unchanged += 1
            elif (
                record.source_timestamp is not None
                and stored_timestamp is not None
                and record.source_timestamp < stored_timestamp
            ):
                self.result.unchanged += 1
                self.result.older += 1
            else:
                updates.append((record, stored))
        if new:
            self._insert_new(source_id, new)
            self._keep_statistics_fresh()
        for record, stored in updates:
            self._update(source_id, record, stored)

    def _keep_statistics_fresh(self) -> None:
        """PostgreSQL plans the lookup of existing ids from its statistics, which know nothing of
        the rows this transaction wrote: with a table grown from empty it would read every report of
        the source for each batch (quadratic: 454 s for a million rows). Analysing after batches
        1, 2, 4, 8... keeps the plan on the (source, external_id) index at a logarithmic cost."""
        self.batches_written += 1
        if (
            connection.vendor == "postgresql"
            and self.batches_written & (self.batches_written - 1) == 0
        ):
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Report._meta.db_table}")

    def _place(self, record: Prepared):
        return self.gazetteer.resolve(*record.place_query)

    def _incident_row(self, incident_id: int, record: Prepared, place, key: str) -> tuple:
        return (
            incident_id,
            self.organisation_id,
            self.visibility,
            key,
            place.place_id,
            place.admin0_id,
            place.admin1_id,
            place.admin2_id,
            place.admin3_id,
            self.now,
            self.now,
            *SINGLE_REPORT_GRADE,
            "{}",
            "",
            *record.incident_part,
        )

    def _report_row(
        self,
        report_id: int,
        source_id: int,
        record: Prepared,
        place,
        incident_id: int,
        supersedes: int | None = None,
    ) -> tuple:
        link_method = "key" if record.incident_key else "dataset"
        return (
            report_id,
            source_id,
            self.organisation_id,
            self.visibility,
            True,
            supersedes,
            place.place_id,
            incident_id,
            link_method,
            self.run.pk,
            self.now,
            6,
            *record.report_part,
        )

    def _actor_rows(self, incident_id: int, record: Prepared) -> list[tuple]:
        rows, seen = [], set()
        directory = self.actors
        for name, side, primary, role, hint in record.actors:
            actor_id = directory.resolve(name, hint)
            if (actor_id, side) in seen:
                continue
            seen.add((actor_id, side))
            category = directory.category_in_event(actor_id, hint)
            if category:
                counts = self.link_categories.setdefault(actor_id, {})
                counts[category] = counts.get(category, 0) + 1
            rows.append((incident_id, actor_id, side, primary, role, category))
        return rows

    def _incident_for_key(self, key: str) -> int | None:
        incident_id = self.keyed_incidents.get(key)
        if incident_id is None:
            incident_id = (
                Incident.objects.filter(organisation_id=self.organisation_id, key=key)
                .values_list("id", flat=True)
                .first()
            )
            if incident_id is not None:
                self.keyed_incidents[key] = incident_id
        return incident_id

    def _insert_new(self, source_id: int, records: list[Prepared]) -> None:
        report_ids = allocate_ids(Report, len(records))
        fresh: list[int] = []  # positions of the records that start a new incident
        attach: dict[int, int] = {}  # position -> existing incident id
        attach_in_batch: dict[
            int, int
        ] = {}  # position -> position of the record that starts its incident
        first_of_key: dict[str, int] = {}
        for position, record in enumerate(records):
            key = record.incident_key
            if key:
                incident_id = self._incident_for_key(key)
                if incident_id is not None:
                    attach[position] = incident_id
                    if key not in self.keys_created:
                        self.incidents_updated.add(incident_id)
                    continue
                if key in first_of_key:
                    attach_in_batch[position] = first_of_key[key]
                    continue
                first_of_key[key] = position
            fresh.append(position)
        incident_of = dict(zip(fresh, allocate_ids(Incident, len(fresh)), strict=True))
        for position, first in attach_in_batch.items():
            attach[position] = incident_of[first]
        for key, position in first_of_key.items():
            self.keyed_incidents[key] = incident_of[position]
            self.keys_created.add(key)
        self.incidents_to_refresh.update(attach.values())

        incident_rows, report_rows, actor_rows, violation_rows = [], [], [], []
        for position, record in enumerate(records):
            place = self._place(record)
            incident_id = incident_of.get(position)
            if incident_id is not None:
                incident_rows.append(
                    self._incident_row(incident_id, record, place, record.incident_key)
                )
                actor_rows.extend(self._actor_rows(incident_id, record))
                violation_rows.extend((incident_id, violation) for violation in record.violations)
            else:
                incident_id = attach[position]
                self.extra_actors.setdefault(incident_id, []).extend(
                    self._actor_rows(incident_id, record)
                )
                self.extra_violations.setdefault(incident_id, set()).update(record.violations)
            report_rows.append(
                self._report_row(report_ids[position], source_id, record, place, incident_id)
            )
        bulk_insert(Incident, INCIDENT_FIELDS, incident_rows)
        bulk_insert(IncidentActor, INCIDENT_ACTOR_FIELDS, actor_rows)
        bulk_insert(IncidentViolation, ["incident", "violation"], violation_rows)
        bulk_insert(Report, REPORT_FIELDS, report_rows)
        self.result.created += len(incident_rows)
        self.created_ids.extend(row[0] for row in incident_rows)

    def _update(self, source_id: int, record: Prepared, stored: tuple) -> None:
        """A new version of a stored report: the old one stays, superseded; the incident follows (logged)."""
        old_report_id, incident_id, _timestamp, _hash = stored
        place = self._place(record)
        report_id = allocate_ids(Report, 1)[0]
        Report.objects.filter(pk=old_report_id).update(is_current=False)
        incident = Incident.objects.filter(pk=incident_id).first()
        if incident is None:  # its incident was deleted: the new version starts a new one
            incident_id = allocate_ids(Incident, 1)[0]
            bulk_insert(
                Incident,
                INCIDENT_FIELDS,
                [self._incident_row(incident_id, record, place, record.incident_key)],
            )
            bulk_insert(IncidentActor, INCIDENT_ACTOR_FIELDS, self._actor_rows(incident_id, record))
            self.result.created += 1
            self.created_ids.append(incident_id)
        bulk_insert(
            Report,
            REPORT_FIELDS,
            [
                self._report_row(
                    report_id, source_id, record, place, incident_id, supersedes=old_report_id
                )
            ],
        )
        if incident is None:
            return
        self.incidents_updated.add(incident_id)
        if incident.reports.filter(is_current=True).count() > 1:
            self.incidents_to_refresh.add(incident_id)
            return
        # The incident is this one report: it takes the new version's values (saved through the ORM,
        # so the change log keeps it before and after).
        values = dict(
            zip(
                INCIDENT_FIELDS,
                self._incident_row(incident_id, record, place, incident.key),
                strict=True,
            )
        )
        for name in ("id", "organisation", "visibility", "key", "created", "updated"):
            values.pop(name)
        for name, value in values.items():
            field = Incident._meta.get_field(name)
            if name == "casualty_split":
                value = json.loads(value)
            elif value is not None and field.get_internal_type() == "DateField":
                value = datetime.date.fromisoformat(value)
            setattr(incident, field.attname, value)
        incident.save()
        incident.actor_links.all().delete()
        incident.violations.all().delete()
        bulk_insert(IncidentActor, INCIDENT_ACTOR_FIELDS, self._actor_rows(incident_id, record))
        bulk_insert(
            IncidentViolation,
            ["incident", "violation"],
            [(incident_id, v) for v in record.violations],
        )

    def finish(self) -> None:
        """Incidents that received reports from several rows: add their actors, recompute their figures;
        then one change log entry for the incidents the run created."""
        from vigie.incidents.services import refresh_from_reports

        if self.extra_actors or self.extra_violations:
            known_actors = set(
                IncidentActor.objects.filter(incident_id__in=self.extra_actors).values_list(
                    "incident_id", "actor_id", "side"
                )
            )
            rows = []
            for actor_rows in self.extra_actors.values():
                for row in actor_rows:
                    if row[:3] not in known_actors:
                        known_actors.add(row[:3])
                        rows.append(row)
            bulk_insert(IncidentActor, INCIDENT_ACTOR_FIELDS, rows)
            known_violations = set(
                IncidentViolation.objects.filter(incident_id__in=self.extra_violations).values_list(
                    "incident_id", "violation"
                )
            )
            bulk_insert(
                IncidentViolation,
                ["incident", "violation"],
                [
                    (incident_id, violation)
                    for incident_id, violations in self.extra_violations.items()
                    for violation in sorted(violations)
                    if (incident_id, violation) not in known_violations
                ],
            )
        self.actors.settle_categories(self.link_categories)
        self.actors.settle_countries(self.gazetteer.country_code)
        for incident in Incident.objects.filter(pk__in=self.incidents_to_refresh):
            refresh_from_reports(incident)
        self.result.updated += len(self.incidents_updated)
        self.result.places_created = len(self.gazetteer.created)
        self.result.actors_created = len(self.actors.created)
        self._log_creations()

    def _log_creations(self) -> None:
        """One entry for all the incidents the run created: which ones (as id ranges), by which run.

        Each created incident is its report as it came, kept with the run: repeating it in a
        million entries would double the import for nothing. Every later change of an incident
        is logged with its own before and after.
        """
        if not self.created_ids:
            return
        ranges, ids = [], sorted(self.created_ids)
        start = previous = ids[0]
        for value in ids[1:]:
            if value != previous + 1:
                ranges.append([start, previous])
                start = value
            previous = value
        ranges.append([start, previous])
        context = self.context
        append_entries(
            [
                ChangeLogEntry(
                    user_id=context.user_id,
                    user_name=context.user_name,
                    request_id=context.request_id,
                    origin="import",
                    action=ChangeAction.CREATE,
                    content_type=ContentType.objects.get_for_model(ImportRun),
                    object_id=self.run.pk,
                    object_repr=f"{len(ids)} incidents from import run {self.run.pk} ({self.run.file_name})"[
                        :200
                    ],
                    prechange=None,
                    postchange={
                        "import_run": self.run.pk,
                        "file_sha256": self.run.file_sha256,
                        "incidents_created": len(ids),
                        "incident_ids": ranges,
                    },
                )
            ]
        )


def run_import(
    format_name: str,
    path: str | os.PathLike,
    *,
    organisation: Organisation | None = None,
    strict: bool = False,
    encoding: str | None = None,
    visibility: str | None = None,
    options: dict | None = None,
    on_read: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
    parallel: bool | None = None,
) -> ImportResult:
    """Import one file in one transaction. With ``strict``, any bad row rejects the whole file.

    ``options`` go to the format's reader (ACLED: form="auto"|"dyadic"|"monadic"); ``parallel``
    parses in a worker process (default: for files over a few MB).
    """
    path = Path(path)
    spec = get_format(format_name)
    sha256 = file_sha256(path)
    result = ImportResult(run_id=None, file_name=str(path))
    # An import allocates millions of small objects without reference cycles: the cyclic garbage
    # collector would rescan them over and over (it doubles the parse time; bench/RESULTS.md).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_import(
            spec,
            path,
            sha256,
            result,
            organisation,
            strict,
            encoding,
            visibility,
            options or {},
            on_read,
            batch_size,
            parallel,
        )
    finally:
        if gc_was_enabled:
            gc.enable()


BULK_MODE_ROWS = 200_000  # expected new rows from which indexes are rebuilt rather than updated


def _run_import(
    spec,
    path,
    sha256,
    result,
    organisation,
    strict,
    encoding,
    visibility,
    options,
    on_read,
    batch_size,
    parallel,
) -> ImportResult:
    context = current_change_context()
    size = max(path.stat().st_size, 1)
    bytes_read = 0

    def count(read: int) -> None:
        nonlocal bytes_read
        bytes_read += read
        if on_read is not None:
            on_read(read)

    events = read_events(
        spec.name,
        path,
        encoding=encoding,
        options=options,
        tally=result,
        on_read=count,
        batch_size=batch_size,
        parallel=parallel,
    )
    written = [Incident, IncidentActor, IncidentViolation, Report]
    deferred = DeferredIndexes(
        written,
        keep=lambda definition: "external_id" in definition or '"key"' in definition,
    )
    try:
        with foreign_keys_checked_once(written) as check_foreign_keys, transaction.atomic():
            tune_for_bulk_write()
            source = spec.dataset_source(organisation) if spec.dataset_source else None
            with open_table(path, encoding=encoding) as table:
                columns = table.columns
            run = ImportRun.objects.create(
                format=spec.name,
                file_name=path.name,
                file_sha256=sha256,
                source=source,
                organisation=organisation,
                user_name=context.user_name,
                started=timezone.now(),
                columns=columns,
            )
            result.run_id = run.pk
            loader = Loader(
                run, organisation, visibility or spec.default_visibility, source, result
            )
            for number, batch in enumerate(events):
                created_before = result.created
                loader.load(batch)
                if number == 0 and bytes_read:
                    expected_new = (result.created - created_before) * size / bytes_read
                    if expected_new >= BULK_MODE_ROWS:
                        deferred.drop()
            deferred.restore()
            loader.finish()
            check_foreign_keys()
            if strict and result.problems:
                raise StrictRejection()
            run.finished = timezone.now()
            run.rows_read = result.rows_read
            run.incidents_created = result.created
            run.incidents_updated = result.updated
            run.incidents_unchanged = result.unchanged
            run.rows_rejected = result.rejected_rows
            run.problems = [
                p.describe() for p in (result.problems + result.warnings)[:MAX_STORED_PROBLEMS]
            ]
            run.save()
    except StrictRejection:
        result.strict_rejected = True
        result.created = result.updated = result.unchanged = result.older = 0
        result.run_id = ImportRun.objects.create(
            format=spec.name,
            file_name=path.name,
            file_sha256=sha256,
            source=None,
            organisation=organisation,
            user_name=context.user_name,
            started=timezone.now(),
            finished=timezone.now(),
            status=ImportRun.Status.REJECTED,
            rows_read=result.rows_read,
            rows_rejected=result.rejected_rows,
            problems=[p.describe() for p in result.problems[:MAX_STORED_PROBLEMS]],
        ).pk
    finally:
        events.close()
    if result.created >= ANALYZE_AFTER_ROWS and not result.strict_rejected:
        refresh_statistics()
    return result


ANALYZE_AFTER_ROWS = 10_000


def refresh_statistics() -> None:
    """After a large import, let the database's planner see the new rows (a table grown from empty
    has no statistics: PostgreSQL then plans the incident list by scanning it, 1 s instead of 1 ms)."""
    from vigie.incidents.models import Incident, IncidentActor, IncidentViolation

    tables = [
        model._meta.db_table for model in (Incident, Report, IncidentActor, IncidentViolation)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f'ANALYZE "{table}"')
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


__all__ = ["run_import", "ImportResult", "Visibility", "refresh_statistics"]
