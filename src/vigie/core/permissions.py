"""Who may do what, scoped by organisation. One place for pages, API, exports, files and search.

Every record that needs protection (incident, case, evidence, victim, assistance) belongs to an
organisation (its ``organisation`` field). A user may act on a record when one of their
memberships in that organisation has a role that grants the action on that kind of record, or when
the record was explicitly shared with one of their organisations. Nothing else: closed by default.
Outside a user's scope a record does not exist for them (404, never 403).

Interface (stable; the helpers building cases, evidence and victims use it):
    restrict(queryset, user, action="view") -> queryset narrowed to what user may `action`
    can(user, obj, action="view") -> bool
    get_or_404(queryset, user, action="view", **lookup) -> obj, or Http404
    organisations_for(user, model, action="view") -> set of organisation ids
Actions: view, add, change, delete, share.
"""

from __future__ import annotations

from django.http import Http404

from .models import Role

# Provisional table (to be moved into the database as data, editable per instance).
# Keys are "app_label.model"; values map a role to the actions it grants.
_ALL = {"view", "add", "change", "delete", "share"}
DEFAULT_GRANTS: dict[str, dict[str, set[str]]] = {
    "incidents.incident": {
        Role.MONITOR: {"view", "add"}, Role.ANALYST: {"view", "add", "change"},
        Role.INVESTIGATOR: {"view"}, Role.ASSISTANCE_OFFICER: {"view"},
        Role.COORDINATOR: _ALL, Role.ADMIN: _ALL,
    },
    "cases.case": {
        Role.INVESTIGATOR: {"view", "add", "change"}, Role.COORDINATOR: _ALL, Role.ADMIN: {"view"},
    },
    "evidence.evidenceitem": {
        Role.INVESTIGATOR: {"view", "add", "change"}, Role.COORDINATOR: _ALL,
    },
    "victims.victim": {
        Role.INVESTIGATOR: {"view", "add", "change"}, Role.ASSISTANCE_OFFICER: {"view", "add", "change"},
        Role.COORDINATOR: _ALL,
    },
    "victims.assistance": {
        Role.ASSISTANCE_OFFICER: {"view", "add", "change"}, Role.COORDINATOR: _ALL,
    },
}


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def organisations_for(user, model, action: str = "view") -> set[int]:
    """The organisations in which ``user`` may ``action`` records of ``model``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    grants = DEFAULT_GRANTS.get(_label(model), {})
    return {
        organisation_id
        for organisation_id, role in user.memberships.values_list("organisation_id", "role")
        if action in grants.get(role, ())
    }


def restrict(queryset, user, action: str = "view"):
    """Narrow ``queryset`` to the records ``user`` may ``action``; never widen it."""
    if getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser:
        return queryset
    return queryset.filter(organisation_id__in=organisations_for(user, queryset.model, action))


def can(user, obj, action: str = "view") -> bool:
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def get_or_404(queryset, user, action: str = "view", **lookup):
    try:
        return restrict(queryset, user, action).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
