"""Cases, evidence and victims through the API: only the roles the grants name, 404 elsewhere; lists
without identifying fields; a record's read decrypts it for those roles and is logged."""

import pytest

from vigie.core.models import ChangeLogEntry

from .conftest import SECRET

pytestmark = pytest.mark.django_db


def test_only_the_granted_roles_of_the_organisation_read_them(world, protected):
    records = {
        "cases": protected.case.pk,
        "evidence": protected.evidence.pk,
        "victims": protected.victim.pk,
    }
    readers = {"cases": {"ines"}, "evidence": {"ines"}, "victims": {"ines", "awa"}}
    for endpoint, pk in records.items():
        detail = f"/api/v1/{endpoint}/{pk}/?purpose=follow-up"
        assert world.client().get(f"/api/v1/{endpoint}/").status_code == 401
        assert world.client().get(detail).status_code == 401
        for who in ("ana", "amadou", "binta", "ines", "awa"):
            listed = world.client(who).get(f"/api/v1/{endpoint}/").json()["results"]
            status = world.client(who).get(detail).status_code
            if who in readers[endpoint]:
                assert [row["id"] for row in listed] == [pk] and status == 200, (endpoint, who)
            else:
                assert listed == [] and status == 404, (endpoint, who)


def test_lists_show_no_identifying_field(world, protected):
    for endpoint in ("cases", "evidence", "victims"):
        answer = world.client("ines").get(f"/api/v1/{endpoint}/")
        assert answer.status_code == 200 and answer.json()["results"]
        assert SECRET not in answer.content.decode(), endpoint


def test_reading_a_victim_needs_a_purpose_and_is_logged(world, protected):
    client = world.client("awa")
    path = f"/api/v1/victims/{protected.victim.pk}/"
    refused = client.get(path)
    assert refused.status_code == 400 and "purpose" in refused.json()
    before = ChangeLogEntry.objects.filter(action="read").count()
    record = client.get(path + "?purpose=assistance follow-up").json()
    assert record["name"] == f"{SECRET} Aminata" and record["aliases"] == [f"{SECRET} alias"]
    assert record["testimony"] == f"{SECRET} testimony" and record["age"] == 34
    assert record["incidents"] == [
        {"incident": world.incidents["alpha_private"].pk, "relation": "direct_victim"}
    ]
    reads = ChangeLogEntry.objects.filter(action="read").order_by("-sequence")
    assert reads.count() == before + 1
    entry = reads.first()
    assert entry.user == protected.awa and entry.object_id == protected.victim.pk
    assert entry.postchange == {"purpose": "assistance follow-up"}
    assert SECRET not in str(entry.prechange) + str(entry.postchange) + entry.object_repr


def test_a_case_and_a_piece_of_evidence_in_full_and_logged(world, protected):
    client = world.client("ines")
    case = client.get(f"/api/v1/cases/{protected.case.pk}/").json()
    assert case["findings"] == f"{SECRET} findings"
    assert case["referrals"][0]["recipient_kind"] == "court" and "notes" not in case["referrals"][0]
    item = client.get(f"/api/v1/evidence/{protected.evidence.pk}/").json()
    assert (
        item["original_filename"] == f"{SECRET}.jpg" and item["custody"][0]["action"] == "received"
    )
    logged = set(
        ChangeLogEntry.objects.filter(action="read", user=protected.ines).values_list(
            "content_type__model", "object_id"
        )
    )
    assert {("case", protected.case.pk), ("evidenceitem", protected.evidence.pk)} <= logged
    assert [
        row["id"]
        for row in client.get(f"/api/v1/evidence/?case={protected.case.pk}").json()["results"]
    ] == [protected.evidence.pk]
    assert client.get("/api/v1/evidence/?case=abc").status_code == 400


def test_a_withdrawn_consent_hides_the_victim_from_everyone(world, protected):
    from vigie.victims.services import withdraw_consent

    withdraw_consent(protected.awa, protected.victim)
    assert world.client("awa").get("/api/v1/victims/").json()["results"] == []
    assert (
        world.client("awa").get(f"/api/v1/victims/{protected.victim.pk}/?purpose=x").status_code
        == 404
    )
