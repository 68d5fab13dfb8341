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
EVERY_NAME = None  # name_organisations' answer for an operator: every name may be shown


def name_withheld(incident, published: bool, organisation_id: int | None, organisations) -> bool:
    """Whether an incident's actor or place is left out of its answer: an unpublished name
    (vigie.core.published) in a public incident, for a reader outside the name's organisation. A
    public incident never carries an unpublished name into open data; a non-public incident's names
    go to whoever may see it (its organisation, those it was shared with)."""
    from vigie.core.choices import Visibility

    return (
        not published
        and incident.visibility == Visibility.PUBLIC
        and organisations is not EVERY_NAME
        and organisation_id not in organisations
    )


def _audience(user):
    from vigie.core.published import name_organisations

    return EVERY_NAME if user is None else name_organisations(user)


def attach(
    rows: Sequence[models.Model], field_names: Iterable[str], *, only: Sequence[str] = ()
) -> None:
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


def attach_actor_links(incidents: Sequence[models.Model], user=None) -> None:
    """Each incident's actor links (in their model's order) and violation codes, read for the whole
    page in two queries without building a model object per row: ``incident.listed_actors`` (as the
    API writes them) and ``incident.listed_violations``. Django's prefetch machinery did the same in
    a quarter of the API list's time. For a reader (``user``), the actors ``name_withheld`` are left
    out; without one (the program itself), none is."""
    from vigie.incidents.models import IncidentActor, IncidentViolation

    incidents = list(incidents)
    if not incidents:
        return
    ids = [incident.pk for incident in incidents]
    by_id = {incident.pk: incident for incident in incidents}
    organisations = _audience(user)
    links = IncidentActor.objects.filter(incident_id__in=ids).values_list(
        "incident_id",
        "side",
        "primary",
        "role",
        "actor_id",
        "actor__key",
        "actor__name",
        "actor__category",
        "actor__published",
        "actor__organisation_id",
    )
    by_incident: dict[int, list] = {pk: [] for pk in ids}
    for (
        incident_id,
        side,
        primary,
        role,
        actor_id,
        key,
        name,
        category,
        published,
        organisation_id,
    ) in links:
        if name_withheld(by_id[incident_id], published, organisation_id, organisations):
            continue
        actor = {"id": actor_id, "key": key, "name": name, "category": category}
        by_incident[incident_id].append(
            {"actor": actor, "side": side, "primary": primary, "role": role}
        )
    violations: dict[int, list] = {pk: [] for pk in ids}
    for incident_id, violation in IncidentViolation.objects.filter(incident_id__in=ids).values_list(
        "incident_id", "violation"
    ):
        violations[incident_id].append(violation)
    for incident in incidents:
        incident.listed_actors = by_incident[incident.pk]
        incident.listed_violations = sorted(violations[incident.pk])


def attach_place_refs(incidents: Sequence[models.Model], user=None) -> None:
    """The places a page of incidents names (place, region, cercle, commune) as the API writes them,
    read in one query without model objects: ``incident.listed_places`` {field: reference or None}.
    For a reader (``user``), a place ``name_withheld`` is None, and so is the location as reported
    when it is the incident's place that is withheld (``incident.listed_location``)."""
    from vigie.places.models import Place

    incidents = list(incidents)
    organisations = _audience(user)
    fields = [incidents[0]._meta.get_field(name) for name in PLACE_FIELDS] if incidents else []
    wanted = {getattr(incident, field.attname) for incident in incidents for field in fields} - {
        None
    }
    refs = (
        {
            pk: (
                {"id": pk, "code": code, "name": name, "kind": kind, "pcode": pcode},
                published,
                organisation_id,
            )
            for pk, code, name, kind, pcode, published, organisation_id in Place.objects.filter(
                pk__in=wanted
            ).values_list("pk", "code", "name", "kind", "pcode", "published", "organisation_id")
        }
        if wanted
        else {}
    )
    for incident in incidents:
        listed = {}
        for field in fields:
            found = refs.get(getattr(incident, field.attname))
            listed[field.name] = (
                None
                if found is None or name_withheld(incident, found[1], found[2], organisations)
                else found[0]
            )
        _set_places(incident, listed)


def place_refs_of(incident, user) -> None:
    """``attach_place_refs`` for one incident whose places were read with it (select_related)."""
    from vigie.places.api.serializers import place_ref

    organisations = _audience(user)
    listed = {}
    for name in PLACE_FIELDS:
        place = getattr(incident, name)
        listed[name] = (
            None
            if place is None
            or name_withheld(incident, place.published, place.organisation_id, organisations)
            else place_ref(place)
        )
    _set_places(incident, listed)


def _set_places(incident, listed: dict) -> None:
    incident.listed_places = listed
    if incident.place_id is not None and listed.get("place") is None:
        incident.listed_location = ""
