"""The evidence endpoint, read-only and members only.

The list goes through the app's scoped queryset (EvidenceItem.objects.visible_to, that is
vigie.core.permissions.restrict): only the roles the grants name see anything; outside them a piece
answers 404. Lists show hashes and metadata, no file name and no person. Reading one piece is logged
in the change log (vigie.core.audit.record_read).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError

from vigie.api.viewsets import ProtectedViewSet
from vigie.core.text import parse_id
from vigie.evidence.models import CustodyEvent, EvidenceItem

from .serializers import EvidenceDetailSerializer, EvidenceSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List evidence",
        description="The pieces of evidence you may read, as hashes and metadata, without file "
        "names or people.",
        parameters=[OpenApiParameter("case", int, description="Evidence of this case.")],
    ),
    retrieve=extend_schema(
        summary="Read a piece of evidence",
        description="Its capture metadata and chain of custody. The read is logged.",
    ),
)
class EvidenceViewSet(ProtectedViewSet):
    scoped_model = EvidenceItem

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .defer("original_filename", "description", "collected_by", "source", "transformation")
        )
        if self.action == "retrieve":
            queryset = (
                super()
                .get_queryset()
                .prefetch_related(
                    Prefetch("custody", queryset=CustodyEvent.objects.order_by("time", "id"))
                )
            )
        case = self.request.query_params.get("case") if self.action == "list" else None
        if case is not None:
            case_id = parse_id(case)
            if case_id is None:
                raise ValidationError({"case": [_("Give a case's id.")]})
            queryset = queryset.filter(case_id=case_id)
        return queryset

    def get_serializer_class(self):
        return EvidenceDetailSerializer if self.action == "retrieve" else EvidenceSerializer

    def get_object(self):
        item = super().get_object()
        self.record(self.request, item, "api")
        return item
