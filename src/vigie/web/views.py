"""A first, simple set of pages: the incident list and an incident with its reports."""

from django.db.models import Count, Q
from django.views.generic import DetailView, ListView

from vigie.core.choices import Visibility
from vigie.core.permissions import allowed_q
from vigie.incidents.access import visible_to_user
from vigie.reports.models import Report


def readable_reports(user) -> Q:
    """The reports of a visible incident that ``user`` may read: public ones (a witness is never named
    to the public), and those the user's grants open (their organisations' own, and shared ones)."""
    readable = Q(visibility=Visibility.PUBLIC) & ~Q(source__kind="witness")
    if user.is_authenticated:
        readable |= allowed_q(user, Report, "view")
    return readable


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
        context["reports"] = (incident.reports.filter(is_current=True).filter(readable_reports(self.request.user))
                              .select_related("source").order_by("published", "id"))
        context["violations"] = incident.violations.all()
        context["pairs"] = _pairs_of(incident)
        return context


def _pairs_of(incident):
    """The pair scores that joined this incident's reports, and the pairs waiting for review."""
    from django.db.models import Q

    from vigie.incidents.models import LinkPair

    ids = list(incident.reports.values_list("pk", flat=True))
    pairs = (LinkPair.objects.filter(Q(report_a_id__in=ids) | Q(report_b_id__in=ids))
             .select_related("report_a__source", "report_b__source").order_by("-score")[:50])
    rows = []
    for pair in pairs:
        inside = pair.report_a_id in ids and pair.report_b_id in ids
        if not inside and pair.status != "review":
            continue
        rows.append({"pair": pair, "inside": inside,
                     "weights": sorted(pair.weights.items(), key=lambda item: -abs(item[1]))})
    return rows
