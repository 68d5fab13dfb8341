"""The Django admin is a side door: it shows every record unfiltered, so only operators may use it.

Operators are superusers (created with `vigie user add --superuser` or `vigie manage
createsuperuser`). An organisation's administrator is not one: their role is data in Vigie's own
pages. For anyone else who is logged in the admin does not exist (404); the anonymous are sent to
the one login page (with its throttling and two-factor step): the admin has no login of its own.
"""

from functools import update_wrapper
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _


class OperatorAdminSite(admin.AdminSite):
    site_header = _("Vigie: instance administration")
    site_title = _("Vigie administration")
    index_title = _("Operators only")

    def has_permission(self, request) -> bool:
        from vigie.core.permissions import is_operator

        return is_operator(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def operators_only(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return update_wrapper(operators_only, inner)

    def get_urls(self):
        urls = super().get_urls()
        for pattern in urls:
            # "View on site" looks any record up by id for anyone: it would tell who asks whether it exists.
            if isinstance(pattern, URLPattern) and pattern.name == "view_on_site":
                pattern.callback = self.admin_view(pattern.callback)
        return urls

    def login(self, request, extra_context=None):
        if self.has_permission(request):
            return HttpResponseRedirect(resolve_url("admin:index"))
        if request.user.is_authenticated:
            raise Http404
        target = request.GET.get("next") or resolve_url("admin:index")
        return HttpResponseRedirect(
            f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': target})}"
        )
