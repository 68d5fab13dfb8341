"""The incidents endpoint. Each queryset starts from the access layer (``Incident.objects.visible_to``,
vigie.core.querysets); outside one's scope: 404."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from vigie.api.viewsets import ScopedViewSet
from vigie.core.published import signed_in
from vigie.core.text import parse_id
from vigie.incidents.filtersets import IncidentFilterSet
from vigie.incidents.models import Incident
from vigie.reports.models import PUBLIC_SOURCE_KINDS, Report

from . import serializers as s
from .references import attach, attach_actor_links, attach_place_refs, place_refs_of

# -- incidents ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List incidents",
        description="Incidents you may see, newest first: the published ones and, for members, their "
        "organisations' own; incidents merged into another are left out. Filters as on the pages.",
        responses=s.IncidentSerializer,
    ),
    retrieve=extend_schema(
        summary="Read an incident",
        description="An incident with its actors, violations, casualty figures (low, best, high) and the rule "
        "that produced them, the sources that may be named and, for members, the current reports "
        "they may read.",
        responses=s.IncidentDetailSerializer,
    ),
)
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    filterset_class = IncidentFilterSet
    keyset_orderings = {
        "-date_start": ("-date_start", "-id"),
        "date_start": ("date_start", "id"),
        "-id": ("-id",),
        "id": ("id",),
    }
    keyset_default = "-date_start"

    def get_queryset(self):
        user = self.request.user
        if self.action != "retrieve":
            return Incident.objects.visible_to(
                user
            )  # current incidents only (a merged one lives on in the other)
        # A read by number starts from every incident: get_object applies the access rule.
        queryset = Incident.objects.select_related(
            "place", "admin1", "admin2", "admin3", "organisation"
        )
        named = (
            Report.objects.filter(
                is_current=True,
                source__redistributable=True,
                source__kind__in=PUBLIC_SOURCE_KINDS,
                source__published=True,
            )
            .select_related("source")
            .only(
                "id",
                "incident",
                "source",
                "source__slug",
                "source__name",
                "source__kind",
                "source__url",
                "source__attribution",
            )
        )
        queryset = queryset.prefetch_related(
            Prefetch("reports", queryset=named, to_attr="public_reports")
        )
        if signed_in(user):
            readable = (
                Report.objects.visible_to(user)
                .filter(is_current=True)
                .select_related("source")
                .order_by("published", "id")
            )
            queryset = queryset.prefetch_related(
                Prefetch("reports", queryset=readable, to_attr="visible_reports")
            )
        return queryset

    def filter_queryset(self, queryset):
        # The list's filters narrow lists; an incident asked for by its number is found or not by
        # the access rule alone (building the filter set was a tenth of a read).
        # A list without any filter is the access rule's (no filter set built for nothing either).
        if self.action == "retrieve" or self.filterset_class.base_filters.keys().isdisjoint(
            self.request.query_params
        ):
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self):
        """The incident by its number, if the user may see it: their grants in its organisation say so
        without a query, or else the access rule does (public, shared); otherwise 404."""
        pk = parse_id(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        incident = (
            self.get_queryset().visible_one(self.request.user, pk=pk) if pk is not None else None
        )
        if incident is None:
            raise Http404
        self.check_object_permissions(self.request, incident)
        attach_actor_links([incident], self.request.user)
        place_refs_of(incident, self.request.user)
        return incident

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if (
            page is not None
        ):  # the page's places and organisations, in one query each (vigie.incidents.api.references)
            attach_place_refs(page, self.request.user)
            attach_actor_links(page, self.request.user)
            if signed_in(self.request.user):
                attach(page, ["organisation"], only=("id", "slug", "name"))
        return page

    def get_serializer_class(self):
        member = signed_in(self.request.user)
        if self.action == "retrieve":
            return s.IncidentDetailSerializer if member else s.PublicIncidentDetailSerializer
        return s.IncidentSerializer if member else s.PublicIncidentSerializer
