"""Records built the same way for every test directory that needs them.

make_incident: an incident with one current report, its actors and violations, as an import stores
them. The API's and the pages' tests use it (tests/api/conftest.py, tests/web/conftest.py, each with
its own defaults). Other directories' incidents differ in substance (bare incidents for permissions,
several reports for merges, an export's fields) and keep their own helpers.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from vigie.actors.models import Actor
from vigie.incidents.models import Incident, IncidentActor, IncidentViolation
from vigie.places.models import Place
from vigie.reports.models import Report, Source

ADMIN_LEVELS = {"country": 0, "region": 1, "cercle": 2, "commune": 3}


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
