"""API tokens in the administration: who holds one and until when, to revoke; never the key.

A token is issued with `vigie token create`, which checks the user's second factor and shows the key
once; the administration cannot issue one (knox's own page would skip that check) nor show one.
"""

from django.contrib import admin
from knox.models import AuthToken

from .models import ApiToken

if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created", "expiry")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    ordering = ("-created",)
    fields = ("user", "created", "expiry")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
