"""The chain of custody cannot be rewritten; `vigie evidence verify` names a changed or missing file."""

import hashlib
import io
import os

import pytest
from click.testing import CliRunner
from django.contrib.contenttypes.models import ContentType

from vigie.cases.demo import png_bytes
from vigie.cli import main
from vigie.core.audit import verify_chain
from vigie.core.models import ChangeLogEntry
from vigie.evidence.errors import CustodyIsAppendOnly
from vigie.evidence.integrity import verify_store
from vigie.evidence.models import CustodyEvent
from vigie.evidence.services import add_evidence, record_custody, verify_item
from vigie.evidence.store import default_store

pytestmark = pytest.mark.django_db

PHOTO = png_bytes(8, 6, lambda x, y: (x * 30, y * 40, 90))
TEXT = b"Transcription de l'entretien\n"


@pytest.fixture
def items(case, investigator):
    photo = add_evidence(case, io.BytesIO(PHOTO), "a.png", {}, investigator).item
    text = add_evidence(case, io.BytesIO(TEXT), "t.txt", {}, investigator).item
    return photo, text


def test_custody_events_cannot_be_changed_or_deleted(items, investigator):
    photo, _ = items
    event = record_custody(photo, "transferred", investigator, note="remis au greffe")
    event.note = "rewritten"
    with pytest.raises(CustodyIsAppendOnly):
        event.save()
    with pytest.raises(CustodyIsAppendOnly):
        event.delete()
    with pytest.raises(CustodyIsAppendOnly):
        CustodyEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(CustodyIsAppendOnly):
        CustodyEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(CustodyIsAppendOnly):
        CustodyEvent.objects.all().delete()
    assert CustodyEvent.objects.get(pk=event.pk).note == "remis au greffe"


def test_every_custody_event_is_in_the_chained_change_log(items):
    content_type = ContentType.objects.get_for_model(CustodyEvent)
    logged = set(
        ChangeLogEntry.objects.filter(content_type=content_type, action="create").values_list(
            "object_id", flat=True
        )
    )
    assert logged == set(CustodyEvent.objects.values_list("pk", flat=True)) and len(logged) == 2
    assert list(verify_chain()) == []


def test_an_intact_store_verifies(items):
    report = verify_store()
    assert report.ok and report.checked == 2 and report.items == 2 and report.unreferenced == []
    outcome = CliRunner().invoke(main, ["evidence", "verify"])
    assert outcome.exit_code == 0, outcome.output
    assert "2 stored file(s) checked" in outcome.output and "matches its hash" in outcome.output


def test_one_changed_byte_is_named_by_verify_and_the_cli_exits_1(items):
    photo, text = items
    path = default_store().path_for(text.sha256)
    os.chmod(
        path, 0o600
    )  # the store keeps files read-only; an attacker or a faulty disk does not ask
    data = bytearray(path.read_bytes())
    data[3] ^= 0x01
    path.write_bytes(bytes(data))
    actual = hashlib.sha256(bytes(data)).hexdigest()

    report = verify_store()
    assert not report.ok and report.checked == 2
    [problem] = report.problems
    assert (
        problem.item_ids == (text.pk,)
        and problem.sha256 == text.sha256
        and problem.actual == actual
    )

    outcome = CliRunner().invoke(main, ["evidence", "verify"])
    assert outcome.exit_code == 1
    assert f"evidence {text.pk}: file changed" in outcome.output
    assert text.sha256 in outcome.output and actual in outcome.output
    assert f"evidence {photo.pk}:" not in outcome.output
    assert "2 stored file(s) checked" in outcome.output


def test_a_missing_file_is_named(items):
    photo, _ = items
    default_store().path_for(photo.sha256).unlink()
    [problem] = verify_store().problems
    assert problem.missing and problem.item_ids == (photo.pk,)
    outcome = CliRunner().invoke(main, ["evidence", "verify"])
    assert outcome.exit_code == 1 and f"evidence {photo.pk}: file missing" in outcome.output


def test_verification_can_be_recorded_in_the_chain_of_custody(items, investigator):
    photo, text = items
    assert verify_item(photo, investigator)
    assert photo.custody.filter(action="verified", sha256=photo.sha256).count() == 1
    verify_store(record=True)
    assert text.custody.filter(action="verified").count() == 1


def test_a_file_nobody_describes_is_reported_but_is_not_a_failure(items):
    store = default_store()
    stray = hashlib.sha256(b"stray").hexdigest()
    store.path_for(stray).parent.mkdir(parents=True)
    store.path_for(stray).write_bytes(b"stray")
    report = verify_store()
    assert report.ok and report.unreferenced == [stray]
