"""POST /api/v1/reports/: a monitor's report becomes a report and a new incident of their
organisation, flagged for review, logged; bad input is refused with its reason and nothing is stored."""

import json

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from vigie.actors.models import Actor
from vigie.core.models import ChangeLogEntry, Membership, Organisation, Role
from vigie.incidents.models import Incident
from vigie.reports.models import Report, Source

pytestmark = pytest.mark.django_db

GOOD = {
    "source_name": "Témoin de Ogossagou",
    "source_kind": "witness",
    "date_start": "2024-02-14",
    "date_precision": "day",
    "place": "ML0506",
    "location_text": "près du marché",
    "event_type": "violence_against_civilians",
    "sub_event_type": "attack",
    "actors": [
        {"actor": "dan_na_ambassagou", "side": 1, "role": "perpetrator"},
        {
            "name": "Hommes armés non identifiés à moto",
            "category": "unidentified_armed_group",
            "side": 1,
        },
    ],
    "violations": ["killing", "destruction_looting"],
    "killed": 12,
    "killed_low": 10,
    "killed_high": 15,
    "civilians_killed": 12,
    "injured": 3,
    "text": "Le témoin a vu ...",
}


def counts():
    return (
        Report.objects.count(),
        Incident.objects.count(),
        Source.objects.count(),
        Actor.objects.count(),
    )


def test_a_monitor_submits_a_report(world):
    response = world.client("ana").post("/api/v1/reports/", GOOD, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    report = Report.objects.get(pk=body["id"])
    assert report.organisation == world.alpha and report.visibility == "organisation"
    assert report.source.name == "Témoin de Ogossagou" and report.source.organisation == world.alpha
    assert body["text"] == "Le témoin a vu ..." and body["place"]["pcode"] == "ML0506"
    incident = report.incident
    assert (
        incident.organisation == world.alpha
        and incident.visibility == "organisation"
        and incident.needs_review
    )
    # No figure rests on a monitor's report until an analyst accepts it; then its own figures.
    assert not report.accepted and incident.killed_best is None
    assert "waiting for an analyst's acceptance" in incident.estimate_rule
    from vigie.intake.services import accept_reports

    assert accept_reports(world.amadou, [report.pk]) == [report]
    incident.refresh_from_db()
    assert (incident.killed_low, incident.killed_best, incident.killed_high) == (10, 12, 15)
    assert incident.estimate_rule
    assert incident.admin1.code == "MLI.mopti" and incident.admin2.pcode == "ML0506"
    assert incident.geo_precision == "admin2" and incident.location == "près du marché"
    assert sorted(incident.violations.values_list("violation", flat=True)) == [
        "destruction_looting",
        "killing",
    ]
    actors = {link.actor.key: link for link in incident.actor_links.select_related("actor")}
    assert actors["dan_na_ambassagou"].role == "perpetrator"
    new_actor = next(link.actor for key, link in actors.items() if key != "dan_na_ambassagou")
    assert new_actor.needs_review and new_actor.category == "unidentified_armed_group"
    # logged, with who did it, and without the report's text
    entries = ChangeLogEntry.objects.filter(user=world.ana)
    assert entries.filter(object_id=report.pk, content_type__model="report").exists()
    assert entries.filter(object_id=incident.pk, content_type__model="incident").exists()
    assert not any("témoin a vu" in str(e.postchange) for e in ChangeLogEntry.objects.all())
    # members of alpha read it; beta and the public do not
    assert world.client("amadou").get(f"/api/v1/reports/{report.pk}/").status_code == 200
    assert world.client("amadou").get(f"/api/v1/incidents/{incident.pk}/").status_code == 200
    assert world.client("binta").get(f"/api/v1/reports/{report.pk}/").status_code == 404
    assert world.client("binta").get(f"/api/v1/incidents/{incident.pk}/").status_code == 404
    assert world.client().get(f"/api/v1/incidents/{incident.pk}/").status_code == 404


def test_the_same_report_twice_is_refused(world):
    payload = {**GOOD, "external_id": "ana-2024-001"}
    assert world.client("ana").post("/api/v1/reports/", payload, format="json").status_code == 201
    before = counts()
    response = world.client("ana").post("/api/v1/reports/", payload, format="json")
    assert response.status_code == 400 and "external_id" in response.json()
    assert counts() == before


def test_an_existing_source_and_coordinates(world):
    payload = {**GOOD, "source": "alpha-witness", "latitude": 14.3, "longitude": -4.2}
    del payload["source_name"]
    response = world.client("ana").post("/api/v1/reports/", payload, format="json")
    assert response.status_code == 201, response.content
    incident = Report.objects.get(pk=response.json()["id"]).incident
    assert (incident.latitude, incident.longitude, incident.geo_precision) == (14.3, -4.2, "exact")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"date_start": None}, "date_start"),
        ({"date_start": "2999-01-01"}, "date_start"),
        ({"date_end": "2024-01-01"}, "date_end"),
        ({"sub_event_type": "armed_clash"}, "sub_event_type"),
        (
            {"source": "beta-witness"},
            "source",
        ),  # another organisation's witness: as if it did not exist
        ({"source": "rfi"}, "source"),  # both an existing source and a new one
        ({"organisation": "beta"}, "organisation"),
        ({"place": "nowhere"}, "place"),
        ({"killed": 20}, "killed"),
        ({"killed_low": 30}, "killed_low"),
        ({"killed": -1}, "killed"),
        ({"actors": [{"actor": "no_such_actor"}]}, "actors"),
        ({"actors": [{"side": 1}]}, "actors"),
        ({"violations": ["genocide"]}, "violations"),
        ({"latitude": 14.0}, "longitude"),
        ({"latitude": 95, "longitude": 0}, "latitude"),
        ({"text": "bad \ud800 surrogate"}, "text"),
        ({"text": "nul \x00 character"}, "text"),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_nothing_is_stored(world, change, field):
    before = counts()
    payload = {**GOOD, **change}
    payload = {key: value for key, value in payload.items() if value is not None}
    # As a client sends it: JSON text, non-ASCII characters escaped (a lone surrogate too)
    response = world.client("ana").post(
        "/api/v1/reports/", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert counts() == before


def test_who_may_submit(world):
    assert APIClient().post("/api/v1/reports/", GOOD, format="json").status_code == 401
    outsider = get_user_model().objects.create_user("outsider", password="a long enough password 5")
    client = APIClient()
    client.force_authenticate(outsider)
    response = client.post("/api/v1/reports/", GOOD, format="json")
    assert response.status_code == 403
    # an investigator may read incidents but not add reports
    Membership.objects.create(user=outsider, organisation=world.beta, role=Role.INVESTIGATOR)
    assert client.post("/api/v1/reports/", GOOD, format="json").status_code == 403


def test_a_member_of_two_organisations_says_which(world):
    Membership.objects.create(user=world.ana, organisation=world.beta, role=Role.MONITOR)
    response = world.client("ana").post("/api/v1/reports/", GOOD, format="json")
    assert response.status_code == 400 and "organisation" in response.json()
    response = world.client("ana").post(
        "/api/v1/reports/", {**GOOD, "organisation": "beta"}, format="json"
    )
    assert response.status_code == 201
    assert Report.objects.get(pk=response.json()["id"]).organisation == Organisation.objects.get(
        slug="beta"
    )


def test_a_session_needs_its_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.ana)
    response = client.post("/api/v1/reports/", GOOD, format="json")
    assert response.status_code == 403
    assert Report.objects.filter(organisation=world.alpha).count() == 3
