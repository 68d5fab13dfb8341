from django.urls import include, path

from . import views

app_name = "web"

urlpatterns = [
    # "/": the dashboard for members, the public home for everyone else.
    path("", views.home, name="dashboard"),
    path("public/", views.PublicHomeView.as_view(), name="public_home"),
    # The incident pages live in their app; their names stay web:incident_list, ...
    path("", include("vigie.incidents.urls")),
    path("methodology/", views.MethodologyView.as_view(), name="methodology"),
    path("open-data/", views.OpenDataView.as_view(), name="open_data"),
    path(
        "open-data/<str:format_name>/",
        views.OpenDataDownloadView.as_view(),
        name="open_data_download",
    ),
]
