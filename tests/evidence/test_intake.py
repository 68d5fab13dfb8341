"""Intake: hashed as it arrives, stored once by its hash, read-only; bad input leaves nothing behind."""

import hashlib
import io
import stat

import pytest
from django.db import connection

from vigie.cases.demo import png_bytes
from vigie.core.models import ChangeLogEntry
from vigie.evidence import services
from vigie.evidence.errors import (
    BadMetadata,
    DuplicateDerivative,
    EmptyFile,
    EvidenceError,
    FileTooLarge,
    FileTypeNotAllowed,
    UnsafeFileName,
)
from vigie.evidence.models import CustodyEvent, EvidenceItem
from vigie.evidence.services import add_evidence, derive_evidence
from vigie.evidence.store import default_store

from ..cases.fixtures import stored_files

pytestmark = pytest.mark.django_db

PHOTO = png_bytes(8, 6, lambda x, y: (x * 30, y * 40, 90))


class OneWayStream(io.RawIOBase):
    """A network-like stream: it can be read once, forwards only; seeking is an error."""

    def __init__(self, data: bytes):
        self._data, self._position, self.reads = data, 0, 0

    def readable(self):
        return True

    def read(self, size=-1):
        self.reads += 1
        size = len(self._data) - self._position if size is None or size < 0 else size
        chunk = self._data[self._position : self._position + size]
        self._position += len(chunk)
        return chunk

    def seek(self, *args):
        raise AssertionError("intake must not seek: the file is read once, as it arrives")

    def seekable(self):
        return False


def test_the_file_is_hashed_as_it_arrives_and_stored_read_only_by_its_hash(case, investigator):
    stream = OneWayStream(PHOTO)
    intake = add_evidence(
        case, stream, "photo du marché.png", {"device": "Tecno Spark 10"}, investigator
    )
    expected = hashlib.sha256(PHOTO).hexdigest()
    item = intake.item
    assert intake.created and item.sha256 == expected and item.size == len(PHOTO)
    assert item.media_type == "image/png" and item.original_filename == "photo du marché.png"
    path = default_store().path_for(expected)
    assert path.relative_to(default_store().root).parts == (
        "sha256",
        expected[:2],
        expected[2:4],
        expected,
    )
    assert path.read_bytes() == PHOTO
    assert stat.S_IMODE(path.stat().st_mode) == 0o400
    assert stored_files(default_store().root) == [path]  # nothing left in incoming/
    assert stream.reads >= 2  # read to its end, never rewound
    event = item.custody.get()
    assert event.action == "received" and event.actor == investigator and event.sha256 == expected


def test_the_type_comes_from_the_bytes_not_the_name(case, investigator):
    item = add_evidence(case, io.BytesIO(PHOTO), "notes.txt", {}, investigator).item
    assert item.media_type == "image/png"
    text = add_evidence(
        case, io.BytesIO("Témoignage\nligne 2\n".encode()), "image.jpg", {}, investigator
    ).item
    assert text.media_type == "text/plain"


def test_the_same_file_twice_in_a_case_is_stored_once_with_a_second_custody_event(
    case, investigator
):
    first = add_evidence(case, io.BytesIO(PHOTO), "a.png", {}, investigator)
    second = add_evidence(
        case, io.BytesIO(PHOTO), "copie de a.png", {"note": "reçu une deuxième fois"}, investigator
    )
    assert not second.created and second.item.pk == first.item.pk
    assert EvidenceItem.objects.count() == 1
    assert list(first.item.custody.values_list("action", flat=True)) == ["received", "received"]
    assert len(stored_files(default_store().root)) == 1


def test_the_same_file_in_another_case_is_a_second_item_but_one_stored_object(
    case, investigator, organisation
):
    from vigie.cases.services import open_case

    other = open_case(organisation, "INV-2024-002", "Autre enquête", investigator)
    a = add_evidence(case, io.BytesIO(PHOTO), "a.png", {}, investigator).item
    b = add_evidence(other, io.BytesIO(PHOTO), "a.png", {}, investigator).item
    assert a.pk != b.pk and a.sha256 == b.sha256
    assert len(stored_files(default_store().root)) == 1


