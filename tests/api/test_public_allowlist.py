"""Anonymous answers come from allowlists: a canary planted in every field the public may not read
(every text field of reports, of private sources, of the organisation, of the users, the
members-only fields of incidents, whole private incidents) never appears in any anonymous answer."""

import datetime

import pytest
from django.db import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_incident
from vigie.actors.models import Actor, ActorAlias
from vigie.core.models import Organisation
from vigie.incidents.models import Incident
from vigie.places.models import Place
from vigie.reports.models import Report, Source

pytestmark = pytest.mark.django_db

# The incident's free-text fields the public may read (the contract, written here on purpose rather
# than read from the serializer under test).
PUBLIC_INCIDENT_TEXT = {"location", "estimate_rule"}


def text_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.primary_key
    ]


def plant(obj, canary: str, *, skip: set[str] = frozenset()) -> list[str]:
    """Write the canary into every free-text field of ``obj`` but ``skip``; return the fields planted."""
    planted = []
    for field in text_fields(type(obj)):
        if field.name in skip:
            continue
        value = f"{canary}-{field.name}"[: field.max_length or None]
        if isinstance(field, models.SlugField):
            value = value.lower()
        setattr(obj, field.attname, value)
        planted.append(field.name)
    return planted


def plant_everywhere(world, canary: str) -> None:
    incidents = world.incidents
    # Members-only fields of published incidents.
    for name in ("alpha_public", "beta_public"):
        incident = incidents[name]
        plant(incident, canary, skip=PUBLIC_INCIDENT_TEXT)
        incident.figures_override = {"note": canary}
        incident.save()
    # Whole incidents the public may not see: every text field, figures included.
    for name in ("alpha_private", "alpha_restricted", "beta_private", "beta_acled_only"):
        incident = incidents[name]
        plant(incident, canary)
        incident.killed_best = 987654
        incident.save()
    # Every report: none of their text is public.
    for report in Report.objects.all():
        plant(report, canary, skip={"content_hash"})
        report.raw = [[canary, canary]]
        report.save()
    # Sources the public may not see named.
    for slug in ("alpha-witness", "beta-witness"):
        source = Source.objects.get(slug=slug)
        plant(source, canary, skip={"slug"})
        source.save()
    # The organisations and the users.
    for organisation in Organisation.objects.all():
        organisation.name = f"{canary} association"
        organisation.save()
    for user in (world.ana, world.amadou, world.binta):
        user.first_name = user.last_name = canary
        user.email = f"{canary.lower()}@example.org"
        user.save()
    # Names created from imports, not yet reviewed.
    actor, _ = Actor.objects.get_or_create(
        key=f"{canary.lower()}-gunmen",
        defaults=dict(name=f"{canary} gunmen", category="other", needs_review=True),
    )
    ActorAlias.objects.get_or_create(
        name=f"{canary} alias",
        defaults=dict(actor=Actor.objects.get(key="jnim"), language="import"),
    )
    Place.objects.get_or_create(
        code=f"MLI.{canary.lower()}",
        defaults=dict(
            kind="locality",
            name=f"{canary} hamlet",
            needs_review=True,
            parent=Place.objects.get(code="MLI.mopti"),
        ),
    )
    # A private incident whose actor is that new name.
    make_incident(
        world.beta,
        "organisation",
        world.sources["beta-witness"],
        location=canary,
        actors=((actor.key, 1, "perpetrator"),),
        day=datetime.date(2024, 1, 5),
    )


def every_anonymous_answer(client) -> list[tuple[str, bytes]]:
    answers = []

    def get(path):
        response = client.get(path)
        answers.append((path, response.content))
        return response

    for endpoint in ("incidents", "sources", "actors", "places"):
        path = f"/api/v1/{endpoint}/?page_size=200"
        while path:
            response = get(path)
            assert response.status_code == 200
            body = response.json()
            path = body["next"]
    details = {
        "incidents": Incident.objects.all(),  # also the ones that answer 404
        "reports": Report.objects.all(),
        "sources": Source.objects.all(),
        "actors": Actor.objects.filter(models.Q(needs_review=True) | models.Q(key="jnim")),
        "places": Place.objects.filter(models.Q(needs_review=True) | models.Q(code="MLI.mopti")),
    }
    for endpoint, queryset in details.items():
        for pk in queryset.values_list("pk", flat=True):
            get(f"/api/v1/{endpoint}/{pk}/")
    for path in (
        "/api/v1/reports/",
        "/api/v1/organisations/",
        "/api/v1/",
        "/api/v1/incidents/?actor=" + "x",
        "/api/v1/places/?search=hamlet",
        "/api/v1/actors/?search=gunmen",
    ):
        get(path)
    return answers


def assert_no_canary(answers, canary: str) -> None:
    leaks = [path for path, content in answers if canary.lower() in content.decode().lower()]
    assert not leaks, f"{canary} leaked in {leaks}"
    assert not [path for path, content in answers if b"987654" in content]


def test_the_canary_never_reaches_the_public(world):
    canary = "CANARY7Q"
    plant_everywhere(world, canary)
    answers = every_anonymous_answer(world.client())
    assert len(answers) > 25
    assert_no_canary(answers, canary)
    # ... while members of the organisation do read it (the canary was planted where it matters).
    member = world.client("binta").get(
        f"/api/v1/reports/{world.incidents['beta_private'].reports.get().pk}/"
    )
    assert canary in member.content.decode()


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(canary=st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=10, max_size=16))
def test_any_canary_never_reaches_the_public(world, canary):
    plant_everywhere(world, canary)
    assert_no_canary(every_anonymous_answer(world.client()), canary)
