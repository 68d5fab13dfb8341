"""How a page applies the access layer (vigie.core.querysets, vigie.core.permissions).

A record outside the user's scope does not exist for them: 404, never 403 (a victim's file must
not even be known to exist). A record they may see, but whose action their role does not allow:
403, with a page that says why (``forbidden``).

- ``object_for(user, queryset, action="view", **lookup)``: for function views.
- ``ScopedObjectMixin``: the same for class-based views (``get_object``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from . import permissions


def forbidden(request, message: str, *, back: str = "web:dashboard"):
    """403 with a page that says why (the record is visible to the user, the action is not theirs).
    ``back``: where its link leads ("web:dashboard", or "web:incident_list" from the incident pages)."""
    return render(request, "core/forbidden.html", {"message": message, "back": back}, status=403)


def object_for(user, queryset, action: str = "view", **lookup):
    """The record of ``queryset`` matching ``lookup`` that ``user`` may see (``visible_to``), else
    Http404; PermissionDenied (403) when they may see it but their role forbids ``action`` on it."""
    permissions.check_action(action)
    obj = queryset.visible_one(user, **lookup)
    if obj is None:
        raise Http404
    if action != "view" and not permissions.can(user, obj, action):
        raise PermissionDenied
    return obj


class ScopedObjectMixin:
    """For a class-based view of one record: ``get_object()`` answers it as ``object_for`` does.

    Set ``queryset`` (or define ``get_queryset``), and ``action`` when the view does more than read
    ("change", "share"...); the URL's ``pk`` finds the record (``pk_url_kwarg``)."""

    queryset = None
    action = "view"
    pk_url_kwarg = "pk"

    def get_queryset(self):
        if self.queryset is None:
            raise NotImplementedError(f"{type(self).__name__} needs a queryset")
        return self.queryset.all()

    def get_object(self):
        return object_for(
            self.request.user,  # type: ignore[attr-defined]
            self.get_queryset(),
            self.action,
            pk=self.kwargs.get(self.pk_url_kwarg),  # type: ignore[attr-defined]
        )
