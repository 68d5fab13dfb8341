"""A key rotation interrupted anywhere: records still read and are still found by name, `vigie keys
status` reports the unfinished rotation (exit 1) and says how to finish it, `vigie keys rotate`
finishes it without making new keys."""

import json

import pytest
from click.testing import CliRunner
from django.db import connection

from vigie import cli
from vigie.core import crypto
from vigie.victims import services
from vigie.victims.models import Victim

from .test_encryption import ALIAS, NAME, raw, victim  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


class Interrupted(Exception):
    pass


def interrupt_reencryption(monkeypatch):
    """Stop in the middle of the transaction that re-encrypts: on the fifth value decrypted."""
    decrypt, calls = crypto.decrypt, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise Interrupted("interrupted while re-encrypting")
        return decrypt(*args, **kwargs)

    monkeypatch.setattr(crypto, "decrypt", failing)


def interrupt_retirement(monkeypatch):
    """Stop after everything was re-encrypted and committed, before the old keys are removed."""
    write, calls = crypto._write_keyring, []

    def failing(keyring, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise Interrupted("interrupted before removing the old keys")
        return write(keyring, *args, **kwargs)

    monkeypatch.setattr(crypto, "_write_keyring", failing)


def found(name):
    return [v.pk for v in services.find_by_name(None, name, "test")]


def keyring_file(keys_dir):
    return json.loads((keys_dir / crypto.KEYRING_FILE).read_text())


@pytest.mark.parametrize("interrupt", [interrupt_reencryption, interrupt_retirement])
def test_an_interrupted_rotation_keeps_search_working_is_reported_and_finishes(
    victim,  # noqa: F811 - the fixture imported above
    keys_dir,
    monkeypatch,
    interrupt,
):
    before = crypto.load_keyring()
    with monkeypatch.context() as patch:
        interrupt(patch)
        with pytest.raises(Interrupted):
            crypto.rotate_keys()
    half = keyring_file(keys_dir)
    new_data, new_index = half["data"]["current"], half["index"]["current"]
    assert new_data != before.data.current and before.data.current in half["data"]["keys"]
    assert new_index != before.index.current and before.index.current in half["index"]["keys"]

    # Reading and exact search work whatever the rotation had done (the old index key is still there).
    assert Victim.objects.get(pk=victim.pk).name == NAME
    assert found(NAME) == [victim.pk] and found(ALIAS.lower()) == [victim.pk]
    assert list(
        crypto.blind_search(Victim.objects.all(), "name_index", NAME).values_list("pk", flat=True)
    ) == [victim.pk]
    # A victim recorded meanwhile is written under the new keys, and found too.
    other = services.create_victim(
        None, victim.organisation, name="Oumou Sangaré-Test", consents=["documentation"]
    )
    assert crypto.key_id_of(raw("victims_victim", "name", other.pk)) == new_data
    assert found("oumou sangare test") == [other.pk]

    status = CliRunner().invoke(cli.main, ["keys", "status"])
    assert status.exit_code == 1, status.output
    assert "a key rotation has not finished" in status.output
    assert before.data.current in status.output and before.index.current in status.output
    assert "Finish it with `vigie keys rotate`" in status.output

    finish = CliRunner().invoke(cli.main, ["keys", "rotate"])
    assert finish.exit_code == 0, finish.output
    assert "finished the key rotation that was interrupted earlier" in finish.output
    done = keyring_file(keys_dir)
    assert list(done["data"]["keys"]) == [new_data] and list(done["index"]["keys"]) == [
        new_index
    ]  # no new keys
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM victims_victim")
        assert {crypto.key_id_of(value) for (value,) in cursor.fetchall()} == {new_data}
    assert found(NAME) == [victim.pk] and found("Oumou Sangaré-Test") == [other.pk]
    assert crypto.index_usage()["victims.Victim.name_index"] == {new_index: 2}

    status = CliRunner().invoke(cli.main, ["keys", "status"])
    assert status.exit_code == 0, status.output
    assert "no rotation is pending" in status.output
    # The next rotation is a new one again.
    assert not crypto.rotate_keys().resumed and crypto.load_keyring().data.current != new_data


def test_status_reports_index_digests_that_no_key_made(victim, keys_dir):  # noqa: F811
    assert CliRunner().invoke(cli.main, ["keys", "status"]).exit_code == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE victims_victim SET name_index = %s WHERE id = %s", ["0" * 64, victim.pk]
        )
    assert found(NAME) == []
    status = CliRunner().invoke(cli.main, ["keys", "status"])
    assert (
        status.exit_code == 1
        and "1 name index digest(s) were made with no key of the keyring" in status.output
    )
    assert CliRunner().invoke(cli.main, ["keys", "rotate", "--only", "index"]).exit_code == 0
    assert found(NAME) == [victim.pk]
    assert CliRunner().invoke(cli.main, ["keys", "status"]).exit_code == 0
