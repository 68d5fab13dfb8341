"""The API obeys the pages' rules: the public reads published incidents; members their own; 404 elsewhere."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from vigie.api.tokens import revoke_tokens
from vigie.core.models import Membership, Role

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_public_reads_only_published_incidents_with_a_redistributable_source(world):
    client = world.client()
    incidents = world.incidents
    assert ids(client.get("/api/v1/incidents/")) == {
        incidents["alpha_public"].pk,
        incidents["beta_public"].pk,
    }
    assert client.get(f"/api/v1/incidents/{incidents['alpha_public'].pk}/").status_code == 200
    for hidden in ("alpha_private", "alpha_restricted", "beta_private", "beta_acled_only"):
        response = client.get(f"/api/v1/incidents/{incidents[hidden].pk}/")
        assert response.status_code == 404, hidden
        assert response.json() == {"detail": response.json()["detail"]}


def test_a_member_reads_their_organisation_s_incidents_and_the_published_ones(world):
    incidents = world.incidents
    seen = ids(world.client("amadou").get("/api/v1/incidents/"))
    assert seen == {
        incidents["alpha_public"].pk,
        incidents["alpha_private"].pk,
        incidents["beta_public"].pk,
    }
    seen = ids(world.client("binta").get("/api/v1/incidents/"))
    assert seen == {
        incidents["alpha_public"].pk,
        incidents["beta_public"].pk,
        incidents["beta_private"].pk,
        incidents["beta_acled_only"].pk,
    }


def test_another_organisation_s_incident_is_not_found(world):
    client = world.client("ana")
    assert client.get(f"/api/v1/incidents/{world.incidents['beta_private'].pk}/").status_code == 404
    assert (
        client.get(f"/api/v1/incidents/{world.incidents['beta_acled_only'].pk}/").status_code == 404
    )
    # restricted: for coordinators and administrators of alpha, not for its monitor
    assert (
        client.get(f"/api/v1/incidents/{world.incidents['alpha_restricted'].pk}/").status_code
        == 404
    )
    assert (
        world.client("binta")
        .get(f"/api/v1/incidents/{world.incidents['alpha_private'].pk}/")
        .status_code
        == 404
    )


def test_members_read_the_record_of_their_own_incidents_only(world):
    own = (
        world.client("amadou")
        .get(f"/api/v1/incidents/{world.incidents['alpha_private'].pk}/")
        .json()
    )
    assert own["record"]["organisation"]["slug"] == "alpha"
    assert own["record"]["visibility"] == "organisation"
    assert [r["source"]["slug"] for r in own["reports"]] == ["alpha-witness"]
    other = (
        world.client("amadou").get(f"/api/v1/incidents/{world.incidents['beta_public'].pk}/").json()
    )
    assert "record" not in other
    assert other["reports"] == []  # beta's report of it is beta's
    assert [s["slug"] for s in other["sources"]] == ["un-report"]
    public = world.client().get(f"/api/v1/incidents/{world.incidents['beta_public'].pk}/").json()
    assert "record" not in public and "reports" not in public
    assert public["casualties"]["killed"] == {"low": 500, "best": 500, "high": 500}


def test_reports_are_for_members_of_their_organisation(world):
    anonymous = world.client().get("/api/v1/reports/")
    assert anonymous.status_code == 401
    alpha_reports = world.client("ana").get("/api/v1/reports/").json()["results"]
    assert {r["organisation"]["slug"] for r in alpha_reports} == {"alpha"}
    # the restricted incident's report is restricted too
    assert len(alpha_reports) == 2
    beta_report = world.incidents["beta_private"].reports.get()
    assert world.client("ana").get(f"/api/v1/reports/{beta_report.pk}/").status_code == 404
    assert world.client("binta").get(f"/api/v1/reports/{beta_report.pk}/").status_code == 200


def test_a_restricted_report_goes_with_its_restricted_incident(world):
    restricted = world.incidents["alpha_restricted"]
    report = restricted.reports.get()
    assert world.client("amadou").get(f"/api/v1/reports/{report.pk}/").status_code == 404
    coordinator = get_user_model().objects.create_user("chef", password="a long enough password 8")
    Membership.objects.create(user=coordinator, organisation=world.alpha, role=Role.COORDINATOR)
    client = APIClient()
    client.force_authenticate(coordinator)
    assert client.get(f"/api/v1/incidents/{restricted.pk}/").status_code == 200
    assert client.get(f"/api/v1/reports/{report.pk}/").status_code == 200
    detail = client.get(f"/api/v1/incidents/{restricted.pk}/").json()
    assert [r["id"] for r in detail["reports"]] == [report.pk] and detail["record"][
        "visibility"
    ] == "restricted"


def test_sources_a_witness_is_named_to_its_organisation_only(world):
    def slugs(client):
        return {row["slug"] for row in client.get("/api/v1/sources/").json()["results"]}

    assert slugs(world.client()) == {"rfi", "un-report", "acled"}
    assert slugs(world.client("ana")) == {"rfi", "un-report", "acled", "alpha-witness"}
    assert slugs(world.client("binta")) == {"rfi", "un-report", "acled", "beta-witness"}
    witness = world.sources["beta-witness"]
    assert world.client("ana").get(f"/api/v1/sources/{witness.pk}/").status_code == 404
    assert world.client().get(f"/api/v1/sources/{witness.pk}/").status_code == 404


def test_organisations_own_only(world):
    assert world.client().get("/api/v1/organisations/").status_code == 401
    rows = world.client("ana").get("/api/v1/organisations/").json()["results"]
    assert rows == [
        {"id": world.alpha.pk, "slug": "alpha", "name": "Association Alpha", "roles": ["monitor"]}
    ]
    assert world.client("ana").get(f"/api/v1/organisations/{world.beta.pk}/").status_code == 404


def test_a_wrong_token_is_refused_and_a_revoked_token_stops_working(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token vigie_" + "0" * 64)
    assert client.get("/api/v1/incidents/").status_code == 401
    client = world.client("ana")
    revoke_tokens(world.ana)
    assert client.get("/api/v1/incidents/").status_code == 401


def test_a_deactivated_user_s_token_is_refused(world):
    world.ana.is_active = False
    world.ana.save()
    assert world.client("ana").get("/api/v1/reports/").status_code == 401


def test_a_session_works_as_a_token_does(world):
    client = APIClient()
    client.force_login(world.binta)
    assert world.incidents["beta_private"].pk in ids(client.get("/api/v1/incidents/"))


def test_a_superuser_reads_everything(world):
    admin = get_user_model().objects.create_superuser("root", password="a long enough password 9")
    client = APIClient()
    client.force_authenticate(admin)
    assert ids(client.get("/api/v1/incidents/")) == {i.pk for i in world.incidents.values()}


def test_ids_out_of_range_or_not_numbers_are_not_found(world):
    client = world.client("ana")
    for path in (
        "/api/v1/incidents/99999999999999999999999/",
        "/api/v1/incidents/abc/",
        "/api/v1/reports/9223372036854775808/",
        "/api/v1/places/-1/",
    ):
        assert client.get(path).status_code == 404, path
