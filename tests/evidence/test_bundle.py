"""A case's bundle: every file, a manifest whose hashes match them, the custody events; nothing personal by default."""

import csv
import hashlib
import io
import json
import os
import zipfile

import pytest
from click.testing import CliRunner

from vigie.cases.demo import png_bytes
from vigie.cli import main
from vigie.evidence.bundle import BundleError, export_bundle
from vigie.evidence.models import CustodyEvent
from vigie.evidence.services import add_evidence, derive_evidence
from vigie.evidence.store import default_store

pytestmark = pytest.mark.django_db

PHOTO = png_bytes(8, 6, lambda x, y: (x * 30, y * 40, 90))
REDACTED = png_bytes(8, 6, lambda x, y: (0, 0, 0))
TEXT = b"Transcription de l'entretien\n"
COLLECTOR = "Fatoumata Coulibaly, +223 76 00 00 00"


@pytest.fixture
def evidence(case, investigator):
    photo = add_evidence(
        case,
        io.BytesIO(PHOTO),
        "IMG_Fatoumata.png",
        {
            "collected_by": COLLECTOR,
            "device": "Tecno Spark 10",
            "captured_at": "2024-03-07T06:30",
            "latitude": 14.49,
            "longitude": -4.19,
        },
        investigator,
    ).item
    text = add_evidence(case, io.BytesIO(TEXT), "t.txt", {}, investigator).item
    copy = derive_evidence(photo, io.BytesIO(REDACTED), "r.png", "visage masqué", investigator).item
    return photo, text, copy


def test_the_manifest_hashes_match_the_files_in_the_zip(case, investigator, evidence, tmp_path):
    photo, text, copy = evidence
    result = export_bundle(case, tmp_path / "bundle.zip", investigator)
    assert result.items == 3
    with zipfile.ZipFile(result.path) as archive:
        manifest_bytes = archive.read("manifest.json")
        manifest = json.loads(manifest_bytes)
        assert hashlib.sha256(manifest_bytes).hexdigest() == result.manifest_sha256
        assert (
            hashlib.sha256(archive.read("manifest.csv")).hexdigest() == result.manifest_csv_sha256
        )
        assert {entry["item_id"] for entry in manifest["items"]} == {photo.pk, text.pk, copy.pk}
        for entry in manifest["items"]:
            data = archive.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["size"]
        rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
        for row in rows:
            assert hashlib.sha256(archive.read(row["path"])).hexdigest() == row["sha256"]
        sums = dict(
            reversed(line.split("  ")) for line in archive.read("SHA256SUMS").decode().splitlines()
        )
        for name, digest in sums.items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
        assert set(sums) == {
            *(e["path"] for e in manifest["items"]),
            "manifest.json",
            "manifest.csv",
        }
    by_id = {entry["item_id"]: entry for entry in manifest["items"]}
    assert by_id[copy.pk]["derived_from"] == photo.pk
    assert by_id[photo.pk]["device"] == "Tecno Spark 10" and by_id[photo.pk]["latitude"] == 14.49
    assert (
        by_id[photo.pk]["media_type"] == "image/png"
        and by_id[text.pk]["media_type"] == "text/plain"
    )
    # every item got an 'exported' event, and the manifest already lists it
    for item in (photo, text, copy):
        assert item.custody.filter(action="exported", sha256=item.sha256).count() == 1
        assert by_id[item.pk]["custody"][-1]["action"] == "exported"


