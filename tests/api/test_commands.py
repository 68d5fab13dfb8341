"""`vigie token create / revoke`, and the API's messages in French."""

import pytest
from click.testing import CliRunner
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vigie.cli import main

pytestmark = pytest.mark.django_db


def test_token_create_prints_a_working_token_and_revoke_ends_it(world):
    runner = CliRunner()
    Token.objects.filter(user=world.ana).delete()
    created = runner.invoke(main, ["token", "create", "ana"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert Token.objects.get(user=world.ana).key == key and len(key) == 40
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/reports/").status_code == 200

    again = runner.invoke(main, ["token", "create", "ana"])
    assert again.stdout.strip() == key and "already had" in again.stderr
    renewed = runner.invoke(main, ["token", "create", "ana", "--regenerate"])
    assert renewed.exit_code == 0 and renewed.stdout.strip() != key
    assert client.get("/api/v1/reports/").status_code == 401

    revoked = runner.invoke(main, ["token", "revoke", "ana"])
    assert revoked.exit_code == 0 and not Token.objects.filter(user=world.ana).exists()


def test_token_for_an_unknown_or_deactivated_user_says_why(world):
    runner = CliRunner()
    unknown = runner.invoke(main, ["token", "create", "nobody"])
    assert unknown.exit_code != 0 and "no user named 'nobody'" in unknown.output
    world.binta.is_active = False
    world.binta.save()
    inactive = runner.invoke(main, ["token", "create", "binta"])
    assert inactive.exit_code != 0 and "deactivated" in inactive.output


@pytest.fixture
def catalogues(settings):
    from pathlib import Path

    from django.utils.translation import trans_real

    from vigie.core.i18n import compile_catalogues

    compile_catalogues(Path(settings.LOCALE_PATHS[0]))
    trans_real._translations = {}
    trans_real._default = None


def test_messages_follow_the_client_s_language(world, catalogues):
    french = world.client().get("/api/v1/incidents/?page_size=0", HTTP_ACCEPT_LANGUAGE="fr")
    english = world.client().get("/api/v1/incidents/?page_size=0", HTTP_ACCEPT_LANGUAGE="en")
    assert french.json()["page_size"] == ["Indiquez un nombre entier de 1 à 200."]
    assert english.json()["page_size"] == ["Give a whole number from 1 to 200."]
