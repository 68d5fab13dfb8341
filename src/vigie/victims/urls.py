from django.urls import path

from . import views

app_name = "victims"

urlpatterns = [
    path("", views.victim_list, name="victim_list"),
    path("new/", views.victim_new, name="victim_new"),
    path("report/", views.assistance_report, name="assistance_report"),
    path("<int:pk>/", views.victim_detail, name="victim_detail"),
    path("<int:pk>/edit/", views.victim_edit, name="victim_edit"),
    path("<int:pk>/consent/", views.victim_consent, name="victim_consent"),
    path("<int:pk>/withdraw/", views.victim_withdraw, name="victim_withdraw"),
    path("<int:pk>/assistance/", views.assistance_open, name="assistance_open"),
    path("assistance/<int:pk>/", views.assistance_update, name="assistance_update"),
]