def test_personal_details_stay_out_unless_asked_for(case, investigator, evidence, tmp_path):
    plain = export_bundle(case, tmp_path / "plain.zip", investigator)
    with zipfile.ZipFile(plain.path) as archive:
        everything = b"".join(archive.read(name) for name in ("manifest.json", "manifest.csv"))
    assert b"Coulibaly" not in everything and b"IMG_Fatoumata" not in everything
    assert (
        investigator.username.encode() not in everything
        and f"user {investigator.pk}".encode() in everything
    )

    full = export_bundle(case, tmp_path / "full.zip", investigator, include_personal=True)
    with zipfile.ZipFile(full.path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    photo = next(
        entry
        for entry in manifest["items"]
        if entry["derived_from"] is None and entry["media_type"] == "image/png"
    )
    assert photo["collected_by"] == COLLECTOR and photo["original_filename"] == "IMG_Fatoumata.png"


def test_a_changed_file_stops_the_export(case, investigator, evidence, tmp_path):
    photo = evidence[0]
    path = default_store().path_for(photo.sha256)
    os.chmod(path, 0o600)
    path.write_bytes(path.read_bytes() + b"\x00")
    with pytest.raises(BundleError, match=f"evidence {photo.pk}"):
        export_bundle(case, tmp_path / "bundle.zip", investigator)
    assert not (tmp_path / "bundle.zip").exists() and list(tmp_path.glob("*.partial")) == []
    assert CustodyEvent.objects.filter(action="exported").count() == 0


def test_a_bundle_never_overwrites_a_file(case, investigator, evidence, tmp_path):
    target = tmp_path / "bundle.zip"
    target.write_bytes(b"someone else's file")
    with pytest.raises(BundleError, match="already exists"):
        export_bundle(case, target, investigator)
    assert target.read_bytes() == b"someone else's file"


def test_outsiders_cannot_export(case, outsider, evidence, tmp_path):
    from django.http import Http404

    with pytest.raises(Http404):
        export_bundle(case, tmp_path / "bundle.zip", outsider)
    assert not (tmp_path / "bundle.zip").exists()


def test_the_cli_prints_the_manifest_hash(case, evidence, tmp_path):
    output = tmp_path / "bundle.zip"
    outcome = CliRunner().invoke(
        main, ["evidence", "bundle", case.reference, "--output", str(output)]
    )
    assert outcome.exit_code == 0, outcome.output
    with zipfile.ZipFile(output) as archive:
        digest = hashlib.sha256(archive.read("manifest.json")).hexdigest()
    assert f"manifest.json sha256 {digest}" in outcome.output
    again = CliRunner().invoke(
        main, ["evidence", "bundle", case.reference, "--output", str(output)]
    )
    assert again.exit_code == 1 and "already exists" in again.output


def test_the_cli_adds_a_file_with_its_metadata(case, tmp_path):
    from vigie.evidence.models import EvidenceItem

    path = tmp_path / "photo.png"
    path.write_bytes(PHOTO)
    outcome = CliRunner().invoke(
        main,
        [
            "evidence",
            "add",
            case.reference,
            str(path),
            "--captured-at",
            "2024-03-07T06:30",
            "--device",
            "Itel A70",
            "--collected-by",
            COLLECTOR,
            "--source",
            "WhatsApp",
        ],
    )
    assert outcome.exit_code == 0, outcome.output
    item = EvidenceItem.objects.get(case=case)
    assert (
        item.sha256 in outcome.output
        and item.device == "Itel A70"
        and item.collected_by == COLLECTOR
    )
    assert COLLECTOR not in outcome.output
    assert item.custody.get().actor_name.startswith("vigie evidence add")
    bad = tmp_path / "empty.png"
    bad.write_bytes(b"")
    refused = CliRunner().invoke(main, ["evidence", "add", case.reference, str(bad)])
    assert (
        refused.exit_code == 1
        and "empty" in refused.output
        and "nothing was stored" in refused.output
    )


def test_the_manifest_csv_has_no_cell_a_spreadsheet_runs_as_a_formula(case, investigator, tmp_path):
    from tests.formulas import MALICIOUS, assert_no_formula

    add_evidence(
        case,
        io.BytesIO(PHOTO),
        "=1+1.png",
        {
            "collected_by": MALICIOUS["hyperlink"],
            "device": MALICIOUS["at"],
            "description": MALICIOUS["minus"],
            "source": MALICIOUS["tab"],
            "latitude": 14.49,
            "longitude": -4.19,
        },
        investigator,
    )
    for include_personal in (False, True):
        result = export_bundle(
            case,
            tmp_path / f"bundle-{include_personal}.zip",
            investigator,
            include_personal=include_personal,
        )
        with zipfile.ZipFile(result.path) as archive:
            manifest = archive.read("manifest.csv").decode("utf-8")
            assert (
                hashlib.sha256(archive.read("manifest.csv")).hexdigest()
                == result.manifest_csv_sha256
            )
        expected = [MALICIOUS["at"]] + (
            [MALICIOUS["hyperlink"], MALICIOUS["minus"]] if include_personal else []
        )
        assert_no_formula(manifest, *expected)
        assert ",-4.19," in manifest  # a longitude stays a number
