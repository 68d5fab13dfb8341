"""A first, simple set of pages: the incident list and an incident with its reports."""

from django.db.models import Count, Q
from django.views.generic import DetailView, ListView

from vigie.core.choices import Visibility
from vigie.incidents.models import Incident


def visible_incidents(user):
    """Public incidents for everyone; an organisation's own incidents for its members (closed by default)."""
    queryset = Incident.objects.all()
    if user.is_authenticated and user.is_superuser:
        return queryset
    condition = Q(visibility=Visibility.PUBLIC)
    if user.is_authenticated:
        organisation_ids = list(user.memberships.values_list("organisation_id", flat=True))
        if organisation_ids:
            condition |= Q(organisation_id__in=organisation_ids) & ~Q(visibility=Visibility.RESTRICTED)
    return queryset.filter(condition)


class IncidentListView(ListView):
    template_name = "web/incident_list.html"
    paginate_by = 50
    context_object_name = "incidents"

    def get_queryset(self):
        return (
            visible_incidents(self.request.user)
            .select_related("admin1", "admin2", "place")
            .annotate(n_reports=Count("reports", filter=Q(reports__is_current=True)))
            .order_by("-date_start", "-id")
        )


class IncidentDetailView(DetailView):
    template_name = "web/incident_detail.html"
    context_object_name = "incident"

    def get_queryset(self):
        return visible_incidents(self.request.user).select_related("admin1", "admin2", "admin3", "place")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = self.object
        context["actor_links"] = incident.actor_links.select_related("actor")
        context["reports"] = incident.reports.filter(is_current=True).select_related("source").order_by("published", "id")
        context["violations"] = incident.violations.all()
        return context
