from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("<int:pk>/", views.evidence_detail, name="evidence_detail"),
    path("<int:pk>/download/", views.download, name="evidence_download"),
    path("<int:pk>/verify/", views.evidence_verify, name="evidence_verify"),
    path("<int:pk>/derive/", views.evidence_derive, name="evidence_derive"),
    path("case/<int:case_pk>/add/", views.evidence_add, name="evidence_add"),
    path("case/<int:case_pk>/bundle/", views.evidence_bundle, name="evidence_bundle"),
]
