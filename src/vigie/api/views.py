"""The API's endpoints (v1). Each queryset starts from vigie.api.access; outside one's scope: 404."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from vigie.actors.choices import AliasLanguage
from vigie.actors.models import ActorAlias
from vigie.core.context import change_context
from vigie.core.models import Membership
from vigie.core.permissions import organisations_for
from vigie.core.published import may_publish, publish
from vigie.core.text import parse_id
from vigie.incidents.access import visible_incident
from vigie.incidents.models import Incident
from vigie.reports.models import Report

from . import serializers as s
from .access import (
    PUBLIC_SOURCE_KINDS,
    ReadableIncidents,
    actors_for,
    incidents_for,
    is_signed_in,
    is_superuser,
    organisations_of,
    places_for,
    reports_for,
    sources_for,
)
from .filters import (
    ActorFilterSet,
    IncidentFilterSet,
    PlaceFilterSet,
    ReportFilterSet,
    SourceFilterSet,
)
from .intake import ReportIntakeSerializer, may_add_reports
from .references import attach, attach_actor_links, attach_place_refs, place_refs_of

BY_NAME = {"name": ("name", "id"), "-name": ("-name", "-id"), "id": ("id",), "-id": ("-id",)}


class ScopedViewSet(viewsets.GenericViewSet):
    """Records looked up by their numeric id; anything else (a word, a number out of range) is not found."""

    lookup_value_regex = "[^/]+"

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
            return incidents_for(
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
        if is_signed_in(user):
            readable = (
                reports_for(user)
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
            visible_incident(self.request.user, self.get_queryset(), pk) if pk is not None else None
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
        ):  # the page's places and organisations, in one query each (vigie.api.references)
            attach_place_refs(page, self.request.user)
            attach_actor_links(page, self.request.user)
            if is_signed_in(self.request.user):
                attach(page, ["organisation"], only=("id", "slug", "name"))
        return page

    def get_serializer_class(self):
        member = is_signed_in(self.request.user)
        if self.action == "retrieve":
            return s.IncidentDetailSerializer if member else s.PublicIncidentDetailSerializer
        return s.IncidentSerializer if member else s.PublicIncidentSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["everything"] = is_superuser(user)
        if is_signed_in(user) and not context["everything"]:
            # The record part is shown for the organisations whose incidents the user's roles open.
            context["own"] = organisations_for(user, Incident, "view")
        return context


# -- reports -------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List reports",
        description="Reports of your organisations (members only), newest first. The public reads none.",
        responses=s.ReportSerializer,
    ),
    retrieve=extend_schema(
        summary="Read a report",
        description="One report as it came, with the rows of the imported file (members of its organisation).",
        responses=s.ReportDetailSerializer,
    ),
    create=extend_schema(
        summary="Submit a report",
        description="A monitor's report: the source, the event date and its precision, the place, the actors, "
        "the casualties. It is stored in your organisation with a new incident, flagged for review "
        "and visible to your organisation's members only.",
        request=ReportIntakeSerializer,
        responses={
            201: OpenApiResponse(s.ReportDetailSerializer, description="The stored report.")
        },
    ),
)
class ReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    permission_classes = [IsAuthenticated]
    filterset_class = ReportFilterSet
    keyset_orderings = {"-id": ("-id",), "id": ("id",)}

    def get_queryset(self):
        queryset = reports_for(self.request.user).select_related("source", "organisation", "place")
        if self.action == "retrieve":
            queryset = queryset.select_related("import_run")
        return queryset

    def incident_ids(self, records):
        return [report.incident_id for report in records]

    def get_serializer_class(self):
        if self.action == "create":
            return ReportIntakeSerializer
        return s.ReportDetailSerializer if self.action == "retrieve" else s.ReportSerializer

    def create(self, request, *args, **kwargs):
        user = request.user
        if not may_add_reports(user):
            raise PermissionDenied(_("You have no organisation in which you may add reports."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic(), change_context(user=user, origin="api"):
            report = serializer.save()
            # What was saved must still be within the user's scope (else nothing is kept).
            stored = (
                reports_for(user)
                .select_related("source", "organisation", "place")
                .filter(pk=report.pk)
                .first()
            )
            if stored is None:
                raise PermissionDenied(
                    _("This report would be outside what you may see; nothing was stored.")
                )
        return Response(
            s.ReportDetailSerializer(stored, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


# -- reference data ----------------------------------------------------------------------------------------


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


@extend_schema_view(
    list=extend_schema(
        summary="List sources",
        description="The sources you may see: published datasets, media, official statements "
        "and the UN for everyone; for members, shared sources and their "
        "organisations' own, including those not yet published.",
    ),
    retrieve=extend_schema(summary="Read a source"),
)
class SourceViewSet(PublishMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.SourceSerializer
    filterset_class = SourceFilterSet
    keyset_orderings = BY_NAME
    keyset_default = "name"

    def get_queryset(self):
        return sources_for(self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List actors",
        description="The actor dictionary with the other names of each actor. Actors created from "
        "imported names and not yet reviewed are shown to signed-in users only; one "
        "named first in an organisation's non-public report, to that organisation's "
        "members only until one of its analysts publishes it.",
    ),
    retrieve=extend_schema(summary="Read an actor"),
)
class ActorViewSet(PublishMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.ActorSerializer
    filterset_class = ActorFilterSet
    keyset_orderings = BY_NAME
    keyset_default = "name"

    def get_queryset(self):
        aliases = ActorAlias.objects.order_by("name")
        if not is_signed_in(self.request.user):
            aliases = aliases.exclude(language=AliasLanguage.IMPORT)
        return actors_for(self.request.user).prefetch_related(
            Prefetch("aliases", queryset=aliases, to_attr="listed_aliases")
        )


@extend_schema_view(
    list=extend_schema(
        summary="List places",
        description="The gazetteer: countries, regions, cercles, communes and localities, with "
        "their other spellings. Search by name with `search`. Places created from "
        "imported names and not yet reviewed are shown to signed-in users only; one "
        "named first in an organisation's non-public report, to that organisation's "
        "members only until one of its analysts publishes it.",
    ),
    retrieve=extend_schema(summary="Read a place"),
)
class PlaceViewSet(PublishMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.PlaceSerializer
    filterset_class = PlaceFilterSet
    keyset_orderings = BY_NAME
    keyset_default = "name"

    def get_queryset(self):
        return places_for(self.request.user).prefetch_related("aliases")


@extend_schema_view(
    list=extend_schema(
        summary="List your organisations", description="Your organisations and your roles in them."
    ),
    retrieve=extend_schema(summary="Read one of your organisations"),
)
class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.OrganisationSerializer
    permission_classes = [IsAuthenticated]
    keyset_orderings = BY_NAME
    keyset_default = "name"

    def get_queryset(self):
        user = self.request.user
        mine = Membership.objects.filter(user_id=user.pk if is_signed_in(user) else None).order_by(
            "role"
        )
        return organisations_of(self.request.user).prefetch_related(
            Prefetch("memberships", queryset=mine, to_attr="my_memberships")
        )
