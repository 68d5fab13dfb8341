from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("vigie.api.urls")),
]
urlpatterns += i18n_patterns(
    path("", include("vigie.web.urls")),
    path("", include("vigie.intake.urls")),
    path("accounts/", include("vigie.accounts.urls")),
    path("evidence/", include("vigie.evidence.urls")),
    path("cases/", include("vigie.cases.urls")),
    path("victims/", include("vigie.victims.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
