"""`vigie token create` for a wrong user (the tokens themselves: test_tokens.py), and the API's messages in French."""

import pytest
from click.testing import CliRunner

from vigie.cli import main

pytestmark = pytest.mark.django_db


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
