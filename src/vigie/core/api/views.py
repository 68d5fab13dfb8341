"""The organisations endpoint: the caller's organisations and their roles in them."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.permissions import IsAuthenticated

from vigie.api.viewsets import BY_NAME, ScopedViewSet
from vigie.core.models import Membership, Organisation
from vigie.core.published import signed_in

from . import serializers as s


@extend_schema_view(
    list=extend_schema(
        summary="List your organisations", description="Your organisations and your roles in them."
    ),
    retrieve=extend_schema(summary="Read one of your organisations"),
)
class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    scoped_model = Organisation
    serializer_class = s.OrganisationSerializer
    permission_classes = [IsAuthenticated]
    keyset_orderings = BY_NAME
    keyset_default = "name"

    def get_queryset(self):
        user = self.request.user
        mine = Membership.objects.filter(user_id=user.pk if signed_in(user) else None).order_by(
            "role"
        )
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("memberships", queryset=mine, to_attr="my_memberships"))
        )
