"""Loading ReportRecords into the database: one transaction, idempotent, fast.

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
from vigie.core.bulk import DeferredIndexes, allocate_ids, bulk_insert, tune_for_bulk_write
from vigie.core.choices import ChangeAction, Visibility
from vigie.core.context import current_change_context
from vigie.core.models import ChangeLogEntry, Organisation
from vigie.incidents.choices import CASUALTY_FIELDS, SPLIT_FIGURES
from vigie.incidents.models import Incident, IncidentActor, IncidentViolation
from vigie.places.gazetteer import Gazetteer
from vigie.reports.models import Report, Source

from .models import ImportRun
from .pipeline import read_events
from .records import Problem, ReportRecord
from .registry import get_format

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
            f"unchanged: {self.unchanged}" + (f" (of which {self.older} older than the stored version)" if self.older else ""),
            f"rows rejected: {self.rejected_rows}",
        ]
        if self.places_created or self.actors_created:
            lines.append(f"new places to review: {self.places_created}; new actors to review: {self.actors_created}")
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


REPORT_FIELDS = [
    "id", "source", "organisation", "visibility", "external_id", "is_current", "supersedes",
    "source_timestamp", "content_hash", "published", "date_start", "date_end", "date_precision",
    "country_text", "admin1_text", "admin2_text", "admin3_text", "location_text", "latitude", "longitude",
    "geo_precision", "place", "event_type", "sub_event_type", "event_label", "perpetrator_text", "target_text",
    "killed", "killed_low", "killed_high", "civilians_killed", "combatants_killed", "injured", "abducted",
    "text", "original_source", "url", "language", "raw", "incident", "link_method", "import_run", "created",
]
INCIDENT_FIELDS = [
    "id", "organisation", "visibility", "key", "date_start", "date_end", "date_precision", "place",
    "admin0", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "event_type", "sub_event_type", "civilian_targeting", "estimate_rule", "needs_review", "created", "updated",
    "casualty_split", *CASUALTY_FIELDS,
]
CLAIM_FIELDS = ["killed", "killed_low", "killed_high", "civilians_killed", "combatants_killed", "injured", "abducted"]
CHANGELOG_FIELDS = [
    "time", "user", "user_name", "request_id", "origin", "action", "content_type", "object_id",
    "object_repr", "prechange", "postchange",
]


def split_json(figures: dict[str, int]) -> str:
    """The figures that have no column, as the JSON text of Incident.casualty_split."""
    return json.dumps({name: figures[name] for name in SPLIT_FIGURES if figures.get(name) is not None})


def _json_default(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(type(value))


class Loader:
    """Writes records of one import run. Use inside transaction.atomic()."""

    def __init__(self, run: ImportRun, organisation: Organisation | None, visibility: str,
                 default_source: Source | None, result: ImportResult):
        self.run = run
        self.organisation_id = organisation.pk if organisation else None
        self.visibility = visibility
        self.default_source = default_source
        self.result = result
        self.gazetteer = Gazetteer.load()
        self.actors = ActorDirectory.load()
        self.now = timezone.now()
        self.context = current_change_context()
        self.incident_type_id = ContentType.objects.get_for_model(Incident).pk
        self.sources: dict[tuple[str, str], int] = {}
        self.keyed_incidents: dict[str, int] = {}
        self.keys_created: set[str] = set()
        self.incidents_to_refresh: set[int] = set()
        self.incidents_updated: set[int] = set()
        self.extra_actors: dict[int, list[tuple]] = {}
        self.extra_violations: dict[int, set[str]] = {}

    # -- sources ---------------------------------------------------------------------------
    def source_id(self, record: ReportRecord) -> int:
        if self.default_source is not None:
            return self.default_source.pk
        key = (record.source_name, record.source_kind)
        found = self.sources.get(key)
        if found is None:
            from vigie.core.text import slugify_ascii

            slug = slugify_ascii(record.source_name)[:110] or "source"
            source = Source.objects.filter(slug=slug).first()
            if source is None:
                source = Source.objects.create(
                    slug=slug, name=record.source_name, kind=record.source_kind or "partner",
                    language=record.language, organisation_id=self.organisation_id,
                )
            found = self.sources[key] = source.pk
        return found

    # -- the work ----------------------------------------------------------------------------
    def load(self, events: list[ReportRecord]) -> None:
        by_source: dict[int, list[ReportRecord]] = {}
        for record in events:
            by_source.setdefault(self.source_id(record), []).append(record)
        for source_id, records in by_source.items():
            self._load_from_source(source_id, records)

    def _existing(self, source_id: int, external_ids: list[str]) -> dict[str, tuple]:
        found: dict[str, tuple] = {}
        with connection.cursor() as cursor:
            for start in range(0, len(external_ids), 900):
                chunk = external_ids[start:start + 900]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT external_id, id, incident_id, source_timestamp, content_hash "
                    f"FROM {Report._meta.db_table} WHERE source_id = %s AND is_current AND external_id IN ({marks})",
                    [source_id, *chunk],
                )
                for external_id, report_id, incident_id, timestamp, content_hash in cursor.fetchall():
                    found[external_id] = (report_id, incident_id, timestamp, content_hash)
        return found

    def _load_from_source(self, source_id: int, records: list[ReportRecord]) -> None:
        # The same id twice in one file (not one event's rows): the later row wins, as a newer version would.
        unique: dict[str, ReportRecord] = {}
        for record in records:
            if record.external_id in unique and unique[record.external_id] is not record:
                self.result.warnings.append(Problem(
                    record.line, "id", f"{record.external_id} appears again (first on line {unique[record.external_id].line}); the later row is kept",
                    fatal=False))
            unique[record.external_id] = record
        existing = self._existing(source_id, list(unique))
        new: list[ReportRecord] = []
        updates: list[tuple[ReportRecord, tuple]] = []
        for external_id, record in unique.items():
            stored = existing.get(external_id)
            if stored is None:
                new.append(record)
                continue
            content_hash = record.digest or record.content_hash()
            _report_id, _incident_id, stored_timestamp, stored_hash = stored
            if content_hash == stored_hash:
                self.result.unchanged += 1
            elif (record.source_timestamp is not None and stored_timestamp is not None
                  and record.source_timestamp < stored_timestamp):
                self.result.unchanged += 1
                self.result.older += 1
            else:
                updates.append((record, stored))
        if new:
            self._insert_new(source_id, new)
        for record, stored in updates:
            self._update(source_id, record, stored)

    def _place(self, record: ReportRecord):
        return self.gazetteer.resolve(record.country, record.admin1, record.admin2, record.admin3,
                                      record.location, record.latitude, record.longitude)

    def _incident_values(self, incident_id: int, record: ReportRecord, place, key: str) -> tuple:
        casualties = record.casualties
        return (
            incident_id, self.organisation_id, self.visibility, key, record.date_start, record.date_end,
            record.date_precision, place.place_id, place.admin0_id, place.admin1_id, place.admin2_id,
            place.admin3_id, record.location[:200], record.latitude, record.longitude, record.geo_precision,
            record.event_type, record.sub_event_type, record.civilian_targeting,
            "single report: its own figures", False, self.now, self.now,
            split_json(casualties), *[casualties.get(name) for name in CASUALTY_FIELDS],
        )

    def _report_values(self, report_id: int, source_id: int, record: ReportRecord, place, incident_id: int,
                       link_method: str, supersedes: int | None) -> tuple:
        claims = record.claims
        return (
            report_id, source_id, self.organisation_id, self.visibility, record.external_id, True, supersedes,
            record.source_timestamp, record.digest or record.content_hash(), record.published, record.date_start, record.date_end,
            record.date_precision, record.country[:100], record.admin1[:200], record.admin2[:200],
            record.admin3[:200], record.location[:200], record.latitude, record.longitude, record.geo_precision,
            place.place_id, record.event_type, record.sub_event_type, record.event_label[:300],
            record.perpetrator_text[:500], record.target_text[:500],
            *[claims.get(name) for name in CLAIM_FIELDS],
            record.text, record.original_source[:500], record.url[:500], record.language[:10],
            record.raw_json or json.dumps(record.raw), incident_id, link_method, self.run.pk, self.now,
        )

    def _actor_rows(self, incident_id: int, record: ReportRecord) -> list[tuple]:
        rows, seen = [], set()
        for claim in record.actors:
            actor_id = self.actors.resolve(claim.name, claim.category_hint)
            if (actor_id, claim.side) in seen:
                continue
            seen.add((actor_id, claim.side))
            rows.append((incident_id, actor_id, claim.side, claim.primary, claim.role))
        return rows

    def _changelog_row(self, incident_id: int, action: str, repr_text: str, prechange, postchange) -> tuple:
        context = self.context
        return (
            self.now, context.user_id, context.user_name, context.request_id, "import", action,
            self.incident_type_id, incident_id, repr_text[:200],
            None if prechange is None else json.dumps(prechange, default=_json_default, ensure_ascii=False),
            postchange if postchange is None or isinstance(postchange, str)
            else json.dumps(postchange, default=_json_default, ensure_ascii=False),
        )

    def _incident_for_key(self, key: str) -> int | None:
        incident_id = self.keyed_incidents.get(key)
        if incident_id is None:
            incident_id = (Incident.objects.filter(organisation_id=self.organisation_id, key=key)
                           .values_list("id", flat=True).first())
            if incident_id is not None:
                self.keyed_incidents[key] = incident_id
        return incident_id

    def _insert_new(self, source_id: int, records: list[ReportRecord]) -> None:
        report_ids = allocate_ids(Report, len(records))
        fresh: list[int] = []  # positions of the records that start a new incident
        attach: dict[int, int] = {}  # position -> existing incident id
        attach_in_batch: dict[int, int] = {}  # position -> position of the record that starts its incident
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

        incident_rows, report_rows, actor_rows, violation_rows, log_rows = [], [], [], [], []
        for position, record in enumerate(records):
            place = self._place(record)
            link_method = "key" if record.incident_key else "dataset"
            incident_id = incident_of.get(position)
            if incident_id is not None:
                values = self._incident_values(incident_id, record, place, record.incident_key)
                incident_rows.append(values)
                actor_rows.extend(self._actor_rows(incident_id, record))
                violation_rows.extend((incident_id, violation) for violation in record.violations)
                # A created incident is its report as it came: the entry points to it instead of
                # repeating it (updates keep full before/after snapshots).
                log_rows.append(self._changelog_row(
                    incident_id, ChangeAction.CREATE, f"{record.event_type} {record.location} {record.date_start}",
                    None, f'{{"import_run": {self.run.pk}, "report": {report_ids[position]}}}'))
                self.result.created += 1
            else:
                incident_id = attach[position]
                self.extra_actors.setdefault(incident_id, []).extend(self._actor_rows(incident_id, record))
                self.extra_violations.setdefault(incident_id, set()).update(record.violations)
            report_rows.append(self._report_values(report_ids[position], source_id, record, place, incident_id,
                                                   link_method, None))
        bulk_insert(Incident, INCIDENT_FIELDS, incident_rows)
        bulk_insert(IncidentActor, ["incident", "actor", "side", "primary", "role"], actor_rows)
        bulk_insert(IncidentViolation, ["incident", "violation"], violation_rows)
        bulk_insert(Report, REPORT_FIELDS, report_rows)
        bulk_insert(ChangeLogEntry, CHANGELOG_FIELDS, log_rows)

    def _update(self, source_id: int, record: ReportRecord, stored: tuple) -> None:
        old_report_id, incident_id, _timestamp, _hash = stored
        place = self._place(record)
        report_id = allocate_ids(Report, 1)[0]
        Report.objects.filter(pk=old_report_id).update(is_current=False)
        bulk_insert(Report, REPORT_FIELDS, [self._report_values(
            report_id, source_id, record, place, incident_id, "key" if record.incident_key else "dataset",
            old_report_id)])
        incident = Incident.objects.filter(pk=incident_id).first()
        if incident is None:  # its incident was deleted: the new version starts a new one
            self._insert_new_incident_for(report_id, source_id, record)
            return
        if incident.reports.filter(is_current=True).count() > 1:
            self.incidents_to_refresh.add(incident_id)
            self.incidents_updated.add(incident_id)
            return
        else:
            values = dict(zip(INCIDENT_FIELDS, self._incident_values(incident_id, record, place, incident.key), strict=False))
            for name in ("id", "organisation", "visibility", "key", "created", "updated"):
                values.pop(name)
            for name, value in values.items():
                setattr(incident, Incident._meta.get_field(name).attname, value)
            incident.save()
            incident.actor_links.all().delete()
            incident.violations.all().delete()
            bulk_insert(IncidentActor, ["incident", "actor", "side", "primary", "role"], self._actor_rows(incident_id, record))
            bulk_insert(IncidentViolation, ["incident", "violation"], [(incident_id, v) for v in record.violations])
        self.incidents_updated.add(incident_id)

    def _insert_new_incident_for(self, report_id: int, source_id: int, record: ReportRecord) -> None:
        place = self._place(record)
        incident_id = allocate_ids(Incident, 1)[0]
        bulk_insert(Incident, INCIDENT_FIELDS, [self._incident_values(incident_id, record, place, record.incident_key)])
        bulk_insert(IncidentActor, ["incident", "actor", "side", "primary", "role"], self._actor_rows(incident_id, record))
        Report.objects.filter(pk=report_id).update(incident_id=incident_id)
        self.result.created += 1

    def finish(self) -> None:
        """Incidents that received reports from several rows: add their actors, recompute their figures."""
        from vigie.incidents.services import refresh_from_reports

        if self.extra_actors or self.extra_violations:
            known_actors = set(IncidentActor.objects.filter(incident_id__in=self.extra_actors)
                               .values_list("incident_id", "actor_id", "side"))
            rows = []
            for actor_rows in self.extra_actors.values():
                for row in actor_rows:
                    if row[:3] not in known_actors:
                        known_actors.add(row[:3])
                        rows.append(row)
            bulk_insert(IncidentActor, ["incident", "actor", "side", "primary", "role"], rows)
            known_violations = set(IncidentViolation.objects.filter(incident_id__in=self.extra_violations)
                                   .values_list("incident_id", "violation"))
            bulk_insert(IncidentViolation, ["incident", "violation"], [
                (incident_id, violation) for incident_id, violations in self.extra_violations.items()
                for violation in sorted(violations) if (incident_id, violation) not in known_violations])
        for incident in Incident.objects.filter(pk__in=self.incidents_to_refresh):
            refresh_from_reports(incident)
        self.result.updated += len(self.incidents_updated)
        self.result.places_created = len(self.gazetteer.created)
        self.result.actors_created = len(self.actors.created)


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
        return _run_import(spec, path, sha256, result, organisation, strict, encoding, visibility,
                           options or {}, on_read, batch_size, parallel)
    finally:
        if gc_was_enabled:
            gc.enable()


BULK_MODE_ROWS = 200_000  # expected new rows from which indexes are rebuilt rather than updated


def _run_import(spec, path, sha256, result, organisation, strict, encoding, visibility, options, on_read,
                batch_size, parallel) -> ImportResult:
    context = current_change_context()
    size = max(path.stat().st_size, 1)
    bytes_read = 0

    def count(read: int) -> None:
        nonlocal bytes_read
        bytes_read += read
        if on_read is not None:
            on_read(read)

    events = read_events(spec.name, path, encoding=encoding, options=options, tally=result, on_read=count,
                         batch_size=batch_size, parallel=parallel)
    deferred = DeferredIndexes(
        [Incident, IncidentActor, IncidentViolation, Report, ChangeLogEntry],
        keep=lambda definition: "external_id" in definition or '"key"' in definition,
    )
    try:
        tune_for_bulk_write()
        with transaction.atomic():
            source = spec.dataset_source(organisation) if spec.dataset_source else None
            run = ImportRun.objects.create(
                format=spec.name, file_name=path.name, file_sha256=sha256, source=source,
                organisation=organisation, user_name=context.user_name, started=timezone.now(),
            )
            result.run_id = run.pk
            loader = Loader(run, organisation, visibility or spec.default_visibility, source, result)
            for number, batch in enumerate(events):
                created_before = result.created
                loader.load(batch)
                if number == 0 and bytes_read:
                    expected_new = (result.created - created_before) * size / bytes_read
                    if expected_new >= BULK_MODE_ROWS:
                        deferred.drop()
            deferred.restore()
            loader.finish()
            if strict and result.problems:
                raise StrictRejection()
            run.finished = timezone.now()
            run.rows_read = result.rows_read
            run.incidents_created = result.created
            run.incidents_updated = result.updated
            run.incidents_unchanged = result.unchanged
            run.rows_rejected = result.rejected_rows
            run.problems = [p.describe() for p in (result.problems + result.warnings)[:MAX_STORED_PROBLEMS]]
            run.save()
    except StrictRejection:
        result.strict_rejected = True
        result.created = result.updated = result.unchanged = result.older = 0
        result.run_id = ImportRun.objects.create(
            format=spec.name, file_name=path.name, file_sha256=sha256, source=None,
            organisation=organisation, user_name=context.user_name, started=timezone.now(),
            finished=timezone.now(), status=ImportRun.Status.REJECTED, rows_read=result.rows_read,
            rows_rejected=result.rejected_rows,
            problems=[p.describe() for p in result.problems[:MAX_STORED_PROBLEMS]],
        ).pk
    finally:
        events.close()
    return result


__all__ = ["run_import", "ImportResult", "Visibility"]
