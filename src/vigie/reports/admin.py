from django.contrib import admin

from .models import Report, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "language", "redistributable", "published", "organisation")
    list_filter = ("kind", "published")
    search_fields = ("name",)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "source",
        "date_start",
        "location_text",
        "killed",
        "incident",
        "is_current",
    )
    list_filter = ("source", "is_current")
    search_fields = ("external_id", "location_text")
    raw_id_fields = ("incident", "place", "supersedes", "import_run")
    list_select_related = ("source", "incident")
    readonly_fields = (
        "accepted",
        "accepted_by",
        "accepted_at",
    )  # accepted by an analyst, from the review queue

    def save_model(self, request, obj, form, change):
        """A report's visibility or figures change what its incident's figures rest on: recompute them."""
        from vigie.incidents.services import refresh_from_reports

        previous = (
            Report.objects.filter(pk=obj.pk).values_list("incident_id", flat=True).first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            from vigie.incidents.models import Incident

            for incident in Incident.objects.filter(pk__in={obj.incident_id, previous} - {None}):
                refresh_from_reports(incident)
