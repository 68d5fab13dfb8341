"""Files sent with a report: the same checks as evidence (size, kind from the first bytes, file
name), the same hashing store (vigie.evidence.store), in a directory of their own.

Every file of a submission is received and checked before anything is written: one bad file
refuses them all, and nothing is left behind (neither a row nor a stored object).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from vigie.evidence.errors import EvidenceError
from vigie.evidence.filenames import clean_filename
from vigie.evidence.filetypes import FileKind, detect
from vigie.evidence.store import EvidenceStore, ReceivedFile

from .models import ReportAttachment

MAX_FILES = 10


def attachment_store() -> EvidenceStore:
    """VIGIE_HOME/attachments (or VIGIE_ATTACHMENTS_DIR if set), with the evidence size limit."""
    root = (
        getattr(settings, "VIGIE_ATTACHMENTS_DIR", None)
        or Path(settings.VIGIE_HOME) / "attachments"
    )
    max_bytes = int(getattr(settings, "VIGIE_EVIDENCE_MAX_BYTES", 200 * 1000 * 1000))
    return EvidenceStore(root, max_bytes)


class AttachmentError(ValueError):
    """A file was refused; the message names it and says why. Nothing was stored."""


@dataclass
class CheckedFile:
    received: ReceivedFile
    kind: FileKind
    filename: str


def receive_files(uploads, store: EvidenceStore | None = None) -> list[CheckedFile]:
    """Hash, store in ``incoming/`` and check each uploaded file; AttachmentError at the first bad one
    (every file received so far is discarded)."""
    store = store or attachment_store()
    uploads = [upload for upload in uploads if upload is not None]
    if len(uploads) > MAX_FILES:
        raise AttachmentError(
            _("At most %(n)d files can be attached to one report.") % {"n": MAX_FILES}
        )
    checked: list[CheckedFile] = []
    try:
        for upload in uploads:
            name = getattr(upload, "name", "") or ""
            try:
                filename = clean_filename(name)
                received = store.receive(upload)
                try:
                    kind = detect(received.path)
                except BaseException:
                    received.discard()
                    raise
            except EvidenceError as error:
                raise AttachmentError(
                    _("File “%(name)s”: %(reason)s") % {"name": name[:120], "reason": error}
                ) from None
            checked.append(CheckedFile(received, kind, filename))
    except BaseException:
        discard(checked)
        raise
    return checked


def discard(checked: list[CheckedFile]) -> None:
    for item in checked:
        item.received.discard()


def attach(
    checked: list[CheckedFile], *, organisation, user, report=None, draft=None
) -> list[ReportAttachment]:
    """The rows for received files (call inside the transaction that stores the report or draft)."""
    rows = []
    for item in checked:
        rows.append(
            ReportAttachment.objects.create(
                organisation=organisation,
                report=report,
                draft=draft,
                sha256=item.received.sha256,
                size=item.received.size,
                media_type=item.kind.media_type,
                original_filename=item.filename,
                uploaded_by=user if getattr(user, "is_authenticated", False) else None,
            )
        )
    return rows


def put(checked: list[CheckedFile], store: EvidenceStore | None = None) -> list[str]:
    """Move received files to their content address (last step of the transaction); the hashes this
    call stored for the first time, so that a failure after it can remove them again."""
    store = store or attachment_store()
    created = []
    for item in checked:
        if store.put(item.received):
            created.append(item.received.sha256)
    return created


def remove_unreferenced(hashes, store: EvidenceStore | None = None) -> None:
    """Remove stored objects no attachment row refers to (after a failed intake, or a deleted draft)."""
    store = store or attachment_store()
    for sha256 in set(hashes):
        with contextlib.suppress(Exception):
            if not ReportAttachment.objects.filter(sha256=sha256).exists():
                store.remove(sha256)
