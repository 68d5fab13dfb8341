"""URLs of the REST API, under /api/ (outside the language prefixes).

    /api/v1/                  the endpoints (router below)
    /api/v1/schema/           the OpenAPI schema (YAML; ?format=json for JSON); committed as docs/openapi.yaml

Each app keeps its serializers and views in its own api/ package (vigie.<app>.api); the router
below registers them. Cases, evidence and victims are read-only for now: querysets through the
apps' own scoped functions (vigie.core.permissions.restrict), lists without identifying fields,
each read of a record logged (vigie.api.viewsets.ProtectedViewSet). Their writes (and assistance
cases) would be registered below too; then regenerate docs/openapi.yaml (docs/api.md says how).
"""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from vigie.actors.api.views import ActorViewSet
from vigie.cases.api.views import CaseViewSet
from vigie.core.api.views import OrganisationViewSet
from vigie.evidence.api.views import EvidenceViewSet
from vigie.incidents.api.views import IncidentViewSet
from vigie.places.api.views import PlaceViewSet
from vigie.reports.api.views import ReportViewSet, SourceViewSet
from vigie.victims.api.views import VictimViewSet

app_name = "api"


class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
router.register("incidents", IncidentViewSet, basename="incident")
router.register("reports", ReportViewSet, basename="report")
router.register("sources", SourceViewSet, basename="source")
router.register("actors", ActorViewSet, basename="actor")
router.register("places", PlaceViewSet, basename="place")
router.register("organisations", OrganisationViewSet, basename="organisation")
# Protection (issue 4): read-only; assistance cases to come.
router.register("cases", CaseViewSet, basename="case")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("victims", VictimViewSet, basename="victim")


def not_found(request, *args, **kwargs):
    """Anything else under /api/: a JSON 404, as the endpoints answer, never an HTML page."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/", include(router.urls)),
    re_path(r"^.*$", not_found),
]
