"""Evidence intake, working copies and the chain of custody.

``add_evidence`` follows the Berkeley Protocol's order: the file is hashed as it arrives, in the one
pass that writes it into the store's ``incoming/`` directory; only then is its kind recognised (from
its first bytes) and its row written; the bytes are moved to their content address last, inside
the transaction, so that a failure anywhere leaves neither a row nor a file.

``user`` is a Django user whose access is checked, or None for the operator at the server's shell
(see vigie.cases.services).
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from vigie.core.context import acting_as, current_change_context
from vigie.core.permissions import require, require_in_organisation

from .choices import CustodyAction
from .errors import BadMetadata, DuplicateDerivative
from .filenames import clean_filename
from .filetypes import detect
from .models import CustodyEvent, EvidenceItem
from .store import EvidenceStore, default_store

METADATA_FIELDS = (
    "captured_at",
    "captured_place",
    "latitude",
    "longitude",
    "device",
    "collected_by",
    "source",
    "description",
    "note",
)
FUTURE_TOLERANCE = datetime.timedelta(days=1)


@dataclass
class Intake:
    item: EvidenceItem
    created: bool  # False: the case already held these bytes (one more 'received' event)
    event: CustodyEvent


def clean_metadata(metadata: dict | None, organisation_id: int | None = None) -> dict:
    """Capture metadata checked and normalised, or BadMetadata naming the field and the problem."""
    metadata = dict(metadata or {})
    unknown = sorted(set(metadata) - set(METADATA_FIELDS))
    if unknown:
        raise BadMetadata(
            _("unknown capture metadata: %(fields)s (known: %(known)s)")
            % {"fields": ", ".join(unknown), "known": ", ".join(METADATA_FIELDS)}
        )
    clean: dict = {}
    captured_at = metadata.get("captured_at")
    if captured_at not in (None, ""):
        if isinstance(captured_at, str):
            parsed = parse_datetime(captured_at.strip())
            if parsed is None:
                try:
                    parsed = datetime.datetime.combine(
                        datetime.date.fromisoformat(captured_at.strip()), datetime.time()
                    )
                except ValueError:
                    raise BadMetadata(
                        _("captured_at: %(value)r is not a date and time (e.g. 2024-03-07T14:30)")
                        % {"value": captured_at}
                    ) from None
            captured_at = parsed
        if not isinstance(captured_at, datetime.datetime):
            raise BadMetadata(_("captured_at must be a date and time"))
        if timezone.is_naive(captured_at):
            captured_at = timezone.make_aware(captured_at)
        if captured_at > timezone.now() + FUTURE_TOLERANCE:
            raise BadMetadata(_("captured_at is in the future"))
        clean["captured_at"] = captured_at
    place = metadata.get("captured_place")
    if place not in (None, ""):
        from vigie.places.models import Place

        if not isinstance(place, Place):
            # a published place or the case's organisation's own (vigie.core.published)
            found = Place.objects.available_to(organisation_id).filter(code=str(place)).first()
            if found is None:
                raise BadMetadata(
                    _("captured_place: no place with the code %(code)r in the gazetteer")
                    % {"code": place}
                )
            place = found
        clean["captured_place"] = place
    coordinates = {}
    for name, limit in (("latitude", 90), ("longitude", 180)):
        value = metadata.get(name)
        if value in (None, ""):
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise BadMetadata(
                _("%(name)s: %(value)r is not a number") % {"name": name, "value": value}
            ) from None
        if not -limit <= value <= limit:
            raise BadMetadata(
                _("%(name)s must be between -%(limit)d and %(limit)d")
                % {"name": name, "limit": limit}
            )
        coordinates[name] = value
    if len(coordinates) == 1:
        raise BadMetadata(_("give both latitude and longitude, or neither"))
    clean.update(coordinates)
    for name, limit in (
        ("device", 200),
        ("collected_by", 2000),
        ("source", 2000),
        ("description", 5000),
        ("note", 5000),
    ):
        value = metadata.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise BadMetadata(_("%(name)s must be text") % {"name": name})
        value = value.strip()
        if "\x00" in value:
            raise BadMetadata(_("%(name)s contains a NUL character") % {"name": name})
        if len(value) > limit:
            raise BadMetadata(
                _("%(name)s is longer than %(limit)d characters") % {"name": name, "limit": limit}
            )
        clean[name] = value
    return clean


def _actor_name(user) -> str:
    if user is not None and getattr(user, "is_authenticated", False):
        return user.get_username()
    return current_change_context().user_name or "operator"


def record_custody(
    item: EvidenceItem, action: str, user, note: str = "", sha256: str = ""
) -> CustodyEvent:
    """Append one event to the item's chain of custody (and so to the change log)."""
    if action not in CustodyAction.values:
        raise ValueError(f"not a custody action: {action!r}")
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    with acting_as(user):
        return CustodyEvent.objects.create(
            organisation_id=item.organisation_id,
            item=item,
            actor=actor,
            actor_name=_actor_name(user),
            action=action,
            sha256=sha256,
            note=note,
        )


