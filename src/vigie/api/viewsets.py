"""The base of every app's API views: records looked up by number in the caller's language, the
incidents they name shown only to those who may read them, the publishing of a name, and the
read-only, logged endpoints of protected records (cases, evidence, victims)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.http import Http404
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from vigie.core.audit import record_read
from vigie.core.context import change_context
from vigie.core.published import may_publish, publish
from vigie.core.querysets import ReadableIncidents
from vigie.core.text import parse_id

BY_NAME = {"name": ("name", "id"), "-name": ("-name", "-id"), "id": ("id",), "-id": ("-id",)}


class ScopedViewSet(viewsets.GenericViewSet):
    """Records looked up by their numeric id; anything else (a word, a number out of range) is not found.

    Every endpoint starts from the records the caller may see: ``scoped_model.objects.visible_to(user)``
    (the access layer, vigie.core.querysets and vigie.core.published); a view narrows it further
    (``super().get_queryset()``), never widens it. Outside the caller's scope a record is a 404."""

    lookup_value_regex = "[^/]+"
    scoped_model: type | None = None

    def get_queryset(self):
        if self.scoped_model is None:
            return super().get_queryset()
        return self.scoped_model._default_manager.visible_to(self.request.user)

    def initial(self, request, *args, **kwargs):
        # /api/ has no language prefix, which the pages' middleware reads as French: the API follows
        # the client's language cookie or Accept-Language header instead.
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)

    def get_object(self):
        value = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if value is not None and parse_id(value) is None:
            raise Http404
        obj = super().get_object()
        self.readable_incidents.prefetch(self.incident_ids([obj]))
        return obj

    @cached_property
    def readable_incidents(self) -> ReadableIncidents:
        """The incidents the caller may read, for the ids the records name (serializers.IncidentIdField)."""
        return ReadableIncidents(self.request.user)

    def incident_ids(self, records: Sequence) -> Iterable[int | None]:
        """The ids of the incidents ``records`` name, read for the whole page in one query."""
        return ()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self.readable_incidents.prefetch(self.incident_ids(page))
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["readable_incidents"] = self.readable_incidents
        return context


class PublishMixin:
    """``POST .../<id>/publish/``: an analyst of the name's organisation (or an operator) makes an
    unpublished name visible to everyone (vigie.core.published.publish, in the change log). Outside
    the user's scope: 404; a role that may not publish it: 403; already published: unchanged."""

    @extend_schema(
        request=None,
        summary="Publish a name",
        description="Make a name that came from your organisation's non-public report visible to "
        "everyone (analysts, coordinators and administrators of that organisation). "
        "Logged in the change log.",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def publish(self, request, *args, **kwargs):
        obj = self.get_object()
        if not obj.published:
            if not may_publish(request.user, obj):
                raise PermissionDenied(
                    _("Only an analyst of the organisation that recorded this name publishes it.")
                )
            with change_context(user=request.user, origin="api"):
                publish(obj, request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)


# -- protected records (cases, evidence, victims) -------------------------------------------------------


def audited(request):
    """Reads are logged under the API's own user (token authentication happens after the middleware)."""
    return change_context(user=request.user, origin="api")


class ProtectedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = [IsAuthenticated]
    keyset_orderings = {"-id": ("-id",), "id": ("id",)}

    def record(self, request, obj, purpose: str) -> None:
        with audited(request):
            record_read(obj, request.user, purpose)
