"""The licences of the shipped boundaries and places require their credit lines where they are used."""

import html

import pytest

from vigie.places.mali import ATTRIBUTION_BOUNDARIES, ATTRIBUTION_PLACES, MALI_DIR

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogues")]


def test_the_credit_lines_are_the_readme_s_own_words():
    readme = " ".join((MALI_DIR / "README.md").read_text(encoding="utf-8").split())
    for line in (ATTRIBUTION_BOUNDARIES, ATTRIBUTION_PLACES):
        assert f'"{line}"' in readme


@pytest.mark.parametrize(
    "path", ["/methodology/", "/en/methodology/", "/open-data/", "/en/open-data/"]
)
def test_methodology_and_open_data_show_the_credit_lines(client, path):
    text = html.unescape(client.get(path).content.decode())
    assert ATTRIBUTION_BOUNDARIES in text and ATTRIBUTION_PLACES in text


def test_the_methodology_explains_places_in_both_languages(client):
    assert (
        "reported as ambiguous rather than guessed"
        in client.get("/en/methodology/").content.decode()
    )
    french = html.unescape(client.get("/methodology/").content.decode())
    assert "signalé comme ambigu plutôt que deviné" in french
