"""A record the caller may read names an incident by its id only if the caller may read that incident.

alpha's case and victim are linked to alpha's restricted incident (coordinators only) and to one of
beta's; an alpha report is joined to each of them; a public beta incident is merged into a private
one. Each role then reads every list and record, and every incident id it is shown must open.
"""

import pytest
from django.contrib.auth import get_user_model

from vigie.api.tokens import issue_token
from vigie.core.models import Membership, Role
from vigie.reports.models import Report
from vigie.victims.models import VictimIncident

pytestmark = pytest.mark.django_db

ID_FIELDS = ("incident", "incidents", "merged_into")
READERS = ("ana", "amadou", "binta", "ines", "awa", "cora")


@pytest.fixture
def linked(world, protected):
    incidents = world.incidents
    cora = get_user_model().objects.create_user("cora", password="a long enough password 8")
    Membership.objects.create(user=cora, organisation=world.alpha, role=Role.COORDINATOR)
    world.tokens["cora"] = issue_token(cora)[0]
    protected.case.incidents.add(incidents["alpha_restricted"], incidents["beta_private"])
    for incident in (incidents["alpha_restricted"], incidents["beta_private"]):
        VictimIncident.objects.create(
            victim=protected.victim, incident=incident, relation="witness", organisation=world.alpha
        )
    reports = {
        name: Report.objects.create(
            source=world.sources["alpha-witness"],
            organisation=world.alpha,
            visibility="organisation",
            external_id=f"joined-{name}",
            content_hash="1" * 32,
            incident=incidents[name],
        )
        for name in ("alpha_restricted", "beta_private")
    }
    incidents["beta_public"].merged_into = incidents["beta_private"]
    incidents["beta_public"].save()
    return reports


def ids_in(answer) -> set[int]:
    """Every incident id an answer shows, under `incident`, `incidents` or `merged_into`, however deep."""
    found = set()
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key in ID_FIELDS and isinstance(value, int):
                found.add(value)
            elif (
                key in ID_FIELDS
                and isinstance(value, list)
                and all(isinstance(v, int) for v in value)
            ):
                found.update(value)
            else:
                found |= ids_in(value)
    elif isinstance(answer, list):
        for item in answer:
            found |= ids_in(item)
    return found


def test_every_incident_id_shown_opens(world, protected, linked):
    for who in (None, *READERS):
        client = world.client(who)
        paths = [
            "/api/v1/incidents/",
            "/api/v1/reports/",
            "/api/v1/cases/",
            "/api/v1/evidence/",
            "/api/v1/victims/",
            f"/api/v1/incidents/{world.incidents['beta_public'].pk}/",
            f"/api/v1/cases/{protected.case.pk}/",
            f"/api/v1/victims/{protected.victim.pk}/?purpose=check",
            *(f"/api/v1/reports/{report.pk}/" for report in linked.values()),
        ]
        shown = set()
        for path in paths:
            answer = client.get(path)
            if answer.status_code == 200:
                shown |= ids_in(answer.json())
        for pk in shown:
            assert client.get(f"/api/v1/incidents/{pk}/").status_code == 200, (who, pk)


def test_closed_incidents_are_null_or_left_out(world, protected, linked):
    incidents = world.incidents
    private, restricted, other = (
        incidents[name].pk for name in ("alpha_private", "alpha_restricted", "beta_private")
    )
    case = f"/api/v1/cases/{protected.case.pk}/"
    # The investigator reads the case, not the restricted incident nor beta's.
    assert world.client("ines").get(case).json()["incidents"] == [private]
    assert world.client("ines").get("/api/v1/cases/").json()["results"][0]["incidents"] == [private]
    assert sorted(world.client("cora").get(case).json()["incidents"]) == sorted(
        [private, restricted]
    )

    victim = f"/api/v1/victims/{protected.victim.pk}/?purpose=check"
    links = world.client("awa").get(victim).json()["incidents"]
    assert sorted(links, key=str) == sorted(
        [
            {"incident": private, "relation": "direct_victim"},
            {"incident": None, "relation": "witness"},
            {"incident": None, "relation": "witness"},
        ],
        key=str,
    )
    assert [
        link["incident"]
        for link in world.client("awa").get("/api/v1/victims/").json()["results"][0]["incidents"]
    ].count(None) == 2
    cora_links = {link["incident"] for link in world.client("cora").get(victim).json()["incidents"]}
    assert cora_links == {private, restricted, None}

    reports = {
        row["id"]: row["incident"]
        for row in world.client("amadou").get("/api/v1/reports/").json()["results"]
    }
    assert (
        reports[linked["alpha_restricted"].pk] is None
        and reports[linked["beta_private"].pk] is None
    )
    for report in linked.values():
        assert (
            world.client("amadou").get(f"/api/v1/reports/{report.pk}/").json()["incident"] is None
        )
    assert (
        world.client("cora")
        .get(f"/api/v1/reports/{linked['alpha_restricted'].pk}/")
        .json()["incident"]
        == restricted
    )

    # An incident merged into another is not read at all (its survivor is), so the id of the
    # incident it was merged into cannot leak through it either.
    merged = f"/api/v1/incidents/{incidents['beta_public'].pk}/"
    for who in (None, "ana", "binta"):
        assert world.client(who).get(merged).status_code == 404, who
    assert world.client("binta").get(f"/api/v1/incidents/{other}/").status_code == 200


def test_the_report_filter_finds_nothing_for_a_closed_incident(world, protected, linked):
    incidents = world.incidents

    def found(who, name):
        answer = world.client(who).get(f"/api/v1/reports/?incident={incidents[name].pk}")
        assert answer.status_code == 200
        return {row["id"] for row in answer.json()["results"]}

    assert found("amadou", "alpha_restricted") == set()
    assert found("amadou", "beta_private") == set()
    assert linked["alpha_restricted"].pk in found("cora", "alpha_restricted")
    assert linked["beta_private"].pk not in found(
        "binta", "beta_private"
    )  # alpha's report: not binta's to read
    assert found("amadou", "alpha_private") == {
        Report.objects.get(
            incident=incidents["alpha_private"], external_id__startswith="alpha-witness"
        ).pk
    }
