"""API tokens: hashed at rest, shown once, ending on a date, bound to the second factor where the
user's role requires one (a token must not be a way round two-factor login)."""

import datetime
import hashlib
import importlib

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from vigie.accounts import twofactor
from vigie.api.tokens import TokenRefused, issue_token
from vigie.cli import main

pytestmark = pytest.mark.django_db


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=twofactor.DEVICE_NAME, confirmed=True)


@pytest.fixture
def two_factor_required(settings):
    settings.VIGIE_REQUIRE_2FA = True


def test_a_role_that_needs_two_factor_gets_no_token_without_an_authenticator(
    world, protected, two_factor_required
):
    ines = protected.ines  # investigator: reads cases, evidence and victims
    with pytest.raises(TokenRefused, match="two-factor"):
        issue_token(ines, replace=True)
    refused = CliRunner().invoke(main, ["token", "create", "ines", "--regenerate"])
    assert refused.exit_code != 0 and "authenticator" in refused.output
    # A token issued before two-factor login was required (or before the role was given) stops working.
    old = client_with(world.tokens["ines"])
    for path in (
        "/api/v1/cases/",
        f"/api/v1/victims/{protected.victim.pk}/?purpose=x",
        "/api/v1/incidents/",
    ):
        answer = old.get(path)
        assert answer.status_code == 401, path
        assert "SECRET" not in answer.content.decode()
    assert (
        "two-factor"
        in old.get("/api/v1/cases/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"].lower()
    )


def test_with_a_confirmed_authenticator_the_token_works_until_the_authenticator_goes(
    world, protected, two_factor_required
):
    device = confirmed_device(protected.ines)
    key, _record = issue_token(protected.ines, replace=True)
    client = client_with(key)
    assert [row["id"] for row in client.get("/api/v1/cases/").json()["results"]] == [
        protected.case.pk
    ]
    # A lost telephone: the operator removes the authenticator, and the tokens go with it.
    device.delete()
    assert not AuthToken.objects.filter(user=protected.ines).exists()
    assert client.get("/api/v1/cases/").status_code == 401


def test_a_new_authenticator_replacing_the_old_ends_the_tokens(
    world, protected, two_factor_required
):
    confirmed_device(protected.ines)
    key, _record = issue_token(protected.ines, replace=True)
    new = TOTPDevice.objects.create(
        user=protected.ines, name=twofactor.DEVICE_NAME, confirmed=False
    )
    TOTPDevice.objects.filter(user=protected.ines).exclude(
        pk=new.pk
    ).delete()  # as twofactor.confirm does
    assert client_with(key).get("/api/v1/cases/").status_code == 401


def test_a_role_without_sensitive_records_keeps_its_token_without_two_factor(
    world, two_factor_required
):
    # binta is an analyst: no victims, evidence or cases, so two-factor login is not required of her.
    assert client_with(world.tokens["binta"]).get("/api/v1/reports/").status_code == 200
    key, _record = issue_token(world.binta, replace=True)
    assert client_with(key).get("/api/v1/reports/").status_code == 200


def test_a_superuser_needs_an_authenticator_for_a_token(world, two_factor_required):
    operator = get_user_model().objects.create_superuser(
        "operator", password="a long enough password 9"
    )
    with pytest.raises(TokenRefused):
        issue_token(operator)
    confirmed_device(operator)
    key, _record = issue_token(operator)
    assert client_with(key).get("/api/v1/cases/").status_code == 200


def test_the_database_holds_no_usable_token(world):
    key, record = issue_token(world.ana, replace=True)
    rows = list(AuthToken.objects.filter(user=world.ana).values())
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0].values())
    assert key not in stored
    assert rows[0]["digest"] == hashlib.sha512(key.encode()).hexdigest()
    assert len(rows[0]["token_key"]) < len(key) // 2  # the prefix that finds the row, not the token
    # What a copy of the database gives does not authenticate.
    for value in (rows[0]["digest"], rows[0]["token_key"]):
        assert client_with(value).get("/api/v1/reports/").status_code == 401
    assert client_with(key).get("/api/v1/reports/").status_code == 200


