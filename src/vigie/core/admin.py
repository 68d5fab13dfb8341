from django.contrib import admin

from .models import ChangeLogEntry, Membership, Organisation


class ReadOnlyAdminMixin:
    """Records written only by Vigie itself (the change log, shares, custody events): the admin shows
    them and never adds, changes or deletes one."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role")
    list_filter = ("role", "organisation")


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("time", "user_name", "origin", "action", "content_type", "object_repr")
    list_filter = ("action", "origin", "content_type")
    readonly_fields = [f.name for f in ChangeLogEntry._meta.fields]
