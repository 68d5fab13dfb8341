"""The change log is a hash chain: `vigie audit verify` names an entry that was changed, removed or reordered."""

import pytest
from click.testing import CliRunner
from django.db import connection

from vigie import cli
from vigie.core.audit import verify_chain
from vigie.core.models import ChangeLogEntry, Organisation
from vigie.interop.loader import run_import
from vigie.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(acled_file):
    place = Place.objects.create(code="MLI.test.x", kind="locality", name="Kouakourou")
    place.name = "Kouakourou (Djenné)"
    place.save()
    Organisation.objects.create(slug="amdh", name="AMDH")
    run_import("acled", acled_file(30))
    place.delete()
    entries = list(ChangeLogEntry.objects.order_by("sequence"))
    assert len(entries) >= 4
    return entries


def sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_intact_chain_verifies(history):
    assert list(verify_chain()) == []
    outcome = CliRunner().invoke(cli.main, ["audit", "verify"])
    assert outcome.exit_code == 0 and "intact" in outcome.output
    sequences = [entry.sequence for entry in history]
    assert sequences == sorted(sequences) and sequences[-1] - sequences[0] == len(sequences) - 1
    assert all(entry.previous_hash == before.entry_hash for before, entry in zip(history, history[1:], strict=False))


def test_an_edited_entry_is_named(history):
    target = history[len(history) // 2]
    sql("UPDATE core_changelogentry SET object_repr = %s WHERE id = %s", ["nothing happened here", target.pk])
    breaks = list(verify_chain())
    assert breaks[0].entry_id == target.pk and "changed" in breaks[0].reason
    outcome = CliRunner().invoke(cli.main, ["audit", "verify"])
    assert outcome.exit_code == 1
    assert f"entry {target.pk} (sequence {target.sequence})" in outcome.output


def test_an_edited_snapshot_is_named(history):
    target = next(entry for entry in history if entry.action == "update")
    sql("UPDATE core_changelogentry SET prechange = %s WHERE id = %s", ['{"name": "forged"}', target.pk])
    assert [b.entry_id for b in verify_chain()][:1] == [target.pk]


def test_a_removed_entry_is_detected(history):
    target = history[1]
    sql("DELETE FROM core_changelogentry WHERE id = %s", [target.pk])
    breaks = list(verify_chain())
    assert breaks and breaks[0].sequence == target.sequence and "removed" in breaks[0].reason


def test_reordered_entries_are_detected(history):
    first, second = history[0], history[1]
    sql("UPDATE core_changelogentry SET sequence = -1 WHERE id = %s", [first.pk])
    sql("UPDATE core_changelogentry SET sequence = %s WHERE id = %s", [first.sequence, second.pk])
    sql("UPDATE core_changelogentry SET sequence = %s WHERE id = %s", [second.sequence, first.pk])
    assert list(verify_chain())
