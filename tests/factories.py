"""Records built the same way for every test directory that needs them.

member: a user, with a role in an organisation when one is given. every_role: one member per role
in each organisation, and an operator (the worlds of the access tests).
bare_incident: an incident and nothing else (permissions, sharing, merges, exports).
make_incident: an incident with one current report, its actors and violations, as an import stores
them (the API's and the pages' tests, each directory with its own defaults in its conftest).
kept_for_the_module: records made once for a module's tests.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from django.contrib.auth import get_user_model

from vigie.actors.models import Actor
from vigie.core.models import Membership, Role
from vigie.incidents.models import Incident, IncidentActor, IncidentViolation
from vigie.places.models import Place
from vigie.reports.models import Report, Source

ADMIN_LEVELS = {"country": 0, "region": 1, "cercle": 2, "commune": 3}
PASSWORD = "a long enough password 42"


def member(username: str, organisation=None, role: str | None = None, **extra):
    """A user (password PASSWORD unless given), a member of ``organisation`` in ``role`` if given."""
    extra.setdefault("password", PASSWORD)
    user = get_user_model().objects.create_user(username, **extra)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def every_role(organisations: dict, password: str = PASSWORD) -> dict:
    """One member per role in each organisation, named "{tag}-{role}" and keyed "{tag}:{role}" for
    organisations given as {tag: organisation}; and a superuser, "operator"."""
    users = {}
    for tag, organisation in organisations.items():
        for name in (str(role) for role in Role):
            users[f"{tag}:{name}"] = member(f"{tag}-{name}", organisation, name, password=password)
    users["operator"] = get_user_model().objects.create_superuser("operator", password=password)
    return users


def bare_incident(
    organisation=None,
    visibility: str = "organisation",
    *,
    location: str = "Sévaré",
    day=datetime.date(2023, 5, 2),
    **fields,
) -> Incident:
    """An incident of one day and nothing else: no report, no actor, no figure unless given."""
    return Incident.objects.create(
        organisation=organisation,
        visibility=visibility,
        location=location,
        date_start=day,
        date_end=day,
        **fields,
    )


def admin_chain(place: Place) -> dict[str, Place]:
    """admin0 to admin3 of an incident at ``place``: the place and its parents, by kind."""
    chain = {}
    node = place
    while node is not None:
        level = ADMIN_LEVELS.get(node.kind)
        if level is not None:
            chain[f"admin{level}"] = node
        node = node.parent
    return chain


def make_incident(
    organisation,
    visibility: str,
    source: Source,
    *,
    day=datetime.date(2023, 5, 2),
    place_code="MLI.mopti",
    location="Sévaré",
    actors=(("fama", 1, "perpetrator"),),
    violations=("killing",),
    killed=4,
    event_type="violence_against_civilians",
    text="",
    report: dict | None = None,
    **incident_fields,
) -> Incident:
    """An incident with one current report of ``source``, as an import would store it.

    ``incident_fields`` go to the incident (grade, coordinates...), ``report`` to its report
    (published, perpetrator_text...); ``text`` is the report's text."""
    where = Place.objects.get(code=place_code)
    incident = Incident.objects.create(
        organisation=organisation,
        visibility=visibility,
        date_start=day,
        date_end=day,
        place=where,
        **admin_chain(where),
        location=location,
        event_type=event_type,
        killed_low=killed,
        killed_best=killed,
        killed_high=killed,
        estimate_rule="single report: its own figures",
        **incident_fields,
    )
    Report.objects.create(
        source=source,
        organisation=organisation,
        visibility=visibility,
        external_id=f"{source.slug}-{incident.pk}",
        content_hash="0" * 32,
        date_start=day,
        date_end=day,
        place=where,
        location_text=location,
        killed=killed,
        text=text,
        incident=incident,
        event_type=event_type,
        **(report or {}),
    )
    for key, side, role in actors:
        IncidentActor.objects.create(
            incident=incident, actor=Actor.objects.get(key=key), side=side, role=role
        )
    for violation in violations:
        IncidentViolation.objects.create(incident=incident, violation=violation)
    return incident


@contextlib.contextmanager
def kept_for_the_module(django_db_blocker) -> Iterator[None]:
    """Records a module's tests read, made once for them all (Django's TestCase.setUpTestData): made
    in a transaction that each test's own (a savepoint inside it) rolls back to, and rolled back
    after the module's last test. For a module-scoped fixture that depends on django_db_setup; its
    tests use the database as usual (pytest.mark.django_db) and must leave the records' Python
    objects as they found them (they are shared)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
