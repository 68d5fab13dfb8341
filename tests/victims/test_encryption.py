"""Encrypted fields at rest: round trip, nothing in clear in the database, tampering, key rotation."""

import json
import stat

import pytest
from click.testing import CliRunner
from django.core.exceptions import FieldError
from django.db import connection

from vigie import cli
from vigie.core import crypto
from vigie.core.models import ChangeLogEntry
from vigie.victims import services
from vigie.victims.models import Assistance, FollowUp, Victim, VictimAlias

pytestmark = pytest.mark.django_db

NAME = "Aminata Demo-Traoré"
ALIAS = "Mariam Kouyatéssou"
TESTIMONY = "Des hommes armés sont entrés dans la cour au petit matin"


@pytest.fixture
def victim(keys_dir, organisation, incident):
    victim = services.create_victim(
        None,
        organisation,
        name=NAME,
        aliases=[ALIAS],
        sex="female",
        age=34,
        community="Communauté Xyzpeul",
        civilian_status="civilian",
        harms=["injured", "displaced"],
        contact="+223 70 12 34 56",
        home_location="Quartier Sebenikoro, 12.6034 -8.0298",
        testimony=TESTIMONY,
        incidents=[(incident, "direct_victim")],
        consents=["documentation", "referral"],
    )
    assistance = services.open_assistance(None, victim)
    services.add_follow_up(None, assistance, note="Revue le mardi, toujours des cauchemars")
    return victim


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_identifying_fields_round_trip_and_are_ciphertext_in_the_table(victim):
    stored = raw("victims_victim", "name", victim.pk)
    assert stored.startswith("vgc1:") and NAME not in stored
    again = Victim.objects.get(pk=victim.pk)
    assert (again.name, again.community, again.testimony) == (NAME, "Communauté Xyzpeul", TESTIMONY)
    assert again.age_group == "adult" and again.harms == ["injured", "displaced"]
    assert [alias.name for alias in again.aliases.all()] == [ALIAS]
    for column in ("community", "contact", "home_location", "testimony"):
        assert raw("victims_victim", column, victim.pk).startswith("vgc1:")


def test_an_encrypted_field_cannot_be_queried_by_value(victim):
    with pytest.raises(FieldError, match="blind index"):
        Victim.objects.filter(name=NAME).exists()
    assert Victim.objects.filter(testimony__isnull=False).count() == 1


def database_text() -> bytes:
    """All the database holds, as bytes: the SQLite file (or a copy of an in-memory one), or every
    row of every table cast to text on PostgreSQL."""
    if connection.vendor == "postgresql":
        chunks = []
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} t")
                chunks.extend(row[0] for row in cursor.fetchall())
        return "\n".join(chunks).encode()
    return sqlite_bytes()


def sqlite_bytes() -> bytes:
    """The bytes of the SQLite database file. The test database lives in memory and the test's rows
    are not committed (so neither VACUUM INTO nor a backup can copy it): the connection serialises
    the database as its file would be, pages it has not committed included."""
    connection.ensure_connection()
    data = connection.connection.serialize()
    assert data.startswith(b"SQLite format 3")
    return bytes(data)


def test_no_name_in_clear_anywhere_in_the_database(victim):
    text = database_text()
    for secret in (
        NAME,
        "Aminata",
        "Demo-Traor",
        ALIAS,
        "Xyzpeul",
        "70 12 34 56",
        "Sebenikoro",
        "cauchemars",
        TESTIMONY[:30],
    ):
        for encoded in {secret.encode(), secret.encode("utf-16-le")}:
            assert encoded not in text, secret
    assert (
        b"direct_victim" in text or connection.vendor == "postgresql"
    )  # the scan does see the tables


def test_the_change_log_has_markers_not_values(victim):
    entries = ChangeLogEntry.objects.filter(content_type__app_label="victims")
    dumped = json.dumps(
        [[e.object_repr, e.prechange, e.postchange] for e in entries], ensure_ascii=False
    )
    assert NAME not in dumped and "Xyzpeul" not in dumped and "cauchemars" not in dumped
    created = entries.get(content_type__model="victim", action="create")
    assert (
        created.postchange["name"].startswith("<encrypted ")
        and "name_index" not in created.postchange
    )
    assert created.object_repr == f"victim {victim.pk}"
    services.update_victim(None, victim, testimony=TESTIMONY + ", et ont emmené mon frère")
    update = ChangeLogEntry.objects.filter(content_type__model="victim", action="update").get()
    assert update.prechange["testimony"] != update.postchange["testimony"]
    assert update.prechange["name"] == update.postchange["name"]