def _nothing_stored():
    assert EvidenceItem.objects.count() == 0
    assert CustodyEvent.objects.count() == 0
    assert stored_files(default_store().root) == []


BAD_INPUTS = [
    (b"", "x.png", {}, EmptyFile, "empty"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "tool.png", {}, FileTypeNotAllowed, "not accepted"),
    (b"MZ\x90\x00" + b"\x00" * 64, "setup.pdf", {}, FileTypeNotAllowed, "not accepted"),
    (b"PK\x03\x04" + b"\x00" * 64, "archive.jpg", {}, FileTypeNotAllowed, "not accepted"),
    (b"<!DOCTYPE html><script>alert(1)</script>", "page.txt", {}, FileTypeNotAllowed, "markup"),
    (
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        "image.txt",
        {},
        FileTypeNotAllowed,
        "markup",
    ),
    ("café".encode("latin-1") + b"\n", "latin1.txt", {}, FileTypeNotAllowed, "UTF-8"),
    (PHOTO, "../../etc/cron.d/x.png", {}, UnsafeFileName, "directory"),
    (PHOTO, "/etc/passwd", {}, UnsafeFileName, "absolute"),
    (PHOTO, "C:\\Windows\\x.png", {}, UnsafeFileName, "absolute"),
    (PHOTO, "dossier/x.png", {}, UnsafeFileName, "separator"),
    (PHOTO, "x\x00.png", {}, UnsafeFileName, "NUL"),
    (PHOTO, "x\n.png", {}, UnsafeFileName, "control"),
    (PHOTO, "photo\u202egnp.exe", {}, UnsafeFileName, "invisible"),
    (PHOTO, "CON.png", {}, UnsafeFileName, "reserved"),
    (PHOTO, "lpt1", {}, UnsafeFileName, "reserved"),
    (PHOTO, "x.png.", {}, UnsafeFileName, "ends with"),
    (PHOTO, "x.png:stream", {}, UnsafeFileName, "colon"),
    (PHOTO, "", {}, UnsafeFileName, "empty"),
    (PHOTO, "x.png", {"latitude": 95, "longitude": 3}, BadMetadata, "latitude"),
    (PHOTO, "x.png", {"latitude": 14.3}, BadMetadata, "both"),
    (PHOTO, "x.png", {"captured_at": "hier"}, BadMetadata, "captured_at"),
    (PHOTO, "x.png", {"captured_at": "2999-01-01T00:00"}, BadMetadata, "future"),
    (PHOTO, "x.png", {"captured_place": "MLI.nowhere"}, BadMetadata, "gazetteer"),
    (PHOTO, "x.png", {"camera": "?"}, BadMetadata, "unknown"),
]


