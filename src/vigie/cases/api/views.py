"""The investigations endpoint, read-only and members only.

The list goes through the app's scoped queryset (Case.objects.visible_to, that is
vigie.core.permissions.restrict): only the roles the grants name see anything; outside them a case
answers 404. Lists show no findings. Reading one case is logged in the change log
(vigie.cases.services.read_case).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from vigie.api.viewsets import ProtectedViewSet, audited
from vigie.cases.models import Case
from vigie.cases.services import read_case

from .serializers import CaseDetailSerializer, CaseSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List investigations",
        description="The cases you may read (investigators, coordinators and administrators "
        "of their organisation), without findings.",
    ),
    retrieve=extend_schema(
        summary="Read an investigation",
        description="A case with its findings, referrals and deadlines. The read is logged.",
    ),
)
class CaseViewSet(ProtectedViewSet):
    scoped_model = Case

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .select_related("organisation")
            .prefetch_related("incidents", "alleged_perpetrators")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("referrals", "tasks")
        return queryset

    def incident_ids(self, records):
        return [incident.pk for case in records for incident in case.incidents.all()]

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def get_object(self):
        case = super().get_object()
        with audited(self.request):
            read_case(self.request.user, "api", pk=case.pk)  # the services' own read, logged
        return case
