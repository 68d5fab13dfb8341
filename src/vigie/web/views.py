"""A first, simple set of pages: the incident list and an incident with its reports."""

from django.db.models import Count, Q
from django.views.generic import DetailView, ListView

from vigie.incidents.access import visible_to_user


class IncidentListView(ListView):
    template_name = "web/incident_list.html"
    paginate_by = 50
    context_object_name = "incidents"

    def get_queryset(self):
        return (
            visible_to_user(self.request.user)
            .select_related("admin1", "admin2", "place")
            .annotate(n_reports=Count("reports", filter=Q(reports__is_current=True)))
            .order_by("-date_start", "-id")
        )


class IncidentDetailView(DetailView):
    template_name = "web/incident_detail.html"
    context_object_name = "incident"

    def get_queryset(self):
        return visible_to_user(self.request.user).select_related("admin1", "admin2", "admin3", "place")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = self.object
        context["actor_links"] = incident.actor_links.select_related("actor")
        context["reports"] = incident.reports.filter(is_current=True).select_related("source").order_by("published", "id")
        context["violations"] = incident.violations.all()
        return context
