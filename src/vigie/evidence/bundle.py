"""A case's evidence as one ZIP for a court, a prosecutor or a UN office.

Inside the bundle:

    evidence/evidence-<id>-<hash prefix>.<ext>   every original and every working copy, byte for byte
    manifest.json, manifest.csv                  per file: its path in the bundle, SHA-256, size, media
                                                 type, capture metadata, derivation, chain of custody
    SHA256SUMS                                   `sha256sum -c SHA256SUMS` checks every file above

Each file is hashed again while it is copied into the bundle; a file that no longer matches its
recorded hash stops the export (and names the item). Each item gets an 'exported' custody event,
which the manifest already includes. The manifest's own SHA-256 is returned (and printed by
`vigie evidence bundle`) so that it can be written down apart from the bundle.

Personal details (who collected a file, its source address, its original name, descriptions,
custody notes, the names of the people in the chain of custody, who appear as "user <id>") stay out
of the manifest unless ``include_personal`` is set.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.permissions import require, require_in_organisation
from vigie.interop import spreadsheet

from .choices import CustodyAction
from .models import CustodyEvent, EvidenceItem
from .services import _actor_name, record_custody
from .store import CHUNK_BYTES, EvidenceStore, default_store

FORMAT = "vigie-evidence-bundle/1"
CSV_COLUMNS = [
    "path",
    "sha256",
    "size",
    "media_type",
    "item_id",
    "derived_from",
    "transformation",
    "captured_at",
    "captured_place_code",
    "captured_place",
    "latitude",
    "longitude",
    "device",
    "collected_by",
    "source",
    "original_filename",
    "description",
    "received_at",
    "custody",
]
_PERSONAL = ("collected_by", "source", "original_filename", "description", "transformation")


class BundleError(ValueError):
    pass


@dataclass
class BundleResult:
    path: Path
    items: int
    manifest_sha256: str
    manifest_csv_sha256: str


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds")
    return value.isoformat()


def _copy_into(archive: zipfile.ZipFile, arcname: str, source, size: int, compress: bool) -> str:
    """Copy ``source`` into the archive, returning the SHA-256 of what was copied."""
    info = zipfile.ZipInfo(arcname, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o444 << 16
    digest = hashlib.sha256()
    with archive.open(info, "w", force_zip64=size > 2**31 - 1) as target:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            target.write(chunk)
    return digest.hexdigest()


def _add_bytes(archive: zipfile.ZipFile, arcname: str, data: bytes) -> None:
    _copy_into(archive, arcname, io.BytesIO(data), len(data), compress=True)


def _custody_entry(event: CustodyEvent, include_personal: bool) -> dict:
    entry = {
        "time": _iso(event.time),
        "action": event.action,
        "by": _who(event.actor_id, event.actor_name, include_personal),
        "sha256": event.sha256 or None,
    }
    if include_personal:
        entry["note"] = event.note or None
    return entry


def _who(user_id: int | None, name: str, include_personal: bool) -> str:
    """A person's name only with personal details; otherwise their account number, which the
    organisation can match to a name for a court."""
    if include_personal:
        return name
    return f"user {user_id}" if user_id is not None else "operator"


def _item_entry(item: EvidenceItem, path: str, include_personal: bool) -> dict:
    entry = {
        "path": path,
        "sha256": item.sha256,
        "size": item.size,
        "media_type": item.media_type,
        "item_id": item.pk,
        "derived_from": item.derived_from_id,
        "captured_at": _iso(item.captured_at),
        "captured_place_code": item.captured_place.code if item.captured_place_id else None,
        "captured_place": item.captured_place.name if item.captured_place_id else None,
        "latitude": item.latitude,
        "longitude": item.longitude,
        "device": item.device or None,
        "received_at": _iso(item.received_at),
    }
    if include_personal:
        entry.update({name: getattr(item, name) or None for name in _PERSONAL})
    else:
        entry["transformation"] = (
            _("(withheld: export with personal details to include it)")
            if item.transformation
            else None
        )
    entry["custody"] = [
        _custody_entry(event, include_personal) for event in item.custody.order_by("time", "pk")
    ]
    return entry


def _csv_bytes(entries: list[dict]) -> bytes:
    buffer = io.StringIO()
    # No cell a spreadsheet runs as a formula (a description or a name may come from anyone).
    writer = spreadsheet.DictWriter(
        buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for entry in entries:
        row = {
            key: ("" if value is None else value)
            for key, value in entry.items()
            if key != "custody"
        }
        row["custody"] = "; ".join(
            f"{e['time']} {e['action']} by {e['by']}" for e in entry["custody"]
        )
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def export_bundle(
    case,
    path: Path | str,
    user=None,
    include_personal: bool = False,
    store: EvidenceStore | None = None,
) -> BundleResult:
    """Write the case's evidence bundle to ``path`` (which must not exist yet); see the module's doc."""
    require(user, case, "view")
    require_in_organisation(user, EvidenceItem, case.organisation, "view")
    path = Path(path)
    if path.exists():
        raise BundleError(
            _("%(path)s already exists; a bundle is never written over another file")
            % {"path": path}
        )
    if not path.parent.is_dir():
        raise BundleError(_("the directory %(path)s does not exist") % {"path": path.parent})
    store = store or default_store()
    items = list(
        EvidenceItem.objects.filter(case=case).select_related("captured_place").order_by("pk")
    )
    if not items:
        raise BundleError(
            _("case %(reference)s has no evidence to export") % {"reference": case.reference}
        )

    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        with transaction.atomic(), zipfile.ZipFile(partial, "x") as archive:
            sums, paths = [], {}
            for item in items:
                arcname = f"evidence/{item.download_name}"
                try:
                    with store.open(item.sha256) as source:
                        copied = _copy_into(
                            archive,
                            arcname,
                            source,
                            item.size,
                            compress=item.media_type == "text/plain",
                        )
                except FileNotFoundError:
                    raise BundleError(
                        _(
                            "evidence %(id)d: its file is missing from the store (run vigie evidence verify)"
                        )
                        % {"id": item.pk}
                    ) from None
                if copied != item.sha256:
                    raise BundleError(
                        _(
                            "evidence %(id)d: its file no longer matches its hash (expected %(expected)s, found %(actual)s);"
                            " nothing was exported"
                        )
                        % {"id": item.pk, "expected": item.sha256, "actual": copied}
                    )
                record_custody(
                    item,
                    CustodyAction.EXPORTED,
                    user,
                    sha256=copied,
                    note=_("in the bundle %(name)s") % {"name": path.name},
                )
                sums.append((copied, arcname))
                paths[item.pk] = arcname
            entries = [_item_entry(item, paths[item.pk], include_personal) for item in items]
            manifest = {
                "format": FORMAT,
                "case": {
                    "reference": case.reference,
                    "title": case.title,
                    "organisation": case.organisation.name,
                },
                "exported_at": _iso(timezone.now()),
                "exported_by": _who(getattr(user, "pk", None), _actor_name(user), include_personal),
                "personal_details": include_personal,
                "hash_algorithm": "sha256",
                "items": entries,
            }
            manifest_json = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode(
                "utf-8"
            )
            manifest_csv = _csv_bytes(entries)
            _add_bytes(archive, "manifest.json", manifest_json)
            _add_bytes(archive, "manifest.csv", manifest_csv)
            json_hash = hashlib.sha256(manifest_json).hexdigest()
            csv_hash = hashlib.sha256(manifest_csv).hexdigest()
            sums += [(json_hash, "manifest.json"), (csv_hash, "manifest.csv")]
            _add_bytes(
                archive,
                "SHA256SUMS",
                "".join(f"{digest}  {name}\n" for digest, name in sums).encode(),
            )
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        # After the commit: an 'exported' event without its bundle is better than a bundle without its events.
        try:
            os.link(partial, path)  # never over an existing file, even one created meanwhile
        except FileExistsError:
            raise BundleError(
                _("%(path)s already exists; a bundle is never written over another file")
                % {"path": path}
            ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BundleResult(
        path=path, items=len(items), manifest_sha256=json_hash, manifest_csv_sha256=csv_hash
    )
