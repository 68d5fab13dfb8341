"""The places endpoint: the gazetteer the caller may see, and publishing a place's name."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from vigie.api.viewsets import BY_NAME, PublishMixin, ScopedViewSet
from vigie.places.filtersets import PlaceFilterSet
from vigie.places.models import Place

from . import serializers as s


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
    scoped_model = Place
    serializer_class = s.PlaceSerializer
    filterset_class = PlaceFilterSet
    keyset_orderings = BY_NAME
    keyset_default = "name"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("aliases")
