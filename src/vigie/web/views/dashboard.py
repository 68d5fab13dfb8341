"""The dashboard (members) and the public home: trends, breakdowns, a map and the latest incidents."""

from __future__ import annotations

import datetime
import time

from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from vigie.incidents import geo
from vigie.incidents.models import Incident
from vigie.incidents.visibility import audience_key, signed_in

from . import aggregates


def _figures(incidents) -> dict:
    """Everything the dashboard shows, as plain values (cached per audience and language)."""
    month_series = aggregates.monthly(incidents)
    perpetrators = aggregates.by_perpetrator(incidents)
    regions = aggregates.by_region(incidents)
    return {
        "totals": aggregates.totals(incidents),
        "killed_series": aggregates.band_series(month_series),
        "incidents_series": aggregates.incidents_series(month_series),
        "months": months_table(month_series),
        "perpetrators": perpetrators,
        "perpetrator_bars": aggregates.bars(perpetrators, _("People killed (best estimate)")),
        "regions": regions,
        "region_bars": aggregates.bars(regions, _("People killed (best estimate)")),
        "latest": aggregates.latest(incidents),
        "points": aggregates.recent_points(incidents),
        "stamp": time.time(),  # names the drawn fragments of these figures (the template's cache)
    }


def months_table(month_series: dict) -> list[tuple]:
    """(month as a date, incidents, killed low, best, high), for the table under the charts."""
    return list(
        zip(
            [datetime.date.fromisoformat(x) for x in month_series["x"]],
            month_series["incidents"],
            month_series["low"],
            month_series["best"],
            month_series["high"],
            strict=True,
        )
    )


class DashboardView(TemplateView):
    """For members: their organisations' incidents and the public ones, never anyone else's."""

    template_name = "web/dashboard.html"

    def get(self, request, *args, **kwargs):
        if not signed_in(request.user):
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        key = audience_key(user)
        incidents = Incident.objects.visible_to(user)
        context.update(
            aggregates.cached(f"dashboard:{key}", lambda: _figures(incidents)), fragment_key=key
        )
        context["review_count"] = aggregates.cached(
            f"review:{key}", lambda: aggregates.waiting_for_review(incidents)
        )
        context["map_attributes"] = geo.map_attributes()
        return context


class PublicHomeView(TemplateView):
    """What Vigie is, and the public incidents only, whoever looks."""

    template_name = "web/public_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incidents = Incident.objects.public()
        key = audience_key(None)
        context.update(
            aggregates.cached(f"public:{key}", lambda: _public_figures(incidents)), fragment_key=key
        )
        return context


def _public_figures(incidents) -> dict:
    month_series = aggregates.monthly(incidents)
    return {
        "totals": aggregates.totals(incidents),
        "killed_series": aggregates.band_series(month_series),
        "incidents_series": aggregates.incidents_series(month_series),
        "months": months_table(month_series),
        "latest": aggregates.latest(incidents),
        "stamp": time.time(),
    }


def home(request, *args, **kwargs):
    """ "/": the dashboard for members, the public home for everyone else."""
    view = DashboardView if signed_in(request.user) else PublicHomeView
    return view.as_view()(request, *args, **kwargs)
