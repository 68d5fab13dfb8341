"""URLs of the REST API, under /api/ (outside the language prefixes).

    /api/v1/                  the endpoints (router below)
    /api/v1/schema/           the OpenAPI schema (YAML; ?format=json for JSON); committed as docs/openapi.yaml

Cases, evidence and victims (vigie.api.protected) are read-only for now: querysets through the
apps' own scoped functions (vigie.core.permissions.restrict), lists without identifying fields,
each read of a record logged. Their writes (and assistance cases) would be registered below too;
then regenerate docs/openapi.yaml (docs/api.md says how).
"""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import protected, views

app_name = "api"


class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("reports", views.ReportViewSet, basename="report")
router.register("sources", views.SourceViewSet, basename="source")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("places", views.PlaceViewSet, basename="place")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
# Protection (issue 4): read-only; assistance cases to come.
router.register("cases", protected.CaseViewSet, basename="case")
router.register("evidence", protected.EvidenceViewSet, basename="evidence")
router.register("victims", protected.VictimViewSet, basename="victim")


def not_found(request, *args, **kwargs):
    """Anything else under /api/: a JSON 404, as the endpoints answer, never an HTML page."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/", include(router.urls)),
    re_path(r"^.*$", not_found),
]
