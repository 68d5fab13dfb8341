from django.contrib import admin

from .models import Place, PlaceAlias


class PlaceAliasInline(admin.TabularInline):
    model = PlaceAlias
    fields = ("name",)
    extra = 0


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "code", "needs_review", "published", "organisation")
    list_filter = ("kind", "needs_review", "published")
    search_fields = ("name", "code", "aliases__name")
    raw_id_fields = ("parent",)
    inlines = [PlaceAliasInline]
