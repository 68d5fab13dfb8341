"""Load the records a page of results refers to in one query per kind, after the page is chosen.

Joining four places, an organisation and each actor into the page's query made PostgreSQL plan a
seven-table join on every call (4 ms of planning alone) and Django build six objects per row. Here
the page is read alone; then the places it names (place, region, cercle, commune) in one query, its
organisations in one, and set where Django looks for them, so that ``incident.admin1`` reads no
more rows. The answer is the same as with ``select_related``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models

PLACE_FIELDS = ("place", "admin1", "admin2", "admin3")


def attach(rows: Sequence[models.Model], field_names: Iterable[str], *, only: Sequence[str] = ()) -> None:
    """Fill the foreign keys ``field_names`` of ``rows`` (all pointing to one model) with one query."""
    rows = list(rows)
    field_names = list(field_names)
    if not rows or not field_names:
        return
    meta = rows[0]._meta
    fields = [meta.get_field(name) for name in field_names]
    target = fields[0].related_model
    if any(field.related_model is not target for field in fields):
        raise ValueError("attach() takes foreign keys to one model at a time")
    wanted = {getattr(row, field.attname) for row in rows for field in fields} - {None}
    queryset = target._default_manager.filter(pk__in=wanted)
    if only:
        queryset = queryset.only(*only)
    found = {obj.pk: obj for obj in queryset} if wanted else {}
    for row in rows:
        for field in fields:
            value = getattr(row, field.attname)
            field.set_cached_value(row, found.get(value) if value is not None else None)


def attach_actor_links(incidents: Sequence[models.Model]) -> None:
    """Each incident's actor links (in their model's order) and violation codes, read for the whole
    page in two queries without building a model object per row: ``incident.listed_actors`` (as the
    API writes them) and ``incident.listed_violations``. Django's prefetch machinery did the same in
    a quarter of the API list's time."""
    from vigie.incidents.models import IncidentActor, IncidentViolation

    incidents = list(incidents)
    if not incidents:
        return
    ids = [incident.pk for incident in incidents]
    links = IncidentActor.objects.filter(incident_id__in=ids).values_list(
        "incident_id", "side", "primary", "role", "actor_id", "actor__key", "actor__name", "actor__category")
    by_incident: dict[int, list] = {pk: [] for pk in ids}
    for incident_id, side, primary, role, actor_id, key, name, category in links:
        actor = {"id": actor_id, "key": key, "name": name, "category": category}
        by_incident[incident_id].append({"actor": actor, "side": side, "primary": primary, "role": role})
    violations: dict[int, list] = {pk: [] for pk in ids}
    for incident_id, violation in IncidentViolation.objects.filter(incident_id__in=ids).values_list(
            "incident_id", "violation"):
        violations[incident_id].append(violation)
    for incident in incidents:
        incident.listed_actors = by_incident[incident.pk]
        incident.listed_violations = sorted(violations[incident.pk])


def attach_place_refs(incidents: Sequence[models.Model]) -> None:
    """The places a page of incidents names (place, region, cercle, commune) as the API writes them,
    read in one query without model objects: ``incident.listed_places`` {field: reference or None}."""
    from vigie.places.models import Place

    incidents = list(incidents)
    fields = [incidents[0]._meta.get_field(name) for name in PLACE_FIELDS] if incidents else []
    wanted = {getattr(incident, field.attname) for incident in incidents for field in fields} - {None}
    refs = {pk: {"id": pk, "code": code, "name": name, "kind": kind, "pcode": pcode}
            for pk, code, name, kind, pcode in Place.objects.filter(pk__in=wanted)
            .values_list("pk", "code", "name", "kind", "pcode")} if wanted else {}
    for incident in incidents:
        incident.listed_places = {field.name: refs.get(getattr(incident, field.attname)) for field in fields}
