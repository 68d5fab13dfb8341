"""No N+1: a page of incidents costs the same few queries for 5 rows or 60, and never a COUNT."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_incident

pytestmark = pytest.mark.django_db

# Token lookup, memberships, grants, the page, its places, its organisations (members), its actors, its
# violations (vigie.incidents.api.references: a query each rather than a seven-table join).
LIST_QUERIES = 9
DETAIL_QUERIES = 10


def add_incidents(world, n: int) -> None:
    for number in range(n):
        make_incident(
            world.beta,
            "public" if number % 2 else "organisation",
            world.sources["un"],
            day=datetime.date(2021, 1, 1) + datetime.timedelta(days=number),
            location=f"Lieu {number}",
            actors=(("fama", 1, "perpetrator"), ("jnim", 2, "target")),
            violations=("killing", "torture"),
        )


def queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return [q["sql"] for q in context.captured_queries]


@pytest.mark.parametrize("who", [None, "binta"])
def test_a_page_costs_the_same_whatever_its_length(world, who, django_assert_max_num_queries):
    client = world.client(who)
    add_incidents(world, 4)
    small = queries(client, "/api/v1/incidents/?page_size=100")
    add_incidents(world, 56)
    with django_assert_max_num_queries(LIST_QUERIES):
        large = queries(client, "/api/v1/incidents/?page_size=100")
    assert len(large) == len(small)
    assert not any("COUNT(" in sql.upper() for sql in large)


@pytest.mark.parametrize("who", [None, "binta"])
def test_an_incident_costs_a_fixed_number_of_queries(world, who, django_assert_max_num_queries):
    client = world.client(who)
    incident = world.incidents["beta_public"]
    with django_assert_max_num_queries(DETAIL_QUERIES):
        client.get(f"/api/v1/incidents/{incident.pk}/")


def test_filtered_pages_and_other_lists(world, django_assert_max_num_queries):
    add_incidents(world, 30)
    client = world.client("binta")
    with django_assert_max_num_queries(
        LIST_QUERIES + 2
    ):  # + the places and actors named in the filters
        client.get(
            "/api/v1/incidents/?admin1=ML05&actor=jnim&violation=torture&source=un-report&page_size=50"
        )
    for path in (
        "/api/v1/reports/?page_size=100",
        "/api/v1/actors/?page_size=200",
        "/api/v1/places/?page_size=200",
        "/api/v1/sources/",
        "/api/v1/organisations/",
    ):
        with django_assert_max_num_queries(6):
            client.get(path)
