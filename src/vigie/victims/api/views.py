"""The victims endpoint, read-only and members only.

The list goes through the app's scoped queryset (Victim.objects.visible_to, that is
vigie.core.permissions.restrict): only the roles the grants name see anything; outside them a record
answers 404. Lists show no identifying field. Reading one record decrypts its protected fields for
those roles, only with a stated purpose, and is logged with it in the change log.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError

from vigie.api.viewsets import ProtectedViewSet, audited
from vigie.victims.models import Consent, Victim, VictimIncident
from vigie.victims.services import ENCRYPTED_VICTIM_FIELDS, read_victim

from .serializers import VictimDetailSerializer, VictimSerializer

PURPOSE_MAX = 200


@extend_schema_view(
    list=extend_schema(
        summary="List victims",
        description="The victims you may read (investigators, assistance officers and "
        "coordinators of their organisation), without any identifying field.",
    ),
    retrieve=extend_schema(
        summary="Read a victim's record",
        description="The whole record, decrypted. Say why in `purpose`: the read is logged with it.",
        parameters=[
            OpenApiParameter(
                "purpose",
                str,
                required=True,
                description="Why the record is read (kept in the audit log).",
            )
        ],
    ),
)
class VictimViewSet(ProtectedViewSet):
    scoped_model = Victim

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .defer(*ENCRYPTED_VICTIM_FIELDS)
            .prefetch_related(
                Prefetch("incident_links", queryset=VictimIncident.objects.order_by("pk")),
                Prefetch("consents", queryset=Consent.objects.order_by("given_on", "pk")),
            )
        )

    def incident_ids(self, records):
        return [link.incident_id for victim in records for link in victim.incident_links.all()]

    def get_serializer_class(self):
        return VictimDetailSerializer if self.action == "retrieve" else VictimSerializer

    def get_object(self):
        purpose = (self.request.query_params.get("purpose") or "").strip()
        if not purpose or len(purpose) > PURPOSE_MAX or "\x00" in purpose:
            raise ValidationError(
                {
                    "purpose": [
                        _("Say why you read this record (1 to %(max)s characters).")
                        % {"max": PURPOSE_MAX}
                    ]
                }
            )
        found = super().get_object()  # 404 outside the user's scope, before anything is read
        with audited(self.request):
            victim = read_victim(self.request.user, found.pk, purpose)
        self.check_object_permissions(self.request, victim)
        return victim
