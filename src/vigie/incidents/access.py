"""Which incidents an audience may see. One rule for pages, exports and (later) the API.

- The public sees incidents marked public that rest on at least one source whose rows may be
  redistributed: an incident known only from ACLED (whose terms forbid redistribution) is never
  published, whatever its visibility.
- A user also sees the incidents their roles' grants let them view (vigie.core.permissions, the
  grants table): their organisations' own incidents (a "restricted" one only as coordinator or
  administrator, by default) and the incidents shared with their organisations.
- Nothing else: access is closed by default.
- Whoever asks, an incident merged into another is never among them (``Incident.objects.current()``):
  it lives on in the incident that took its reports (``vigie.incidents.models.surviving``).

``visible_incidents(organisation_ids=...)`` is the rule of exports made for an organisation (by
an operator, on the command line): its incidents that are not restricted, and the public ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q

from vigie.core.choices import Visibility

from .models import Incident


def publishable() -> Q:
    from vigie.reports.models import Report

    redistributable = Report.objects.filter(
        incident=OuterRef("pk"), is_current=True, source__redistributable=True
    )
    return Q(visibility=Visibility.PUBLIC) & Q(Exists(redistributable))


def visible_incidents(
    queryset=None, *, organisation_ids: Iterable[int] = (), everything: bool = False
):
    """Narrow ``queryset`` (default: all incidents) to what the audience may see; never widen it."""
    queryset = (Incident.objects.all() if queryset is None else queryset).current()
    if everything:
        return queryset
    allowed = publishable()
    organisation_ids = list(organisation_ids)
    if organisation_ids:
        allowed |= Q(organisation_id__in=organisation_ids) & ~Q(visibility=Visibility.RESTRICTED)
    return queryset.filter(allowed)


def visible_to_user(user, queryset=None):
    """The incidents ``user`` may see: the public ones and those their grants open (never wider than ``queryset``)."""
    from vigie.core.permissions import allowed_q, is_operator

    queryset = (Incident.objects.all() if queryset is None else queryset).current()
    if is_operator(user):
        return queryset
    allowed = publishable()
    if user.is_authenticated and user.is_active:
        allowed |= allowed_q(user, Incident, "view")
    return queryset.filter(allowed)


def visible_incident(user, queryset, pk: int):
    """The incident ``pk`` of ``queryset`` if ``user`` may see it (``visible_to_user``), else None. It
    is read by its number first; the user's grants in its organisation then answer without a query
    when they allow it, and the rule is asked of the database otherwise (public, shared)."""
    from vigie.core.permissions import allowed_among

    incident = next(iter(queryset.current().filter(pk=pk)), None)
    if incident is None:
        return None
    if allowed_among(user, [incident]) or visible_to_user(user).filter(pk=pk).exists():
        return incident
    return None
