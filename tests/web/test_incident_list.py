"""The incident list: filters narrow it, pages go by keyset without counting, exports follow the filters."""

import csv
import datetime
import io
import json

import pytest

from vigie.incidents.models import Incident
from vigie.places.models import Place

from .conftest import make_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogues")]


def locations(response) -> set[str]:
    return {incident.location for incident in response.context["incidents"]}


def test_the_list_renders_in_french_and_in_english_with_its_filters(client, world):
    french = client.get("/incidents/").content.decode()
    assert (
        '<html lang="fr">' in french
        and "Filtres" in french
        and "Région" in french
        and "Du" in french
    )
    english = client.get("/en/incidents/").content.decode()
    assert '<html lang="en">' in english and "Filters" in english and "Actor category" in english
    # The form works without JavaScript: a plain GET form, and htmx only adds to it.
    assert (
        'method="get"' in english
        and 'hx-get="/en/incidents/"' in english
        and 'hx-push-url="true"' in english
    )


def test_the_public_sees_public_incidents_and_members_their_own(client, world):
    assert locations(client.get("/en/incidents/")) == {"Boni"}
    client.force_login(world.users["awa"])
    assert locations(client.get("/en/incidents/")) == {"Boni", "Sévaré"}
    client.force_login(world.users["bakary"])
    assert locations(client.get("/en/incidents/")) == {"Boni", "Ménaka-Beta", "Tessit"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"Boni", "Sévaré"}),
        ("date_from=2023-06-01", {"Boni"}),
        ("date_to=2023-05-31", {"Sévaré"}),
        ("actor=JNIM", {"Boni"}),
        ("actor=Forces armées maliennes", {"Sévaré"}),
        ("actor=nobody-at-all", set()),
        ("actor_category=state_forces", {"Sévaré"}),
        ("actor_category=jihadist_group", {"Boni"}),
        ("event_type=battles", set()),
        ("event_type=violence_against_civilians", {"Boni", "Sévaré"}),
        ("violation=killing", {"Boni", "Sévaré"}),
        ("violation=torture", set()),
        ("grade=weak", {"Boni", "Sévaré"}),
        ("grade=confirmed", set()),
        ("admin3=socoura", {"Sévaré"}),
        ("admin3=Sôcoura", {"Sévaré"}),
        ("admin3=Bankass", set()),
    ],
)
def test_filters_narrow_the_list(client, world, query, expected):
    client.force_login(world.users["awa"])
    response = client.get(f"/en/incidents/?{query}")
    assert response.status_code == 200
    assert locations(response) == expected


def test_place_and_source_filters_take_the_ids_of_their_selects(client, world):
    client.force_login(world.users["awa"])
    mopti = Place.objects.get(code="MLI.mopti")
    douentza = Place.objects.get(code="MLI.mopti.douentza")
    menaka = Place.objects.get(code="MLI.menaka")
    assert locations(client.get(f"/en/incidents/?admin1={mopti.pk}")) == {"Boni", "Sévaré"}
    assert locations(client.get(f"/en/incidents/?admin1={menaka.pk}")) == set()
    assert locations(client.get(f"/en/incidents/?admin2={douentza.pk}")) == {"Boni"}
    assert locations(client.get(f"/en/incidents/?source={world.sources['partner'].pk}")) == {
        "Sévaré"
    }
    # Another organisation's source is no filter at all for this user: it matches nothing.
    assert locations(client.get(f"/en/incidents/?source={world.sources['beta'].pk}")) == set()
    page = client.get("/en/incidents/").content.decode()
    assert f'<option value="{douentza.pk}">Douentza</option>' in page
    assert "Alpha field notes" in page and "Beta field notes" not in page


def test_a_bad_filter_is_shown_not_silently_dropped(client, world):
    response = client.get("/en/incidents/?date_from=yesterday&event_type=nonsense")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Some filters could not be read" in text
    assert "Enter a valid date." in text


