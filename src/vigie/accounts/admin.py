"""Operators' admin pages for grants and shares (the admin site is superusers only: admin_site.py)."""

from django.contrib import admin

from vigie.core.models import RoleGrant, Share


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("model", "role", "actions", "constraints", "organisation", "enabled")
    list_filter = ("model", "role", "enabled")


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):
    """Read only: shares are made and ended through Vigie's pages or `vigie share`, which log them."""

    list_display = ("content_type", "object_id", "from_organisation", "to_organisation", "allow_change",
                    "granted_by_name", "granted_at", "revoked_at")
    list_filter = ("content_type", "to_organisation")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
