"""Read endpoints for investigations, evidence and victims (issue 4's records). Members only.

Each list goes through the app's own scoped queryset (vigie.cases.services.cases_for,
vigie.evidence.services.evidence_for, vigie.victims.services.victims_for: all of them
vigie.core.permissions.restrict), so only the roles the grants name see anything; outside them a
record answers 404. Lists show no identifying field. Reading one record decrypts its protected
fields for those roles and is logged in the change log (vigie.core.audit.record_read); a victim's
record is read only with a stated purpose, which the log keeps.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated

from vigie.cases.models import Case, CaseTask
from vigie.cases.models import Referral as CaseReferral
from vigie.cases.services import cases_for, read_case
from vigie.core.audit import record_read
from vigie.core.context import change_context
from vigie.core.text import parse_id
from vigie.evidence.models import CustodyEvent, EvidenceItem
from vigie.evidence.services import evidence_for
from vigie.victims.choices import Harm
from vigie.victims.models import Consent, Victim, VictimAlias, VictimIncident
from vigie.victims.services import read_victim, victims_for

from .serializers import IncidentIdField, IncidentIdListField, OrganisationRefSerializer
from .views import ScopedViewSet

PURPOSE_MAX = 200


def _audited(request):
    """Reads are logged under the API's own user (token authentication happens after the middleware)."""
    return change_context(user=request.user, origin="api")


# -- cases ---------------------------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer):
    """An investigation, without its findings (its reference and title never name a person)."""

    organisation = OrganisationRefSerializer(read_only=True)
    incidents = IncidentIdListField()
    alleged_perpetrators = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Actors (ids) alleged responsible."
    )

    class Meta:
        model = Case
        fields = (
            "id",
            "organisation",
            "reference",
            "title",
            "status",
            "opened_on",
            "closed_on",
            "incidents",
            "alleged_perpetrators",
            "created",
            "updated",
        )
        read_only_fields = fields


class CaseReferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseReferral
        fields = ("id", "recipient_kind", "recipient_name", "referred_on", "reference", "status")
        read_only_fields = fields


class CaseTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseTask
        fields = ("id", "title", "due_on", "is_deadline", "done_on")
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    """An investigation with its findings, referrals and deadlines (the read is logged)."""

    findings = serializers.CharField(read_only=True)
    status_reason = serializers.CharField(read_only=True)
    referrals = CaseReferralSerializer(many=True, read_only=True)
    tasks = CaseTaskSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = (*CaseSerializer.Meta.fields, "findings", "status_reason", "referrals", "tasks")
        read_only_fields = fields


# -- evidence --------------------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    """A piece of evidence as its hash and metadata: no file name, no person (the file itself is on the pages)."""

    is_original = serializers.BooleanField(read_only=True)

    class Meta:
        model = EvidenceItem
        fields = (
            "id",
            "case",
            "sha256",
            "size",
            "media_type",
            "captured_at",
            "captured_place",
            "derived_from",
            "is_original",
            "received_at",
        )
        read_only_fields = fields


class CustodyEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustodyEvent
        fields = ("time", "action", "actor_name", "sha256", "note")
        read_only_fields = fields


class EvidenceDetailSerializer(EvidenceSerializer):
    """A piece of evidence with its capture metadata and chain of custody (the read is logged)."""

    original_filename = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    collected_by = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True, help_text="Where it was found.")
    transformation = serializers.CharField(read_only=True)
    custody = CustodyEventSerializer(many=True, read_only=True)

    class Meta(EvidenceSerializer.Meta):
        fields = (
            *EvidenceSerializer.Meta.fields,
            "original_filename",
            "description",
            "device",
            "latitude",
            "longitude",
            "collected_by",
            "source",
            "transformation",
            "custody",
        )
        read_only_fields = fields


# -- victims ---------------------------------------------------------------------------------------------


class VictimIncidentSerializer(serializers.ModelSerializer):
    incident = IncidentIdField(source="incident_id")

    class Meta:
        model = VictimIncident
        fields = ("incident", "relation")
        read_only_fields = fields


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ("purpose", "given_on", "given_by", "withdrawn_on")
        read_only_fields = fields


class VictimSerializer(serializers.ModelSerializer):
    """A victim without anything that identifies them: no name, no exact age, no contact, no place."""

    incidents = VictimIncidentSerializer(source="incident_links", many=True, read_only=True)
    consents = ConsentSerializer(many=True, read_only=True)
    harms = serializers.ListField(
        child=serializers.ChoiceField(choices=Harm.choices), read_only=True
    )

    class Meta:
        model = Victim
        fields = (
            "id",
            "organisation",
            "sex",
            "age_group",
            "civilian_status",
            "harms",
            "region",
            "incidents",
            "consents",
            "created",
            "updated",
        )
        read_only_fields = fields


class VictimDetailSerializer(VictimSerializer):
    """A victim's whole record, decrypted, for the roles that may read it; the read is logged with its purpose."""

    name = serializers.CharField(read_only=True)
    aliases = serializers.SerializerMethodField()
    community = serializers.CharField(read_only=True)
    contact = serializers.CharField(read_only=True)
    home_location = serializers.CharField(read_only=True)
    testimony = serializers.CharField(read_only=True)

    class Meta(VictimSerializer.Meta):
        fields = (
            *VictimSerializer.Meta.fields,
            "name",
            "aliases",
            "age",
            "community",
            "contact",
            "home_location",
            "testimony",
        )
        read_only_fields = fields

    def get_aliases(self, victim) -> list[str]:
        return [alias.name for alias in VictimAlias.objects.filter(victim=victim).order_by("pk")]


# -- the viewsets ------------------------------------------------------------------------------------------


class ProtectedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = [IsAuthenticated]
    keyset_orderings = {"-id": ("-id",), "id": ("id",)}

    def record(self, request, obj, purpose: str) -> None:
        with _audited(request):
            record_read(obj, request.user, purpose)


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
    def get_queryset(self):
        queryset = (
            cases_for(self.request.user)
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
        with _audited(self.request):
            read_case(self.request.user, "api", pk=case.pk)  # the services' own read, logged
        return case


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
    def get_queryset(self):
        queryset = evidence_for(self.request.user).defer(
            "original_filename", "description", "collected_by", "source", "transformation"
        )
        if self.action == "retrieve":
            queryset = evidence_for(self.request.user).prefetch_related(
                Prefetch("custody", queryset=CustodyEvent.objects.order_by("time", "id"))
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
    def get_queryset(self):
        return victims_for(self.request.user).prefetch_related(
            Prefetch("incident_links", queryset=VictimIncident.objects.order_by("pk")),
            Prefetch("consents", queryset=Consent.objects.order_by("given_on", "pk")),
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
        with _audited(self.request):
            victim = read_victim(self.request.user, found.pk, purpose)
        self.check_object_permissions(self.request, victim)
        return victim
