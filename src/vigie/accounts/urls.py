"""URLs of accounts and access (under /accounts/)."""

from django.urls import path

from . import views
from .organisation import OrganisationAdminView

app_name = "accounts"
urlpatterns = [
    path("two-factor/", views.TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/enrol/", views.EnrolView.as_view(), name="two_factor_enrol"),
    path("two-factor/verify/", views.VerifyView.as_view(), name="two_factor_verify"),
    path("two-factor/disable/", views.DisableView.as_view(), name="two_factor_disable"),
    path("share/<str:model>/<int:pk>/", views.ShareView.as_view(), name="share"),
    path("organisation/", OrganisationAdminView.as_view(), name="organisation_admin"),
]
