"""The evidence pages: uploading (and refusing bad files with nothing stored), a working copy, the
check against the hash, the item's page, and the case's bundle as a ZIP download."""

import hashlib
import io
import json
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vigie.cases.demo import png_bytes
from vigie.core.models import ChangeLogEntry
from vigie.evidence.models import CustodyEvent, EvidenceItem
from vigie.evidence.store import default_store

pytestmark = pytest.mark.django_db

NEW_PHOTO = png_bytes(8, 6, lambda x, y: (200, x * 20, y * 30))
REDACTED = png_bytes(8, 6, lambda x, y: (0, 0, 0))


def add_url(world) -> str:
    return reverse("evidence:evidence_add", kwargs={"case_pk": world.case.pk})


def stored_files(world) -> list:
    root = default_store().root
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_file_is_received_with_its_capture_metadata(world, english):
    client = world.client("A:investigator")
    response = client.post(
        add_url(world),
        {
            "file": SimpleUploadedFile("IMG_2024.png", NEW_PHOTO, content_type="image/png"),
            "captured_at": "2024-03-07T06:30",
            "place": "MLI.mopti.douentza",
            "device": "Tecno Spark 10",
            "collected_by": "Moussa, relais de Boni",
            "source": "WhatsApp",
            "description": "Le marché brûlé",
            "note": "Reçu sur carte SD",
        },
    )
    item = EvidenceItem.objects.get(sha256=hashlib.sha256(NEW_PHOTO).hexdigest())
    assert response.status_code == 302 and response["Location"] == reverse(
        "evidence:evidence_detail", kwargs={"pk": item.pk}
    )
    assert (
        item.case == world.case and item.media_type == "image/png" and item.size == len(NEW_PHOTO)
    )
    assert item.device == "Tecno Spark 10" and item.collected_by == "Moussa, relais de Boni"
    assert item.captured_place.code == "MLI.mopti.douentza" and item.captured_at.year == 2024
    assert item.received_by == world.users["A:investigator"]
    assert (
        item.custody.get().action == "received" and item.custody.get().note == "Reçu sur carte SD"
    )
    assert default_store().open(item.sha256).read() == NEW_PHOTO
    assert not list((default_store().root / "incoming").iterdir())  # nothing left on the way in
    page = client.get(response["Location"]).content.decode()
    assert item.sha256[:16] in page and "Tecno Spark 10" in page and "Douentza" in page


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("vide.png", b"", "the file is empty"),
        ("programme.png", b"MZ\x90\x00" + b"\x00" * 60, "not accepted"),
        ("page.txt", b"<html><script>alert(1)</script></html>", "not accepted"),
        ("CON.png", NEW_PHOTO, "reserved for a device on Windows"),
        ("C:photo.png", NEW_PHOTO, "absolute path"),
    ],
)
def test_bad_files_are_refused_with_the_reason_and_nothing_is_stored(
    world, english, name, content, expected
):
    client = world.client("A:investigator")
    items, files = EvidenceItem.objects.count(), stored_files(world)
    writes = ChangeLogEntry.objects.exclude(action="read").count()
    response = client.post(
        add_url(world), {"file": SimpleUploadedFile(name, content), "device": "Tecno"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert expected in page.lower() or expected in page, page[page.find("alert error") :][:300]
    assert "Nothing was stored" in page
    assert EvidenceItem.objects.count() == items and stored_files(world) == files
    assert ChangeLogEntry.objects.exclude(action="read").count() == writes


def test_an_oversized_file_is_dropped_as_it_arrives(world, english, settings):
    settings.VIGIE_EVIDENCE_MAX_BYTES = 100
    client = world.client("A:investigator")
    files = stored_files(world)
    response = client.post(
        add_url(world),
        {"file": SimpleUploadedFile("grande.png", NEW_PHOTO + b"\x00" * 200), "device": "Tecno"},
    )
    page = response.content.decode()
    assert "larger than the limit of 100" in page and "Nothing was stored" in page
    assert EvidenceItem.objects.count() == 1 and stored_files(world) == files
    assert 'value="Tecno"' in page  # what was typed is kept for the next try


def test_no_file_and_bad_metadata_are_refused(world, english):
    client = world.client("A:investigator")
    assert (
        "Choose a file to send" in client.post(add_url(world), {"device": "Tecno"}).content.decode()
    )
    future = client.post(
        add_url(world),
        {"file": SimpleUploadedFile("a.png", NEW_PHOTO), "captured_at": "2999-01-01T00:00"},
    )
    assert "captured_at is in the future" in future.content.decode()
    unknown_place = client.post(
        add_url(world), {"file": SimpleUploadedFile("a.png", NEW_PHOTO), "place": "Atlantide"}
    )
    assert "No place of the gazetteer is called" in unknown_place.content.decode()
    half = client.post(
        add_url(world), {"file": SimpleUploadedFile("a.png", NEW_PHOTO), "latitude": "14.5"}
    )
    assert "give both latitude and longitude" in half.content.decode()
    assert EvidenceItem.objects.count() == 1


def test_the_same_bytes_twice_make_one_item_and_a_second_received_event(world, english):
    client = world.client("A:investigator")
    response = client.post(
        add_url(world), {"file": SimpleUploadedFile("encore.png", world_photo(world))}
    )
    assert response.status_code == 302
    assert EvidenceItem.objects.count() == 1
    assert world.item.custody.filter(action="received").count() == 2


def world_photo(world) -> bytes:
    return default_store().open(world.item.sha256).read()


def test_a_working_copy_is_linked_to_its_original(world, english):
    client = world.client("A:investigator")
    url = reverse("evidence:evidence_derive", kwargs={"pk": world.item.pk})
    missing_how = client.post(url, {"file": SimpleUploadedFile("floue.png", REDACTED)})
    assert "This field is required" in missing_how.content.decode()
    assert EvidenceItem.objects.count() == 1
    response = client.post(
        url,
        {"file": SimpleUploadedFile("floue.png", REDACTED), "transformation": "visages floutés"},
    )
    copy = EvidenceItem.objects.get(derived_from=world.item)
    assert response.status_code == 302 and copy.transformation == "visages floutés"
    assert world.item.custody.filter(action="derived").exists()
    original_page = client.get(
        reverse("evidence:evidence_detail", kwargs={"pk": world.item.pk})
    ).content.decode()
    assert reverse("evidence:evidence_detail", kwargs={"pk": copy.pk}) in original_page


def test_the_evidence_page_logs_the_read_and_the_check_records_a_verified_event(world, english):
    client = world.client("A:investigator")
    item_type = ContentType.objects.get_for_model(EvidenceItem)
    page = client.get(
        reverse("evidence:evidence_detail", kwargs={"pk": world.item.pk})
    ).content.decode()
    assert world.item.sha256[:16] in page and "photo.png" in page and "Tecno Spark 10" in page
    assert reverse("evidence:evidence_download", kwargs={"pk": world.item.pk}) in page
    assert ChangeLogEntry.objects.filter(
        action="read", content_type=item_type, object_id=world.item.pk
    ).exists()
    verify = reverse("evidence:evidence_verify", kwargs={"pk": world.item.pk})
    assert client.get(verify).status_code == 405
    response = client.post(verify, follow=True)
    assert "matches its SHA-256" in response.content.decode()
    assert world.item.custody.filter(action="verified").count() == 1
    # One byte changed in the store: the check says so and records nothing.
    path = default_store().path_for(world.item.sha256)
    path.chmod(0o600)
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    response = client.post(verify, follow=True)
    assert "does NOT match" in response.content.decode()
    assert world.item.custody.filter(action="verified").count() == 1


def test_the_bundle_is_a_zip_whose_manifest_hashes_match_its_files(world, english):
    client = world.client("A:investigator")
    client.post(
        reverse("evidence:evidence_derive", kwargs={"pk": world.item.pk}),
        {"file": SimpleUploadedFile("floue.png", REDACTED), "transformation": "visages floutés"},
    )
    url = reverse("evidence:evidence_bundle", kwargs={"case_pk": world.case.pk})
    assert "Download the bundle" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert (
        "attachment" in response["Content-Disposition"]
        and "INV" not in response["Content-Disposition"]
    )
    data = b"".join(response.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    manifest_bytes = archive.read("manifest.json")
    manifest = json.loads(manifest_bytes)
    assert response["X-Vigie-Manifest-SHA256"] == hashlib.sha256(manifest_bytes).hexdigest()
    assert {entry["item_id"] for entry in manifest["items"]} == set(
        EvidenceItem.objects.values_list("pk", flat=True)
    )
    for entry in manifest["items"]:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
        assert entry["custody"][-1]["action"] == "exported"
        assert "collected_by" not in entry  # no personal details unless asked for
    for line in archive.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert CustodyEvent.objects.filter(action="exported").count() == 2
    assert not list(
        (default_store().root / "outgoing").rglob("*.zip")
    )  # nothing left behind on the server
    page = client.get(reverse("cases:case_detail", kwargs={"pk": world.case.pk})).content.decode()
    assert response["X-Vigie-Manifest-SHA256"] in page  # shown once, to be written down


def test_a_bundle_with_personal_details_only_when_asked(world, english):
    client = world.client("A:investigator")
    response = client.post(
        reverse("evidence:evidence_bundle", kwargs={"case_pk": world.case.pk}),
        {"include_personal": "1"},
    )
    manifest = json.loads(
        zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("manifest.json")
    )
    assert (
        manifest["personal_details"] is True
        and manifest["items"][0]["original_filename"] == "photo.png"
    )


def test_a_case_without_evidence_exports_nothing(world, english):
    from vigie.cases.services import open_case

    empty = open_case(world.alpha, "INV-VIDE", "Sans preuve", world.users["A:investigator"])
    client = world.client("A:investigator")
    response = client.post(
        reverse("evidence:evidence_bundle", kwargs={"case_pk": empty.pk}), follow=True
    )
    assert "has no evidence to export" in response.content.decode()


def test_the_upload_checks_the_csrf_token_once_its_own_upload_handler_is_in_place(world, english):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["A:investigator"])
    files = stored_files(world)
    refused = client.post(add_url(world), {"file": SimpleUploadedFile("sans-jeton.png", NEW_PHOTO)})
    assert refused.status_code == 403
    assert EvidenceItem.objects.count() == 1 and stored_files(world) == files
    client.get(reverse("cases:case_detail", kwargs={"pk": world.case.pk}))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        add_url(world),
        {"file": SimpleUploadedFile("avec-jeton.png", NEW_PHOTO), "csrfmiddlewaretoken": token},
    )
    assert accepted.status_code == 302 and EvidenceItem.objects.count() == 2
