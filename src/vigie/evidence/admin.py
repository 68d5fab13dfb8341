"""Admin of evidence: metadata can be corrected; the bytes, the hash and the chain of custody cannot.
Files enter only through intake (`vigie evidence add`), which hashes them as they arrive."""

from django.contrib import admin

from vigie.cases.admin import ScopedAdmin
from vigie.core.admin import ReadOnlyAdminMixin

from .models import CustodyEvent, EvidenceItem

CUSTODY_FIELDS = ("time", "action", "actor_name", "sha256", "note")


class CustodyInline(admin.TabularInline):
    model = CustodyEvent
    fields = CUSTODY_FIELDS
    readonly_fields = CUSTODY_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ScopedAdmin):
    list_display = ("pk", "case", "media_type", "size", "sha256", "derived_from", "received_at")
    list_filter = ("media_type",)
    search_fields = ("sha256", "case__reference")
    fields = (
        "organisation",
        "case",
        "sha256",
        "size",
        "media_type",
        "original_filename",
        "derived_from",
        "transformation",
        "description",
        "captured_at",
        "captured_place",
        "latitude",
        "longitude",
        "device",
        "collected_by",
        "source",
        "received_at",
        "received_by",
    )
    readonly_fields = (
        "organisation",
        "case",
        "sha256",
        "size",
        "media_type",
        "original_filename",
        "derived_from",
        "transformation",
        "received_at",
        "received_by",
    )
    raw_id_fields = ("captured_place",)
    record_reads = True
    inlines = [CustodyInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("time", "item", "action", "actor_name", "sha256")
    list_filter = ("action",)
    fields = ("item", *CUSTODY_FIELDS)
    readonly_fields = ("item", *CUSTODY_FIELDS)
    scope_through, scope_model = "item", EvidenceItem
