from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    # "/": the dashboard for members, the public home for everyone else.
    path("", views.home, name="dashboard"),
    path("public/", views.PublicHomeView.as_view(), name="public_home"),
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
    path("methodology/", views.MethodologyView.as_view(), name="methodology"),
    path("open-data/", views.OpenDataView.as_view(), name="open_data"),
    path(
        "open-data/<str:format_name>/",
        views.OpenDataDownloadView.as_view(),
        name="open_data_download",
    ),
]
