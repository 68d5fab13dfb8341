from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.IncidentListView.as_view(), name="incident_list"),
    path("incidents/", views.IncidentListView.as_view(), name="incident_list_all"),
    path("incidents/<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
]
