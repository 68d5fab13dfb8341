from django.contrib import admin

from .models import Report, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "language", "redistributable", "published", "organisation")
    list_filter = ("kind", "published")
    search_fields = ("name",)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("external_id", "source", "date_start", "location_text", "killed", "incident", "is_current")
    list_filter = ("source", "is_current")
    search_fields = ("external_id", "location_text")
    raw_id_fields = ("incident", "place", "supersedes", "import_run")
    list_select_related = ("source", "incident")
