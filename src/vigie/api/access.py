"""What each endpoint may show to whom: the access layer's querysets (vigie.core.querysets,
vigie.core.published), under the names the API's modules still import."""

from __future__ import annotations

from collections.abc import Iterable

from vigie.actors.models import Actor
from vigie.core import permissions
from vigie.core.models import Organisation
from vigie.core.querysets import ReadableIncidents
from vigie.incidents.models import Incident
from vigie.places.models import Place
from vigie.reports.models import PUBLIC_SOURCE_KINDS, Report, Source

__all__ = ["ReadableIncidents", "PUBLIC_SOURCE_KINDS"]


def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_superuser(user) -> bool:
    return permissions.is_operator(user)


def member_organisation_ids(user) -> set[int]:
    return permissions.member_organisations(user)


def incidents_for(user, queryset=None):
    return (Incident.objects.all() if queryset is None else queryset).visible_to(user)


def readable_incident_ids(user, ids: Iterable[int | None]) -> set[int]:
    return Incident.objects.readable_ids(user, ids)


def reports_for(user, queryset=None, action: str = "view"):
    return (Report.objects.all() if queryset is None else queryset).visible_to(user, action)


def sources_for(user, queryset=None):
    return (Source.objects if queryset is None else queryset).visible_to(user)


def organisations_of(user, queryset=None):
    return (Organisation.objects.all() if queryset is None else queryset).visible_to(user)


def places_for(user, queryset=None):
    return (Place.objects if queryset is None else queryset).visible_to(user)


def actors_for(user, queryset=None):
    return (Actor.objects if queryset is None else queryset).visible_to(user)
