"""The keyring and the encryption of values (vigie.core.crypto); fields and rotation: tests/victims."""

import json
import stat

import pytest
from click.testing import CliRunner
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from vigie import cli
from vigie.core import crypto


@pytest.fixture
def keys_dir(tmp_path):
    directory = tmp_path / "keys"
    with override_settings(VIGIE_KEYS_DIR=directory):
        yield directory


def test_a_keyring_is_created_on_first_use_private_to_its_owner(keys_dir):
    token = crypto.encrypt("Aminata")
    path = keys_dir / crypto.KEYRING_FILE
    assert stat.S_IMODE(keys_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = json.loads(path.read_text())
    data_key = document["data"]["current"]
    assert token.startswith(f"vgc1:{data_key}:") and "Aminata" not in token
    assert document["index"]["current"] != data_key
    assert crypto.decrypt(token) == "Aminata"


def test_production_refuses_to_run_without_a_keyring(keys_dir):
    with (
        override_settings(VIGIE_KEYS_CREATE=False),
        pytest.raises(crypto.KeyringError, match="vigie keys init"),
    ):
        crypto.encrypt("x")
    assert not keys_dir.exists()


def test_keys_init_creates_once_and_never_replaces(keys_dir):
    runner = CliRunner()
    first = runner.invoke(cli.main, ["keys", "init"])
    assert first.exit_code == 0, first.output
    before = (keys_dir / crypto.KEYRING_FILE).read_bytes()
    second = runner.invoke(cli.main, ["keys", "init"])
    assert second.exit_code == 1 and "never replaced" in second.output
    assert (keys_dir / crypto.KEYRING_FILE).read_bytes() == before


def test_a_keyring_readable_by_others_is_refused(keys_dir):
    crypto.load_keyring()
    path = keys_dir / crypto.KEYRING_FILE
    path.chmod(0o644)
    with pytest.raises(crypto.KeyringError, match="chmod 600"):
        crypto.load_keyring()


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_any_text_round_trips_and_never_shows(text):
    token = crypto.encrypt(text)
    assert crypto.decrypt(token) == text
    if len(text) >= 4:
        assert text not in token


def test_a_tampered_value_names_its_key_and_field_never_the_value(keys_dir):
    token = crypto.encrypt("Fatoumata Koné")
    key_id = crypto.key_id_of(token)
    body = bytearray(token.encode())
    body[-6] = ord("A") if body[-6] != ord("A") else ord("B")
    with pytest.raises(crypto.DecryptionError) as caught:
        crypto.decrypt(body.decode(), "victims.Victim.name")
    message = str(caught.value)
    assert key_id in message and "victims.Victim.name" in message and "altered" in message
    assert "Fatoumata" not in message and caught.value.key_id == key_id


def test_a_value_under_an_unknown_key_names_the_missing_key(keys_dir):
    token = crypto.encrypt("Fatoumata Koné")
    forged = token.replace(crypto.key_id_of(token), "0badc0de", 1)
    with pytest.raises(crypto.DecryptionError, match="key '0badc0de', which is not in the keyring"):
        crypto.decrypt(forged, "victims.Victim.name")


def test_the_blind_index_is_keyed_and_normalised(keys_dir, tmp_path):
    digest = crypto.blind_index("Aminata  TRAORÉ")
    assert (
        digest
        == crypto.blind_index("aminata traore")
        != crypto.blind_index("Aminata Traoré", scope="phone")
    )
    assert crypto.blind_index("") is None and crypto.blind_index("  ,") is None
    with override_settings(VIGIE_KEYS_DIR=tmp_path / "other-keys"):
        assert crypto.blind_index("Aminata Traoré") != digest  # another key, another digest


def test_a_change_logged_model_may_not_copy_an_encrypted_field_into_the_change_log():
    from django.core.exceptions import ImproperlyConfigured
    from django.db import models
    from django.test.utils import isolate_apps

    from vigie.core.models import ChangeLoggedModel

    with isolate_apps("vigie.victims"):
        with pytest.raises(ImproperlyConfigured, match="secret would be copied in clear"):
            type(
                "Leaky",
                (ChangeLoggedModel,),
                {"__module__": "vigie.victims.models", "secret": crypto.EncryptedTextField()},
            )
        excluded = type(
            "Excluded",
            (ChangeLoggedModel,),
            {
                "__module__": "vigie.victims.models",
                "secret": crypto.EncryptedTextField(),
                "changelog_exclude": ("secret",),
            },
        )
        marked = type(
            "Marked",
            (crypto.EncryptedSnapshotMixin, ChangeLoggedModel),
            {
                "__module__": "vigie.victims.models",
                "secret": crypto.EncryptedTextField(),
                "plain": models.CharField(max_length=10),
            },
        )
    assert "secret" not in excluded(pk=1, secret="Aminata").snapshot()
    snapshot = marked(pk=1, secret="Aminata", plain="ok").snapshot()
    assert snapshot["plain"] == "ok" and snapshot["secret"].startswith("<encrypted ")
    assert snapshot["secret"] != marked(pk=1, secret="Aminatou", plain="ok").snapshot()["secret"]
    assert (
        snapshot["secret"] != marked(pk=2, secret="Aminata", plain="ok").snapshot()["secret"]
    )  # per record


def test_the_json_field_encrypts_the_whole_value(keys_dir):
    field = crypto.EncryptedJSONField()
    field.name = "data"
    stored = field.get_prep_value({"witness": "Fatoumata", "ages": [3, 7]})
    assert stored.startswith("vgc1:") and "Fatoumata" not in stored
    assert field.from_db_value(stored, None, None) == {"witness": "Fatoumata", "ages": [3, 7]}
    assert field.get_prep_value(None) is None and field.from_db_value(None, None, None) is None
    assert crypto.EncryptedTextField().get_prep_value("") == ""
