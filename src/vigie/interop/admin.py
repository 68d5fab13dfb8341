from django.contrib import admin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = (
        "started",
        "format",
        "file_name",
        "status",
        "rows_read",
        "incidents_created",
        "incidents_updated",
        "rows_rejected",
    )
    readonly_fields = [f.name for f in ImportRun._meta.fields]
