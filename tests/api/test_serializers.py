"""The serializers that write their answer out give what DRF's generic loop over their fields gives."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from tests.factories import make_incident
from vigie.actors.models import Actor
from vigie.core.models import Organisation
from vigie.incidents.api import serializers as s
from vigie.incidents.models import IncidentActor
from vigie.places.models import Place

pytestmark = pytest.mark.django_db


def generic(serializer_class, instance) -> dict:
    """The answer DRF would give, field by field from Meta.fields."""
    return dict(serializers.ModelSerializer.to_representation(serializer_class(), instance))


def test_places_actors_and_organisations_written_out_as_drf_would():
    places = list(Place.objects.order_by("id")[:40]) + list(Place.objects.exclude(pcode="")[:10])
    for place in places:
        assert s.PlaceRefSerializer(place).data == generic(s.PlaceRefSerializer, place)
    for actor in Actor.objects.order_by("id")[:40]:
        assert s.ActorRefSerializer(actor).data == generic(s.ActorRefSerializer, actor)
    organisation = Organisation.objects.create(
        slug="amdh", name="Association malienne des droits de l'homme"
    )
    assert s.OrganisationRefSerializer(organisation).data == generic(
        s.OrganisationRefSerializer, organisation
    )


def test_an_incidents_actors_written_out_as_drf_would(world):
    incident = make_incident(
        world.alpha,
        "public",
        world.sources["rfi"],
        actors=(("fama", 1, "perpetrator"), ("jnim", 2, "target")),
    )
    links = list(IncidentActor.objects.filter(incident=incident).select_related("actor"))
    assert len(links) == 2
    for link in links:
        expected = dict(
            serializers.ModelSerializer.to_representation(s.IncidentActorSerializer(), link)
        )
        assert s.IncidentActorSerializer(link).data == expected


@pytest.mark.parametrize(
    "serializer_class",
    [
        s.PublicIncidentSerializer,
        s.PublicIncidentDetailSerializer,
        s.IncidentSerializer,
        s.IncidentDetailSerializer,
    ],
)
def test_incidents_written_out_as_drf_would(world, acled_file, ucdp_file, serializer_class):
    """Every field, for incidents of every visibility and for a few hundred imported from ACLED's format."""
    from django.db.models import Prefetch

    from vigie.incidents.models import Incident
    from vigie.interop.loader import run_import

    run_import("acled", acled_file(150), organisation=world.alpha)
    run_import("ucdp", ucdp_file(40))
    incidents = Incident.objects.select_related(
        "place", "admin1", "admin2", "admin3", "organisation"
    ).prefetch_related(
        Prefetch("actor_links", queryset=IncidentActor.objects.select_related("actor")),
        "violations",
        "reports__source",
    )
    assert incidents.count() > 190
    serializer = serializer_class(context={"everything": True})
    for incident in incidents:
        incident.public_reports = list(incident.reports.all())
        incident.visible_reports = incident.public_reports
        fast = s.PublicIncidentSerializer.to_representation(serializer, incident)
        expected = dict(serializers.ModelSerializer.to_representation(serializer, incident))
        assert fast == expected, incident.pk
        assert list(fast) == list(expected)  # the same order of fields too
        record = s.IncidentRecordSerializer()
        assert record.to_representation(incident) == dict(
            serializers.ModelSerializer.to_representation(record, incident)
        )


def test_a_page_read_with_its_references_gives_the_same_answer(world, acled_file):
    """The API list reads a page's places, organisations, actors and violations in one query each
    (vigie.incidents.api.references): the same incidents then serialize exactly as with Django's joins."""
    from django.db.models import Prefetch

    from vigie.incidents.api.references import attach, attach_actor_links, attach_place_refs
    from vigie.incidents.models import Incident
    from vigie.interop.loader import run_import

    run_import("acled", acled_file(120), organisation=world.alpha)
    joined = list(
        Incident.objects.select_related("place", "admin1", "admin2", "admin3", "organisation")
        .prefetch_related(
            Prefetch("actor_links", queryset=IncidentActor.objects.select_related("actor")),
            "violations",
        )
        .order_by("id")
    )
    page = list(Incident.objects.order_by("id"))
    attach_place_refs(page)
    attach(page, ["organisation"], only=("id", "slug", "name"))
    attach_actor_links(page)
    serializer = s.IncidentSerializer(context={"everything": True})
    assert len(page) == len(joined) > 120
    assert any(len(incident.listed_actors) > 1 for incident in page)
    for read_alone, read_joined in zip(page, joined, strict=True):
        assert serializer.to_representation(read_alone) == serializer.to_representation(read_joined)