def test_htmx_gets_the_results_only(client, world):
    partial = client.get("/en/incidents/?grade=weak", HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text and "<table>" in text and "Boni" in text
    assert "HX-Request" in partial["Vary"]
    # A history restore gets the whole page back.
    whole = client.get(
        "/en/incidents/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in whole.content.decode()


@pytest.fixture
def many(world):
    """60 more public incidents of alpha, on 30 days, two a day."""
    made = []
    for n in range(60):
        day = datetime.date(2022, 1, 1) + datetime.timedelta(days=n // 2)
        made.append(
            make_incident(
                world.alpha,
                "public",
                world.sources["rfi"],
                day=day,
                location=f"Village {n:02d}",
                killed=n,
            )
        )
    return made


def test_pages_follow_a_keyset_without_counting(client, world, many, django_assert_max_num_queries):
    client.force_login(world.users["awa"])
    with django_assert_max_num_queries(14) as captured:
        first = client.get("/en/incidents/")
    sql = [query["sql"].upper() for query in captured.captured_queries]
    assert not [query for query in sql if "COUNT(*)" in query or "OFFSET" in query]
    rows = first.context["incidents"]
    assert len(rows) == 50
    assert [(i.date_start, i.pk) for i in rows] == sorted(
        [(i.date_start, i.pk) for i in rows], reverse=True
    )
    older = first.context["older_query"]
    assert older.startswith("after=") and f'href="?{older}"' in first.content.decode()

    with django_assert_max_num_queries(14):
        second = client.get(f"/en/incidents/?{older}")
    rest = second.context["incidents"]
    assert len(rest) == 62 - 50
    assert not {i.pk for i in rows} & {i.pk for i in rest}
    assert second.context["older_query"] == ""
    # Back to the newer page, by the first row of this one.
    newer = second.context["newer_query"]
    assert newer.startswith("before=")
    back = client.get(f"/en/incidents/?{newer}")
    assert [i.pk for i in back.context["incidents"]] == [i.pk for i in rows]


def test_pages_keep_the_filters(client, world, many):
    response = client.get("/en/incidents/?grade=weak&date_from=&actor=&date_to=2022-12-31")
    assert response.context["older_query"].startswith("grade=weak&date_to=2022-12-31&after=")
    second = client.get("/en/incidents/?" + response.context["older_query"])
    assert len(second.context["incidents"]) == 10
    assert all(i.date_start.year == 2022 for i in second.context["incidents"])


def test_a_malformed_cursor_gives_the_first_page(client, world):
    response = client.get("/en/incidents/?after=not-a-cursor")
    assert response.status_code == 200 and locations(response) == {"Boni"}


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


def test_export_of_a_filtered_list(client, world):
    client.force_login(world.users["awa"])
    page = client.get("/en/incidents/?actor_category=state_forces").content.decode()
    assert 'href="/en/incidents/export/csv/?actor_category=state_forces"' in page
    response = client.get("/en/incidents/export/csv/?actor_category=state_forces")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert [row["location"] for row in read_csv(response)] == ["Sévaré"]
    everything = read_csv(client.get("/en/incidents/export/csv/"))
    assert {row["location"] for row in everything} == {"Boni", "Sévaré"}  # never the restricted one
    geojson = b"".join(client.get("/en/incidents/export/geojson/?admin3=socoura").streaming_content)
    features = json.loads(geojson)["features"]
    assert [feature["properties"]["location"] for feature in features] == ["Sévaré"]
    hxl = read_csv(client.get("/en/incidents/export/hxl/?grade=weak"))
    assert hxl[0]["location"] == "#loc+name" and {row["location"] for row in hxl[1:]} == {
        "Boni",
        "Sévaré",
    }


def test_the_public_export_holds_public_incidents_only(client, world):
    rows = read_csv(client.get("/en/incidents/export/csv/"))
    assert [row["location"] for row in rows] == ["Boni"]
    assert "Note de terrain" not in json.dumps(rows)
    assert client.get("/en/incidents/export/pdf/").status_code == 404


def test_merged_incidents_are_not_listed(client, world):
    Incident.objects.filter(pk=world.incidents["sevare"].pk).update(
        merged_into=world.incidents["boni"]
    )
    client.force_login(world.users["awa"])
    assert locations(client.get("/en/incidents/")) == {"Boni"}


def test_the_form_shows_the_chosen_filters(client, world):
    douentza = Place.objects.get(code="MLI.mopti.douentza")
    text = client.get(f"/en/incidents/?grade=weak&admin2={douentza.pk}&actor=JNIM").content.decode()
    assert '<option value="weak" selected>Weak</option>' in text
    assert f'<option value="{douentza.pk}" selected>Douentza</option>' in text
    assert '<optgroup label="Mopti">' in text  # cercles under their region
    assert 'name="actor" value="JNIM"' in text
    assert '<details class="filters" open>' in text
