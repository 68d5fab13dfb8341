"""Filters as on the pages: dates, places (id, code or p-code), actors, categories, types, violations,
grade, source; bad values answer 400 with the parameter's name."""

import datetime

import pytest

from tests.factories import make_incident
from vigie.actors.models import Actor
from vigie.places.models import Place

pytestmark = pytest.mark.django_db


def ids(client, query: str) -> set[int]:
    response = client.get(f"/api/v1/incidents/?{query}")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def more(world):
    """Two more of beta's incidents, elsewhere and by others."""
    world.incidents["kidal"] = make_incident(
        world.beta,
        "organisation",
        world.sources["un"],
        place_code="MLI.kidal",
        location="Kidal",
        day=datetime.date(2020, 7, 1),
        actors=(("jnim", 1, "perpetrator"),),
        violations=("abduction_disappearance",),
        event_type="battles",
        grade="weak",
    )
    world.incidents["bankass"] = make_incident(
        world.beta,
        "organisation",
        world.sources["beta-witness"],
        place_code="MLI.mopti.bankass",
        location="Bankass",
        day=datetime.date(2021, 11, 5),
        actors=(("dan_na_ambassagou", 1, "perpetrator"),),
    )
    return world


def test_dates(more):
    client, incidents = more.client("binta"), more.incidents
    assert ids(client, "date_from=2023-01-01") == {incidents["beta_private"].pk}
    assert ids(client, "date_to=2020-12-31") == {
        incidents["alpha_public"].pk,
        incidents["kidal"].pk,
    }
    assert ids(client, "date_from=2021-01-01&date_to=2021-12-31") == {
        incidents["beta_acled_only"].pk,
        incidents["bankass"].pk,
    }


def test_places_by_id_code_or_pcode(more):
    client, incidents = more.client("binta"), more.incidents
    kidal = Place.objects.get(code="MLI.kidal")
    assert ids(client, f"admin1={kidal.pk}") == {incidents["kidal"].pk}
    assert ids(client, "admin1=MLI.kidal") == {incidents["kidal"].pk}
    assert ids(client, f"admin1={kidal.pcode}") == {incidents["kidal"].pk}
    assert ids(client, "admin2=ML0502") == {incidents["bankass"].pk}
    assert ids(client, "admin1=ML05,MLI.kidal") == {
        i.pk for name, i in incidents.items() if name not in ("alpha_private", "alpha_restricted")
    }
    assert ids(client, "admin1=no-such-place") == set()


def test_actors_and_categories(more):
    client, incidents = more.client("binta"), more.incidents
    assert ids(client, "actor=jnim") == {incidents["kidal"].pk, incidents["beta_public"].pk}
    dan_na = Actor.objects.get(key="dan_na_ambassagou")
    assert ids(client, f"actor={dan_na.pk}") == {incidents["bankass"].pk}
    assert ids(client, "actor_category=community_militia,jihadist_group") == {
        incidents["kidal"].pk,
        incidents["beta_public"].pk,
        incidents["bankass"].pk,
    }


def test_types_violations_grade(more):
    client, incidents = more.client("binta"), more.incidents
    assert ids(client, "event_type=battles") == {
        incidents["kidal"].pk,
        incidents["beta_private"].pk,
    }
    assert ids(client, "violation=torture") == {incidents["beta_public"].pk}
    assert ids(client, "violation=abduction_disappearance,torture") == {
        incidents["beta_public"].pk,
        incidents["kidal"].pk,
    }
    assert ids(client, "grade=confirmed,weak") == {
        incidents["beta_public"].pk,
        incidents["kidal"].pk,
    }


def test_source_within_what_one_may_see(more):
    incidents = more.incidents
    assert ids(more.client("binta"), "source=beta-witness") == {
        incidents["beta_private"].pk,
        incidents["bankass"].pk,
    }
    # a witness of another organisation is not found, for members as for the public
    assert ids(more.client("ana"), "source=beta-witness") == set()
    assert ids(more.client(), "source=beta-witness") == set()
    assert ids(more.client(), "source=un-report") == {incidents["beta_public"].pk}
    # ACLED is not redistributable: the public cannot learn which published incidents ACLED reported
    assert ids(more.client(), "source=acled") == set()


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("date_from=yesterday", "date_from"),
        ("date_to=2023-13-40", "date_to"),
        ("event_type=massacre", "event_type"),
        ("violation=killing,unknown", "violation"),
        ("actor_category=bandits", "actor_category"),
        ("grade=certain", "grade"),
        ("ordering=killed", "ordering"),
        ("page_size=0", "page_size"),
        ("page_size=201", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
        ("admin1=" + ",".join(str(n) for n in range(60)), "admin1"),
    ],
)
def test_bad_values_answer_400_naming_the_parameter(world, query, parameter):
    response = world.client().get(f"/api/v1/incidents/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()


def test_place_search_by_other_spellings(world):
    def names(query):
        return {
            row["name"] for row in world.client().get(f"/api/v1/places/?{query}").json()["results"]
        }

    assert "Ségou" in names("search=Segu")
    assert "Djenné" in names("search=djenne")
    assert names("kind=region&parent=MLI") >= {"Mopti", "Kidal", "Ségou"}
    assert names("pcode=ML05") == {"Mopti"}


def test_actor_search_by_alias(world):
    rows = world.client().get("/api/v1/actors/?search=GSIM").json()["results"]
    assert "jnim" in {row["key"] for row in rows}
    jnim = next(row for row in rows if row["key"] == "jnim")
    assert "GSIM" in {alias["name"] for alias in jnim["aliases"]}
    categories = {
        row["category"]
        for row in world.client()
        .get("/api/v1/actors/?category=state_forces&page_size=200")
        .json()["results"]
    }
    assert categories == {"state_forces"}


def test_reports_filters(more):
    client = more.client("binta")

    def report_incidents(query):
        response = client.get(f"/api/v1/reports/?{query}")
        assert response.status_code == 200, response.content
        return {row["incident"] for row in response.json()["results"]}

    assert report_incidents(f"incident={more.incidents['kidal'].pk}") == {
        more.incidents["kidal"].pk
    }
    assert report_incidents("source=beta-witness") == {
        more.incidents["beta_private"].pk,
        more.incidents["bankass"].pk,
    }
    assert report_incidents("date_from=2023-01-01") == {more.incidents["beta_private"].pk}
    assert report_incidents("current=false") == set()
