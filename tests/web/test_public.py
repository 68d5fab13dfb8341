"""The public part: the public home, the methodology and the open data, with public incidents only."""

import csv
import io
import json

import pytest

from vigie.web.views import public

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogues")]

PRIVATE = ("Sévaré", "Secret-Douentza", "Ménaka-Beta", "Tessit")


@pytest.mark.parametrize("path", ["/", "/public/", "/incidents/", "/methodology/", "/open-data/"])
@pytest.mark.parametrize("language", ["", "en/"])
def test_public_pages_render_in_both_languages_and_never_show_private_incidents(
    client, world, path, language
):
    response = client.get(f"/{language}{path.lstrip('/')}")
    text = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language.rstrip("/") or "fr"}">' in text
    for location in PRIVATE:
        assert location not in text


def test_the_public_home_counts_public_incidents_only_even_for_a_member(client, world):
    for user in (None, world.users["awa"], world.users["bakary"]):
        if user is not None:
            client.force_login(user)
        response = client.get("/en/public/")
        assert response.context["totals"]["incidents"] == 1
        assert response.context["totals"]["best"] == 7
        assert [row["location"] for row in response.context["latest"]] == ["Boni"]
        assert sum(response.context["killed_series"]["best"]) == 7
    text = response.content.decode()
    assert "What Vigie is" not in text and "Vigie gathers the reports" in text
    assert 'data-kind="band"' in text and 'href="/en/incidents/"' in text


def test_the_methodology_states_the_rules(client):
    english = client.get("/en/methodology/").content.decode()
    for rule in (
        "Never the sum of the reports",
        "lower median",
        "not trusted alone",
        "Fellegi–Sunter",
        "Contested",
        "NATO/Admiralty",
    ):
        assert rule in english
    french = client.get("/methodology/").content.decode()
    for rule in (
        "Jamais la somme des rapports",
        "médiane inférieure",
        "ne fait pas foi seule",
        "Contesté",
    ):
        assert rule in french


def test_open_data_credits_ucdp_and_never_redistributes_acled(client, world):
    english = client.get("/en/open-data/").content.decode()
    assert "Uppsala Conflict Data Program" in english and "CC BY 4.0" in english
    assert "s rows are never redistributed." in english
    assert (
        "Alpha field notes" not in english
    )  # an organisation's own source is not named to the public
    french = client.get("/open-data/").content.decode()
    assert "ACLED ne sont jamais redistribuées." in french


def test_open_data_downloads_hold_public_incidents_only(client, world, monkeypatch):
    monkeypatch.setattr(public, "OPEN_DATA_MAX_AGE", 0)
    client.force_login(world.users["awa"])  # a member downloads the public file like anyone
    response = client.get("/en/open-data/csv/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert [row["location"] for row in rows] == ["Boni"]
    features = json.loads(b"".join(client.get("/en/open-data/geojson/").streaming_content))[
        "features"
    ]
    assert [feature["properties"]["location"] for feature in features] == ["Boni"]
    assert client.get("/en/open-data/xlsx/").status_code == 404


def test_open_data_files_are_reused_while_fresh(client, world, monkeypatch):
    monkeypatch.setattr(public, "OPEN_DATA_MAX_AGE", 3600)
    first = b"".join(client.get("/en/open-data/csv/").streaming_content)
    world.incidents["boni"].location = "Boni-renamed"
    world.incidents["boni"].save()
    assert b"".join(client.get("/en/open-data/csv/").streaming_content) == first
    monkeypatch.setattr(public, "OPEN_DATA_MAX_AGE", 0)
    assert b"Boni-renamed" in b"".join(client.get("/en/open-data/csv/").streaming_content)
