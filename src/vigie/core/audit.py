"""The change log as a hash chain: rewriting, removing or reordering an entry is detected.

Each entry carries a sequence number, the hash of the entry before it, and its own hash: SHA-256
over the previous hash and a canonical JSON of the entry's content. `vigie audit verify` walks the
chain and names the first entry that does not match. Entries are appended only through
``append_entries``, which holds the chain's lock for the rest of the transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connection

from .models import ChangeLogEntry

GENESIS = "0" * 64
_LOCK_KEY = 7_412_031_884  # PostgreSQL advisory lock of the chain


def _canonical_time(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def entry_hash(entry: ChangeLogEntry, content_type_label: str, previous_hash: str) -> str:
    content = {
        "sequence": entry.sequence,
        "time": _canonical_time(entry.time),
        "user": entry.user_id,
        "user_name": entry.user_name,
        "request_id": str(entry.request_id),
        "origin": entry.origin,
        "action": entry.action,
        "content_type": content_type_label,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "prechange": entry.prechange,
        "postchange": entry.postchange,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256((previous_hash + text).encode()).hexdigest()


def _label(content_type_id: int) -> str:
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def _lock_chain() -> None:
    """Only one writer appends at a time (SQLite's write transaction is already exclusive)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def append_entries(entries: Sequence[ChangeLogEntry]) -> None:
    """Chain and save new entries. Call inside a transaction (the lock lasts until it ends)."""
    if not entries:
        return
    _lock_chain()
    last = ChangeLogEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    sequence, previous = last if last else (0, GENESIS)
    for entry in entries:
        sequence += 1
        entry.sequence = sequence
        entry.previous_hash = previous
        # The hash covers the content as the database gives it back (JSON through its round trip).
        entry.prechange = _json_round_trip(entry.prechange)
        entry.postchange = _json_round_trip(entry.postchange)
        entry.entry_hash = previous = entry_hash(entry, _label(entry.content_type_id), previous)
    ChangeLogEntry.objects.bulk_create(entries)


def _json_round_trip(value):
    return None if value is None else json.loads(json.dumps(value, default=str))


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    sequence: int
    reason: str

    def describe(self) -> str:
        where = f"entry {self.entry_id}" if self.entry_id is not None else "an entry"
        return f"change log {where} (sequence {self.sequence}): {self.reason}"


def verify_chain(batch: int = 5000) -> Iterator[ChainBreak]:
    """Yield where the chain is broken (nothing when it is intact), in sequence order."""
    expected_sequence, previous = 1, GENESIS
    last_id = None
    queryset = ChangeLogEntry.objects.order_by("sequence")
    start = 0
    while True:
        chunk = list(queryset.filter(sequence__gt=start)[:batch])
        if not chunk:
            return
        for entry in chunk:
            if entry.sequence != expected_sequence:
                yield ChainBreak(entry.pk, expected_sequence,
                                 f"missing: the chain jumps from {expected_sequence - 1} to {entry.sequence} "
                                 f"(after entry {last_id}); an entry was removed")
                expected_sequence = entry.sequence
            if entry.previous_hash != previous:
                yield ChainBreak(entry.pk, entry.sequence,
                                 "does not follow the entry before it (removed, inserted or reordered)")
            recomputed = entry_hash(entry, _label(entry.content_type_id), entry.previous_hash)
            if recomputed != entry.entry_hash:
                yield ChainBreak(entry.pk, entry.sequence, "its content was changed after it was written")
            previous, last_id = entry.entry_hash, entry.pk
            expected_sequence += 1
            start = entry.sequence


def record_read(obj, user=None, purpose: str = "") -> None:
    """Log that ``user`` read ``obj`` (a victim, a piece of evidence, a case) in the chained log.

    The entry names the record, never its content: no personal data goes into the log.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from .choices import ChangeAction
    from .context import current_change_context

    context = current_change_context()
    user_id = getattr(user, "pk", None) if user is not None else context.user_id
    user_name = user.get_username() if user is not None and user.is_authenticated else context.user_name
    entry = ChangeLogEntry(
        user_id=user_id, user_name=user_name, request_id=context.request_id, origin=context.origin,
        action=ChangeAction.READ,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk, object_repr=f"{obj._meta.model_name} {obj.pk}",
        prechange=None, postchange={"purpose": purpose} if purpose else None,
    )
    with transaction.atomic():
        append_entries([entry])
