"""Which incidents an audience may see: the rule is the access layer's (vigie.core.querysets,
``Incident.objects.visible_to``, ``for_audience``, ``visible_one``). These names remain for the
modules not moved to it yet."""

from __future__ import annotations

from collections.abc import Iterable

from vigie.core.querysets import publishable_q as publishable

from .models import Incident

__all__ = ["publishable", "visible_incident", "visible_incidents", "visible_to_user"]


def visible_incidents(
    queryset=None, *, organisation_ids: Iterable[int] = (), everything: bool = False
):
    return (Incident.objects.all() if queryset is None else queryset).for_audience(
        organisation_ids=organisation_ids, everything=everything
    )


def visible_to_user(user, queryset=None):
    return (Incident.objects.all() if queryset is None else queryset).visible_to(user)


def visible_incident(user, queryset, pk: int):
    return queryset.visible_one(user, pk=pk)
