"""The incident pages: the list (filters, exports) and an incident's page.

Included by vigie.web.urls, so their names stay in the ``web`` namespace (web:incident_list, ...).
"""

from django.urls import path

from . import views

urlpatterns = [
    path("incidents/", views.IncidentListView.as_view(), name="incident_list"),
    path("incidents/", views.IncidentListView.as_view(), name="incident_list_all"),
    path(
        "incidents/export/<str:format_name>/",
        views.IncidentExportView.as_view(),
        name="incident_export",
    ),
    path("incidents/<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
    path(
        "incidents/<int:pk>/figures/", views.IncidentFiguresView.as_view(), name="incident_figures"
    ),
]
