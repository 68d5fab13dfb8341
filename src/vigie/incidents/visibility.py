"""What every page may show to whom: one place, so that no page widens it.

- Incidents come from vigie.incidents.access.visible_to_user, less those merged into another (a merged
  incident lives on in the one that took its reports).
- Reports of a visible incident: the public reads the public ones from a source that may be named
  and redistributed (never a witness, never an ACLED row); a member also reads those their grants open.
- The change history of an incident is for the members of its own organisation: user names of the
  people who work on a record are not shown to the public nor to partners it was shared with.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils.translation import get_language

from vigie.core.choices import Visibility
from vigie.core.permissions import allowed_among, allowed_q, memberships_of, organisations_for
from vigie.incidents.access import visible_to_user
from vigie.incidents.models import Incident
from vigie.reports.models import Report


def signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def incidents_for(user):
    """The incidents ``user`` may see on a page (merged-away ones left out)."""
    return visible_to_user(user)


def public_incidents():
    """The incidents the public sees: the public part shows nothing else, whoever is signed in."""
    return incidents_for(AnonymousUser())


def readable_reports(user) -> Q:
    """The reports of a visible incident that ``user`` may read: public ones from a source that may be
    named and redistributed (a witness is never named to the public; ACLED's rows are not redistributed),
    and those the user's grants open (their organisations' own, and shared ones)."""
    readable = (
        Q(visibility=Visibility.PUBLIC)
        & ~Q(source__kind="witness")
        & Q(source__redistributable=True)
        & Q(source__published=True)
    )
    if signed_in(user):
        readable |= allowed_q(user, Report, "view")
    return readable


def readable_reports_of(user, incident: Incident) -> list[Report]:
    """``incident``'s current reports that ``user`` may read (``readable_reports``), oldest first: the
    public ones and those the user's grants open are known without a query, the rest (shared ones)
    are asked of the database."""
    reports = list(
        incident.reports.filter(is_current=True)
        .select_related("source", "place")
        .order_by("published", "id")
    )
    public = {
        report.pk
        for report in reports
        if report.visibility == Visibility.PUBLIC
        and report.source.kind != "witness"
        and report.source.redistributable
        and report.source.published
    }
    if not signed_in(user):
        return [report for report in reports if report.pk in public]
    granted = {
        report.pk for report in allowed_among(user, [r for r in reports if r.pk not in public])
    }
    return [report for report in reports if report.pk in public or report.pk in granted]


def sees_history(user, incident: Incident) -> bool:
    """Whether ``user`` may read who changed ``incident`` (members of its organisation, superusers)."""
    if not signed_in(user):
        return False
    return user.is_superuser or incident.organisation_id in organisations_for(
        user, Incident, "view"
    )


def audience_key(user) -> str:
    """A cache key part shared by exactly the users who see the same incidents: the same memberships
    (organisation and role: a role's grants decide what it sees) in the same language. Grants and
    shares are per role and organisation, so equal memberships see equal incidents."""
    language = get_language() or ""
    if not signed_in(user):
        return f"public:{language}"
    if user.is_superuser:
        return f"all:{language}"
    memberships = memberships_of(user)
    digest = hashlib.sha256(repr(memberships).encode()).hexdigest()[:24]
    return f"m{digest}:{language}"
