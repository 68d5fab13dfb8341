"""Cursor pagination: following `next` reads every incident once, in order, whatever the page size,
with many incidents on the same day; `previous` reads back the page before."""

import datetime

import pytest
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_incident
from vigie.incidents.models import Incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded(world):
    """Seventeen more incidents of beta, eight of them on one day."""
    for number in range(17):
        day = (
            datetime.date(2023, 2, 14)
            if number < 8
            else datetime.date(2020, 1, 1) + datetime.timedelta(days=number)
        )
        make_incident(
            world.beta,
            "organisation",
            world.sources["beta-witness"],
            day=day,
            location=f"Village {number}",
        )
    return world


def walk(client, url: str) -> tuple[list[int], list[dict]]:
    seen, pages = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        seen.extend(row["id"] for row in body["results"])
        url = body["next"]
    return seen, pages


def expected(user_ordering: tuple[str, ...]) -> list[int]:
    """What binta (analyst in beta) sees: beta's incidents and alpha's published one."""
    return list(
        Incident.objects.filter(
            Q(organisation__slug="beta") | Q(organisation__slug="alpha", visibility="public")
        )
        .order_by(*user_ordering)
        .values_list("id", flat=True)
    )


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    page_size=st.integers(min_value=1, max_value=9),
    ordering=st.sampled_from(["-date_start", "date_start", "-id", "id"]),
)
def test_following_next_reads_every_incident_once_in_order(crowded, page_size, ordering):
    fields = {
        "-date_start": ("-date_start", "-id"),
        "date_start": ("date_start", "id"),
        "-id": ("-id",),
        "id": ("id",),
    }[ordering]
    seen, pages = walk(
        crowded.client("binta"), f"/api/v1/incidents/?page_size={page_size}&ordering={ordering}"
    )
    assert seen == expected(fields)
    assert all(len(page["results"]) == page_size for page in pages[:-1])
    assert pages[0]["previous"] is None and pages[-1]["next"] is None


def test_previous_reads_back_the_page_before(crowded):
    client = crowded.client("binta")
    first = client.get("/api/v1/incidents/?page_size=3").json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    back = client.get(third["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in second["results"]]
    again = client.get(back["previous"]).json()
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]
    assert again["previous"] is None
    assert [r["id"] for r in client.get(back["next"]).json()["results"]] == [
        r["id"] for r in third["results"]
    ]


def test_filters_stay_in_the_links(crowded):
    client = crowded.client("binta")
    seen, pages = walk(
        client,
        "/api/v1/incidents/?page_size=2&date_from=2023-01-01&event_type=violence_against_civilians",
    )
    assert "date_from=2023-01-01" in pages[0]["next"]
    assert set(seen) == set(
        Incident.objects.filter(
            organisation__slug="beta",
            date_start__gte="2023-01-01",
            event_type="violence_against_civilians",
        ).values_list("id", flat=True)
    )


def test_a_cursor_of_another_ordering_is_refused(crowded):
    client = crowded.client("binta")
    cursor_link = client.get("/api/v1/incidents/?page_size=2").json()["next"]
    response = client.get(cursor_link + "&ordering=id")
    assert response.status_code == 400 and "cursor" in response.json()


def test_reference_lists_page_too(world):
    seen, pages = walk(world.client(), "/api/v1/places/?page_size=200")
    assert len(seen) == len(set(seen)) > 400
    assert len(pages) >= 3
