"""What the pages share: who is signed in, and the key of a cached fragment by its audience.

Who may see what is the access layer's (vigie.core.querysets: ``Incident.objects.visible_to``,
``Report.objects.readable_by``; vigie.core.permissions): no page spells a rule of its own.
"""

from __future__ import annotations

from django.utils.translation import get_language

from vigie.core import permissions
from vigie.core.querysets import readable_reports_q
from vigie.incidents.models import Incident
from vigie.reports.models import Report


def signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def incidents_for(user):
    """The incidents ``user`` may see on a page (``Incident.objects.visible_to``)."""
    return Incident.objects.visible_to(user)


def public_incidents():
    """The incidents the public sees (``Incident.objects.public``)."""
    return Incident.objects.public()


def readable_reports(user):
    """``Report.objects.readable_by``, as a filter."""
    return readable_reports_q(user)


def readable_reports_of(user, incident: Incident) -> list[Report]:
    """``incident``'s current reports that ``user`` may read, oldest first."""
    return (
        incident.reports.filter(is_current=True)
        .select_related("source", "place")
        .order_by("published", "id")
        .readable_list(user)
    )


def sees_history(user, incident: Incident) -> bool:
    """Whether ``user`` may read who changed ``incident``: the members of its organisation whose
    role may view its incidents, and operators (user names of the people who work on a record are
    not shown to the public nor to partners it was shared with)."""
    return permissions.may(user, Incident, "view", incident.organisation_id)


def audience_key(user) -> str:
    """A cache key part shared by exactly the users who see the same incidents
    (``permissions.audience``), in the same language."""
    return f"{permissions.audience(user)}:{get_language() or ''}"