@pytest.mark.parametrize(
    ("data", "name", "metadata", "error", "words"),
    BAD_INPUTS,
    ids=[f"{e.__name__}-{w}-{i}" for i, (_d, _n, _m, e, w) in enumerate(BAD_INPUTS)],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_stored(
    case, investigator, data, name, metadata, error, words
):
    with pytest.raises(error) as raised:
        add_evidence(case, io.BytesIO(data), name, metadata, investigator)
    assert isinstance(raised.value, ValueError)
    assert words.lower() in str(raised.value).lower()
    _nothing_stored()


def test_an_oversized_file_is_refused_while_it_is_read(case, investigator, settings):
    from vigie.evidence.store import CHUNK_BYTES

    settings.VIGIE_EVIDENCE_MAX_BYTES = 1000
    stream = OneWayStream(PHOTO + b"\x00" * (3 * CHUNK_BYTES))
    with pytest.raises(FileTooLarge, match="larger than the limit"):
        add_evidence(case, stream, "big.png", {}, investigator)
    _nothing_stored()
    assert stream._position <= CHUNK_BYTES  # it stopped reading at the limit, not at the end


def test_a_file_of_exactly_the_limit_is_accepted(case, investigator, settings):
    settings.VIGIE_EVIDENCE_MAX_BYTES = len(PHOTO)
    assert add_evidence(case, io.BytesIO(PHOTO), "a.png", {}, investigator).created
    with pytest.raises(FileTooLarge):
        add_evidence(case, io.BytesIO(PHOTO + b"\x00"), "b.png", {}, investigator)


def test_a_failure_after_the_file_was_placed_leaves_neither_row_nor_file(
    case, investigator, monkeypatch
):
    def broken_put(self, received):
        real_put(self, received)
        raise OSError("disk full")

    from vigie.evidence.store import EvidenceStore

    real_put = EvidenceStore.put
    monkeypatch.setattr(EvidenceStore, "put", broken_put)
    with pytest.raises(OSError, match="disk full"):
        add_evidence(case, io.BytesIO(PHOTO), "x.png", {}, investigator)
    _nothing_stored()


def test_a_database_failure_leaves_no_file(case, investigator, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "record_custody", broken)
    with pytest.raises(RuntimeError):
        add_evidence(case, io.BytesIO(PHOTO), "x.png", {}, investigator)
    _nothing_stored()


def test_outside_the_scope_nothing_is_received(case, outsider, analyst):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(Http404):
        add_evidence(case, io.BytesIO(PHOTO), "x.png", {}, outsider)
    with pytest.raises((Http404, PermissionDenied)):
        add_evidence(case, io.BytesIO(PHOTO), "x.png", {}, analyst)
    _nothing_stored()


def test_a_working_copy_has_its_own_hash_and_is_linked_to_its_original(case, investigator):
    original = add_evidence(case, io.BytesIO(PHOTO), "a.png", {}, investigator).item
    redacted_bytes = png_bytes(8, 6, lambda x, y: (0, 0, 0))
    copy = derive_evidence(
        original, io.BytesIO(redacted_bytes), "a-floutée.png", "visages masqués", investigator
    ).item
    assert (
        copy.derived_from == original and copy.sha256 == hashlib.sha256(redacted_bytes).hexdigest()
    )
    assert copy.transformation == "visages masqués" and not copy.is_original
    assert list(original.custody.values_list("action", flat=True)) == ["received", "derived"]
    assert (
        default_store().path_for(original.sha256).read_bytes() == PHOTO
    )  # the original is untouched
    with pytest.raises(BadMetadata, match="transformation"):
        derive_evidence(original, io.BytesIO(b"transcript\n"), "t.txt", "  ", investigator)
    with pytest.raises(DuplicateDerivative):
        derive_evidence(original, io.BytesIO(PHOTO), "same.png", "aucune", investigator)
    assert EvidenceItem.objects.count() == 2


def test_identifying_fields_are_not_in_clear_in_the_database_or_the_change_log(case, investigator):
    secret_name = "Entretien_Aminata_Traore_Sevare.png"
    before = (
        ChangeLogEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    )
    item = add_evidence(
        case,
        io.BytesIO(PHOTO),
        secret_name,
        {"collected_by": "Moussa Diarra, +223 70 00 00 00"},
        investigator,
    ).item
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT original_filename, collected_by FROM evidence_evidenceitem WHERE id = %s",
            [item.pk],
        )
        stored = cursor.fetchone()
    assert all(value.startswith("vgc1:") for value in stored)
    assert "Aminata" not in str(stored) and "Diarra" not in str(stored)
    entries = ChangeLogEntry.objects.filter(sequence__gt=before)
    assert entries.count() >= 2  # the item and its custody event
    log = str(list(entries.values_list("object_repr", "prechange", "postchange")))
    assert "Aminata" not in log and "Diarra" not in log
    assert EvidenceItem.objects.get(pk=item.pk).original_filename == secret_name


def test_the_hash_of_an_item_never_changes(case, investigator):
    item = add_evidence(case, io.BytesIO(PHOTO), "a.png", {}, investigator).item
    item = EvidenceItem.objects.get(pk=item.pk)
    item.device = "corrected"
    item.save()  # metadata may be corrected
    item.sha256 = "0" * 64
    with pytest.raises(ValueError, match="never change"):
        item.save()


def test_errors_are_value_errors():
    assert issubclass(EvidenceError, ValueError)
