"""What each endpoint may show to whom. Every API queryset starts here.

Incidents go through vigie.incidents.access (the rule the pages use), everything that belongs to an
organisation through vigie.core.permissions.restrict. Actors, places and
sources go through their ``visible_to`` (vigie.core.published): the reference data (gazetteer,
actor dictionary) and published names for everyone (names created from imports and not yet
reviewed: signed-in users only); a name from an organisation's non-public report, for that
organisation's members until one of its analysts publishes it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q

from vigie.actors.models import Actor
from vigie.core.choices import Visibility
from vigie.core.models import Organisation
from vigie.core.permissions import memberships_of, restrict
from vigie.incidents.access import visible_to_user
from vigie.incidents.models import Incident
from vigie.places.models import Place
from vigie.reports.models import PUBLIC_SOURCE_KINDS, Report, Source


def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_superuser(user) -> bool:
    return is_signed_in(user) and user.is_superuser


def member_organisation_ids(user) -> set[int]:
    """The organisations ``user`` belongs to (any role); a superuser's answer is not narrowed by it."""
    if not is_signed_in(user):
        return set()
    return {organisation_id for organisation_id, _role in memberships_of(user)}


def incidents_for(user, queryset=None):
    return visible_to_user(user, Incident.objects.all() if queryset is None else queryset)


def readable_incident_ids(user, ids: Iterable[int | None]) -> set[int]:
    """Those of ``ids`` that name an incident ``user`` may read (vigie.incidents.access), in one query."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return set()
    if is_superuser(user):
        return ids
    return set(
        incidents_for(user, Incident.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )


class ReadableIncidents:
    """Which incidents the caller may read, asked of the database once per page.

    A record the caller reads (a report, a case, a victim, a merged incident) may name an incident
    the caller may not read: another organisation's, or a restricted one. Its id is shown only when
    the caller may read that incident, by the rule that opens the incident itself. The view reads the
    ids of a whole page at once (``prefetch``); an id not read yet is asked of the database alone.
    """

    def __init__(self, user) -> None:
        self.user = user
        self._known: dict[int, bool] = {}

    def prefetch(self, ids: Iterable[int | None]) -> None:
        missing = {pk for pk in ids if pk is not None and pk not in self._known}
        if missing:
            readable = readable_incident_ids(self.user, missing)
            self._known.update({pk: pk in readable for pk in missing})

    def __contains__(self, pk) -> bool:
        if pk is None:
            return False
        self.prefetch([pk])
        return self._known[pk]

    def shown(self, pk: int | None) -> int | None:
        """``pk`` if the caller may read that incident, otherwise None."""
        return pk if pk in self else None


def reports_for(user, queryset=None, action: str = "view"):
    """Reports of the organisations where ``user``'s role grants ``action``.

    A restricted report goes with its incident: readable only by those who may see that restricted
    incident (its organisation's coordinators and administrators, by the default grants).
    """
    queryset = Report.objects.all() if queryset is None else queryset
    if not is_signed_in(user):
        return queryset.none()
    queryset = restrict(queryset, user, action)
    if user.is_superuser:
        return queryset
    # Correlated: asked only of restricted reports, one index lookup each. (An IN (subquery) made
    # PostgreSQL plan a scan of every restricted incident, and its JIT compile that plan.)
    restricted_incident = visible_to_user(
        user, Incident.objects.filter(visibility=Visibility.RESTRICTED, pk=OuterRef("incident_id"))
    )
    return queryset.filter(~Q(visibility=Visibility.RESTRICTED) | Q(Exists(restricted_incident)))


def public_sources_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}kind__in": PUBLIC_SOURCE_KINDS})


def sources_for(user, queryset=None):
    """The sources ``user`` may see (``Source.objects.visible_to``, vigie.core.published): published
    outlets and datasets for everyone; for members, shared sources and their organisations' own."""
    return (Source.objects if queryset is None else queryset).visible_to(user)


def organisations_of(user, queryset=None):
    """Only one's own organisations."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    if is_superuser(user):
        return queryset
    return queryset.filter(pk__in=member_organisation_ids(user))


def places_for(user, queryset=None):
    """The places ``user`` may see (``Place.objects.visible_to``, vigie.core.published)."""
    return (Place.objects if queryset is None else queryset).visible_to(user)


def actors_for(user, queryset=None):
    """The actors ``user`` may see (``Actor.objects.visible_to``, vigie.core.published)."""
    return (Actor.objects if queryset is None else queryset).visible_to(user)
