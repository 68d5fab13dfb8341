from django.contrib import admin

from .models import Incident, IncidentActor, IncidentViolation


class IncidentActorInline(admin.TabularInline):
    model = IncidentActor
    raw_id_fields = ("actor",)
    extra = 0


class IncidentViolationInline(admin.TabularInline):
    model = IncidentViolation
    extra = 0


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = (
        "date_start",
        "location",
        "event_type",
        "killed_best",
        "visibility",
        "organisation",
    )
    list_filter = ("event_type", "visibility", "date_precision")
    search_fields = ("location", "key")
    date_hierarchy = "date_start"
    raw_id_fields = ("place", "admin0", "admin1", "admin2", "admin3")
    inlines = [IncidentActorInline, IncidentViolationInline]

    def save_model(self, request, obj, form, change):
        """A public incident's figures rest only on reports that can be shown to the public
        (vigie.incidents.services.figure_basis): a change of visibility recomputes them."""
        super().save_model(request, obj, form, change)
        if change and "visibility" in form.changed_data:
            from .services import refresh_from_reports

            refresh_from_reports(obj)
