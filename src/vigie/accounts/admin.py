"""Operators' admin pages for grants and shares (the admin site is superusers only: admin_site.py)."""

from django.contrib import admin

from vigie.core.admin import ReadOnlyAdminMixin
from vigie.core.models import RoleGrant, Share


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("model", "role", "actions", "constraints", "organisation", "enabled")
    list_filter = ("model", "role", "enabled")


@admin.register(Share)
class ShareAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read only: shares are made and ended through Vigie's pages or `vigie share`, which log them."""

    list_display = (
        "content_type",
        "object_id",
        "from_organisation",
        "to_organisation",
        "allow_change",
        "granted_by_name",
        "granted_at",
        "revoked_at",
    )
    list_filter = ("content_type", "to_organisation")


# django-otp's own admin for TOTP devices shows a device's secret as a QR code, and its config and
# qrcode pages fail with a server error for a device that does not exist. Devices are managed by
# their owners (accounts pages) and reset by operators with `vigie user reset-2fa`: not in the admin.
try:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin.site.unregister(TOTPDevice)
except (ImportError, admin.sites.NotRegistered):
    pass