def test_a_tampered_value_gives_a_clear_error_naming_the_key_and_field(victim):
    stored = raw("victims_victim", "testimony", victim.pk)
    key_id = crypto.key_id_of(stored)
    tampered = stored[:-8] + ("A" if stored[-8] != "A" else "B") + stored[-7:]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE victims_victim SET testimony = %s WHERE id = %s", [tampered, victim.pk]
        )
    with pytest.raises(crypto.DecryptionError) as caught:
        Victim.objects.get(pk=victim.pk)
    message = str(caught.value)
    assert "victims.Victim.testimony" in message and key_id in message
    assert TESTIMONY[:10] not in message
    outcome = CliRunner().invoke(cli.main, ["keys", "rotate"])
    assert outcome.exit_code == 1 and "victims.Victim.testimony" in outcome.output
    assert f"(id {victim.pk})" in outcome.output
    assert raw("victims_victim", "testimony", victim.pk) == tampered  # nothing half-done


def test_a_missing_key_is_named(victim, keys_dir):
    path = keys_dir / crypto.KEYRING_FILE
    stored = raw("victims_victim", "name", victim.pk)
    path.unlink()  # a lost keyring: a new one is made (development), without the old key
    with pytest.raises(
        crypto.DecryptionError,
        match=f"key '{crypto.key_id_of(stored)}', which is not in the keyring",
    ):
        Victim.objects.get(pk=victim.pk)


def test_rotation_re_encrypts_everything_and_removes_the_old_keys(victim, keys_dir):
    services.withdraw_consent(
        None, Victim.objects.create(organisation=victim.organisation, name="Hidden Person")
    )
    old = crypto.load_keyring()
    old_data, old_index = old.data.current, old.index.current
    old_digest = Victim.all_objects.get(pk=victim.pk).name_index

    outcome = CliRunner().invoke(cli.main, ["keys", "rotate"])
    assert outcome.exit_code == 0, outcome.output
    assert (
        "victims.Victim.name: 2 value(s) re-encrypted" in outcome.output
    )  # the withdrawn record too
    assert "victims.VictimAlias.name: 1 value(s) re-encrypted" in outcome.output

    ring = json.loads((keys_dir / crypto.KEYRING_FILE).read_text())
    assert old_data not in ring["data"]["keys"] and old_index not in ring["index"]["keys"]
    assert list(ring["data"]["keys"]) == [ring["data"]["current"]]
    assert stat.S_IMODE((keys_dir / crypto.KEYRING_FILE).stat().st_mode) == 0o600
    for table, column in (
        ("victims_victim", "name"),
        ("victims_victim", "testimony"),
        ("victims_victimalias", "name"),
        ("victims_followup", "note"),
    ):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")
            assert {crypto.key_id_of(value) for (value,) in cursor.fetchall()} == {
                ring["data"]["current"]
            }

    again = Victim.objects.get(pk=victim.pk)
    assert (again.name, again.contact, again.testimony) == (NAME, "+223 70 12 34 56", TESTIMONY)
    assert again.aliases.get().name == ALIAS
    assert (
        FollowUp.objects.get(assistance__victim=victim).note
        == "Revue le mardi, toujours des cauchemars"
    )
    assert (
        Victim.all_objects.get(name_index=crypto.blind_index("Hidden Person")).name
        == "Hidden Person"
    )
    assert again.name_index != old_digest
    assert [v.pk for v in services.find_by_name(None, "aminata demo traore", "test")] == [victim.pk]
    assert [v.pk for v in services.find_by_name(None, ALIAS.upper(), "test")] == [victim.pk]
    status = CliRunner().invoke(cli.main, ["keys", "status"])
    assert (
        status.exit_code == 0
        and f"victims.Victim.name: 2 under {ring['data']['current']}" in status.output
    )


def test_rotating_only_the_index_key_keeps_the_data_key(victim, keys_dir):
    before = crypto.load_keyring()
    result = crypto.rotate_keys(data=False, index=True)
    after = crypto.load_keyring()
    assert after.data.current == before.data.current and after.index.current != before.index.current
    assert result.total_values == 0 and result.indexes["victims.Victim.name_index"] == 1
    assert result.indexes["victims.VictimAlias.name_index"] == 1
    assert [v.pk for v in services.find_by_name(None, NAME, "test")] == [victim.pk]


def test_every_model_with_encrypted_fields_is_registered(keys_dir):
    labels = {p.label: {f.name for f in p.encrypted} for p in crypto.protected_models()}
    assert labels["victims.Victim"] == {
        "name",
        "community",
        "contact",
        "home_location",
        "testimony",
    }
    assert labels["victims.VictimAlias"] == {"name"}
    assert labels["victims.FollowUp"] == {"note"}
    assert {"victims.Need", "victims.Service"} <= set(labels)
    assert Assistance._meta.label not in labels  # nothing identifying in the case itself
    assert VictimAlias._meta.get_field("name_index").source == "name"