def add_evidence(
    case,
    fileobj: BinaryIO,
    filename: str,
    metadata: dict | None = None,
    user=None,
    *,
    derived_from: EvidenceItem | None = None,
    transformation: str = "",
    store: EvidenceStore | None = None,
) -> Intake:
    """Receive one file into ``case``: hash it as it arrives, store it by its hash, describe it.

    The same bytes received twice in one case make one item and a second 'received' event.
    Bad input (an empty or oversized file, a kind not accepted, a path trick in the name, bad
    metadata) raises an EvidenceError (a ValueError) and stores nothing.
    """
    require(user, case, "view")
    require_in_organisation(user, EvidenceItem, case.organisation, "add")
    filename = clean_filename(filename)
    metadata = clean_metadata(metadata, case.organisation_id)
    note = metadata.pop("note", "")
    if derived_from is not None:
        if derived_from.case_id != case.pk:
            raise BadMetadata(
                _("a working copy belongs to the case of the item it is derived from")
            )
        transformation = (transformation or "").strip()
        if not transformation:
            raise BadMetadata(
                _("say how the working copy was made from the original (the transformation)")
            )
    store = store or default_store()

    received = store.receive(fileobj)  # the hash is known before anything else reads the bytes
    object_was_stored = (
        True  # until known otherwise: never remove a stored object we did not create
    )
    try:
        kind = detect(received.path)
        with transaction.atomic():
            existing = (
                EvidenceItem.objects.select_for_update()
                .filter(case=case, sha256=received.sha256)
                .first()
            )
            if existing is not None and derived_from is not None:
                raise DuplicateDerivative(
                    _(
                        "this working copy has the same bytes as evidence %(id)d of this case: nothing was derived"
                    )
                    % {"id": existing.pk}
                )
            if existing is not None:
                event = record_custody(
                    existing,
                    CustodyAction.RECEIVED,
                    user,
                    sha256=received.sha256,
                    note=_join(_("received again: the same bytes as this item"), note),
                )
                item, created = existing, False
            else:
                with acting_as(user):
                    item = EvidenceItem.objects.create(
                        organisation_id=case.organisation_id,
                        case=case,
                        sha256=received.sha256,
                        size=received.size,
                        media_type=kind.media_type,
                        original_filename=filename,
                        derived_from=derived_from,
                        transformation=transformation if derived_from is not None else "",
                        received_by=user if user is not None and user.is_authenticated else None,
                        **metadata,
                    )
                if derived_from is not None:
                    record_custody(
                        derived_from,
                        CustodyAction.DERIVED,
                        user,
                        sha256=derived_from.sha256,
                        note=_("working copy: evidence %(id)d") % {"id": item.pk},
                    )
                event = record_custody(
                    item, CustodyAction.RECEIVED, user, sha256=received.sha256, note=note
                )
                created = True
            object_was_stored = store.exists(received.sha256)
            store.put(received)  # last: a failure before this leaves no file behind
    except BaseException:
        received.discard()
        if not object_was_stored:
            _remove_if_unreferenced(store, received.sha256)
        raise
    return Intake(item=item, created=created, event=event)


def derive_evidence(
    original: EvidenceItem,
    fileobj: BinaryIO,
    filename: str,
    transformation: str,
    user=None,
    metadata: dict | None = None,
    store: EvidenceStore | None = None,
) -> Intake:
    """Add a working copy (a redacted photo, a transcript) made from ``original``, linked to it."""
    return add_evidence(
        original.case,
        fileobj,
        filename,
        metadata,
        user,
        derived_from=original,
        transformation=transformation,
        store=store,
    )


def verify_item(item: EvidenceItem, user=None, store: EvidenceStore | None = None) -> bool:
    """Check one item's file against its hash and record a 'verified' event when it matches."""
    require(user, item, "view")
    actual = (store or default_store()).hash_of(item.sha256)
    if actual != item.sha256:
        return False
    record_custody(item, CustodyAction.VERIFIED, user, sha256=actual)
    return True


def _join(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _remove_if_unreferenced(store: EvidenceStore, sha256: str) -> None:
    # If the database cannot answer, keep the file: an unreferenced object is reported by verify_store,
    # a missing one would be lost evidence.
    with contextlib.suppress(Exception):
        if not EvidenceItem.objects.filter(sha256=sha256).exists():
            store.remove(sha256)
