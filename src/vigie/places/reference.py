"""Loading the gazetteer that ships with Vigie into the database.

The entries come from vigie.places.mali (the hand-made places/data/mali_places.csv merged with the
geoBoundaries and GeoNames files of places/data/mali/). About 15,700 places and 5,000 other
spellings: written with bulk inserts, level by level (a place's parent first), with one change-log
entry per place created or changed, chained in one batch. Measured in bench/gazetteer.py.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from vigie.core.audit import append_entries
from vigie.core.choices import ChangeAction
from vigie.core.context import current_change_context
from vigie.core.models import ChangeLogEntry
from vigie.core.text import normalize_name

from .mali import CURATED, MALI_DIR, Entry, build_entries, read_curated, shipped_entries
from .models import Place, PlaceAlias

DEFAULT_GAZETTEER = CURATED
FIELDS = (
    "kind",
    "name",
    "parent_id",
    "latitude",
    "longitude",
    "pcode",
    "note",
    "needs_review",
    "external_id",
    "notable",
    "boundary",
)
BATCH = 2000


def _values(entry: Entry, parent_id: int | None) -> dict:
    return {
        "kind": entry.kind,
        "name": entry.name[:200],
        "parent_id": parent_id,
        "latitude": entry.latitude,
        "longitude": entry.longitude,
        "pcode": entry.pcode[:20],
        "note": entry.note[:300],
        "needs_review": False,
        "external_id": entry.external_id[:60],
        "notable": entry.notable,
        "boundary": json.dumps(entry.boundary, separators=(",", ":")) if entry.boundary else "",
    }


def _log(places: list[Place], action: str, before: dict[int, dict] | None = None) -> None:
    if not places:
        return
    context = current_change_context()
    content_type = ContentType.objects.get_for_model(Place)
    append_entries(
        [
            ChangeLogEntry(
                user_id=context.user_id,
                user_name=context.user_name,
                request_id=context.request_id,
                origin=context.origin,
                action=action,
                content_type=content_type,
                object_id=place.pk,
                object_repr=str(place)[:200],
                prechange=before.get(place.pk) if before else None,
                postchange=place.snapshot(),
            )
            for place in places
        ]
    )


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows written with COPY (PostgreSQL) or executemany (SQLite): Django's bulk_create spends
    most of a 15,000-row load preparing each value of each object (measured: 4 times slower on
    SQLite; executemany is 3 times slower than COPY on PostgreSQL)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[start : start + BATCH]
            )


PLACE_COLUMNS = ("code", *FIELDS)


def _file_digests(path: Path, mali_dir: Path) -> dict[str, str]:
    files = [path, *sorted(mali_dir.glob("*.*"))]
    return {file.name: hashlib.sha256(file.read_bytes()).hexdigest() for file in files}


@transaction.atomic
def load_gazetteer(path: Path = DEFAULT_GAZETTEER, mali_dir: Path = MALI_DIR) -> tuple[int, int]:
    """Create or update the shipped places (by code) and their other spellings; returns (created,
    updated). Idempotent: a second run changes nothing. Places not in the files (those created
    from imported names) are left alone.

    The change log gets one entry per hand-made place created and per place changed, as any write;
    the places created from the shipped datasets (GeoNames villages, geoBoundaries communes: about
    15,000) get one entry, on the country, that names how many and the SHA-256 of the files they
    came from (they can be rebuilt from them), rather than 15,000 entries for every new database."""
    entries = (
        shipped_entries()
        if (path, mali_dir) == (DEFAULT_GAZETTEER, MALI_DIR)
        else tuple(build_entries(path, mali_dir))
    )
    codes = {entry.code for entry in entries}
    curated_codes = {entry.code for entry in read_curated(path)}
    # what the database holds, as plain tuples (model instances only for the places that change)
    existing: dict[str, tuple] = {
        row[1]: row for row in Place.objects.values_list("pk", "code", *FIELDS) if row[1] in codes
    }
    id_of = {code: row[0] for code, row in existing.items()}
    outside = {e.parent_code for e in entries if e.parent_code and e.parent_code not in codes}
    id_of.update(Place.objects.filter(code__in=outside).values_list("code", "pk"))
    if outside - set(id_of):
        missing = ", ".join(sorted(outside - set(id_of)))
        raise ValueError(f"{path}: parents not found for codes: {missing}")

    created_codes: list[str] = []
    updated: list[Place] = []
    before: dict[int, dict] = {}
    # level by level, so that every parent has its id before its children are written
    for kind in ("country", "region", "cercle", "commune", "locality"):
        rows: list[tuple] = []
        changed_here: list[Place] = []
        for entry in entries:
            if entry.kind != kind:
                continue
            values = _values(entry, id_of.get(entry.parent_code) if entry.parent_code else None)
            stored = existing.get(entry.code)
            if stored is None:
                rows.append((entry.code, *values.values(), True))
                created_codes.append(entry.code)
            elif stored[2:] != tuple(values.values()):
                place = Place.objects.get(pk=stored[0])
                before[place.pk] = place.snapshot()
                for key, value in values.items():
                    setattr(place, key, value)
                changed_here.append(place)
        _insert(Place, (*PLACE_COLUMNS, "published"), rows)
        if rows:
            # all places of the kind, filtered here: an IN list of 15,000 codes is slower
            written = {row[0] for row in rows}
            id_of.update(
                (code, pk)
                for code, pk in Place.objects.filter(kind=kind).values_list("code", "pk")
                if code in written
            )
        Place.objects.bulk_update(changed_here, FIELDS, batch_size=BATCH)
        updated += changed_here

    logged = [code for code in created_codes if code in curated_codes]
    _log(
        list(Place.objects.filter(code__in=logged).order_by("pk")) if logged else [],
        ChangeAction.CREATE,
    )
    _log(updated, ChangeAction.UPDATE, before)
    from_datasets = len(created_codes) - len(logged)
    if from_datasets:
        _log_dataset_load(id_of.get("MLI"), from_datasets, _file_digests(path, mali_dir))

    known: set[tuple[int, str]] = set()
    if existing:
        known = set(
            PlaceAlias.objects.filter(place_id__in=[id_of[e.code] for e in entries]).values_list(
                "place_id", "normalized"
            )
        )
    aliases: list[tuple] = []
    for entry in entries:
        place_id = id_of[entry.code]
        own = normalize_name(entry.name)
        for alias in entry.aliases:
            normalized = normalize_name(alias)[:200]
            if normalized and normalized != own and (place_id, normalized) not in known:
                known.add((place_id, normalized))
                aliases.append((place_id, alias[:200], normalized))
    _insert(PlaceAlias, ("place_id", "name", "normalized"), aliases)
    return len(created_codes), len(updated)


def _log_dataset_load(country_id: int | None, count: int, digests: dict[str, str]) -> None:
    if country_id is None:
        return
    country = Place.objects.get(pk=country_id)
    context = current_change_context()
    append_entries(
        [
            ChangeLogEntry(
                user_id=context.user_id,
                user_name=context.user_name,
                request_id=context.request_id,
                origin=context.origin,
                action=ChangeAction.UPDATE,
                content_type=ContentType.objects.get_for_model(Place),
                object_id=country.pk,
                object_repr=str(country)[:200],
                prechange=None,
                postchange={"gazetteer_places_loaded": count, "files_sha256": digests},
            )
        ]
    )