def test_tokens_end_after_the_configured_lifetime(world, settings):
    days = settings.VIGIE_API_TOKEN_DAYS
    _key, record = issue_token(world.ana, replace=True)
    assert abs(
        record.expiry - (timezone.now() + datetime.timedelta(days=days))
    ) < datetime.timedelta(minutes=1)
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": datetime.timedelta(days=2)}
    _key, record = issue_token(world.ana, replace=True)
    assert abs(record.expiry - (timezone.now() + datetime.timedelta(days=2))) < datetime.timedelta(
        minutes=1
    )


def test_an_expired_token_is_refused(world):
    client = world.client("ana")
    assert client.get("/api/v1/reports/").status_code == 200
    AuthToken.objects.filter(user=world.ana).update(
        expiry=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get("/api/v1/reports/").status_code == 401
    # And an expired token does not stand in the way of a new one.
    key, _record = issue_token(world.ana)
    assert client_with(key).get("/api/v1/reports/").status_code == 200


def test_token_create_prints_the_token_once(world):
    runner = CliRunner()
    created = runner.invoke(main, ["token", "create", "ana", "--regenerate"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key.startswith("vigie_") and len(key) == len("vigie_") + 64
    assert "shown this once" in created.stderr and "ends on" in created.stderr
    assert client_with(key).get("/api/v1/reports/").status_code == 200

    again = runner.invoke(main, ["token", "create", "ana"])
    assert (
        again.exit_code != 0 and key not in again.output and "cannot be shown again" in again.output
    )
    assert (
        client_with(key).get("/api/v1/reports/").status_code == 200
    )  # asking again changed nothing

    renewed = runner.invoke(main, ["token", "create", "ana", "--regenerate"])
    assert renewed.exit_code == 0 and renewed.stdout.strip() not in ("", key)
    assert client_with(key).get("/api/v1/reports/").status_code == 401

    revoked = runner.invoke(main, ["token", "revoke", "ana"])
    assert revoked.exit_code == 0 and not AuthToken.objects.filter(user=world.ana).exists()
    assert client_with(renewed.stdout.strip()).get("/api/v1/reports/").status_code == 401


def test_the_admin_lists_tokens_without_their_value_and_cannot_issue_one(world, client):
    key, record = issue_token(world.ana, replace=True)
    operator = get_user_model().objects.create_superuser(
        "operator", password="a long enough password 9"
    )
    client.force_login(operator)
    listing = client.get("/admin/api/apitoken/")
    assert listing.status_code == 200 and "ana" in listing.content.decode()
    pages = [
        listing,
        client.get(f"/admin/api/apitoken/{record.pk}/change/"),
        client.get(f"/admin/api/apitoken/{record.pk}/delete/"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert (
            key not in page.content.decode()
            and key[len("vigie_") :][:20] not in page.content.decode()
        )
    assert client.get("/admin/api/apitoken/add/").status_code == 403
    assert (
        client.get("/admin/knox/authtoken/").status_code == 404
    )  # knox's own page (which issues) is gone
    client.post(f"/admin/api/apitoken/{record.pk}/delete/", {"post": "yes"})
    assert client_with(key).get("/api/v1/reports/").status_code == 401


def test_the_migration_deletes_tokens_kept_in_clear(db):
    clear = importlib.import_module("vigie.api.migrations.0002_delete_clear_text_tokens")

    class SchemaEditor:  # the two things the migration uses (SQLite's own refuses a test's transaction)
        def __init__(self):
            self.connection = connection

        def quote_name(self, name):
            return connection.ops.quote_name(name)

        def execute(self, sql, params=()):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s)",
            ["9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", 1],
        )
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
            ["authtoken", "0001_initial", timezone.now()],
        )
    clear.delete_clear_text_tokens(None, SchemaEditor())
    with connection.cursor() as cursor:
        assert "authtoken_token" not in connection.introspection.table_names(cursor)
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = %s", ["authtoken"])
        assert cursor.fetchone()[0] == 0
    clear.delete_clear_text_tokens(
        None, SchemaEditor()
    )  # a database that never had them: nothing to do
