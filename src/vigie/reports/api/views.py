"""The reports endpoint (members only; a monitor submits a report with POST) and the sources endpoint."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from vigie.api.viewsets import BY_NAME, PublishMixin, ScopedViewSet
from vigie.core import permissions
from vigie.core.context import change_context
from vigie.reports.filtersets import ReportFilterSet, SourceFilterSet
from vigie.reports.models import Report, Source

from . import serializers as s
from .intake import ReportIntakeSerializer


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
    scoped_model = Report
    permission_classes = [IsAuthenticated]
    filterset_class = ReportFilterSet
    keyset_orderings = {"-id": ("-id",), "id": ("id",)}

    def get_queryset(self):
        queryset = super().get_queryset().select_related("source", "organisation", "place")
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
        if not permissions.may(user, Report, "add"):
            raise PermissionDenied(_("You have no organisation in which you may add reports."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic(), change_context(user=user, origin="api"):
            report = serializer.save()
            # What was saved must still be within the user's scope (else nothing is kept).
            stored = (
                Report.objects.visible_to(user)
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


# -- sources ---------------------------------------------------------------------------------------------


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
    scoped_model = Source
    serializer_class = s.SourceSerializer
    filterset_class = SourceFilterSet
    keyset_orderings = BY_NAME
    keyset_default = "name"
