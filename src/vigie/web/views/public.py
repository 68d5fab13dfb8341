"""The public part beside the public home: the methodology and the open-data downloads."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.views import View
from django.views.generic import TemplateView

from vigie.core.files import private_dir
from vigie.incidents.views import EXPORT_TYPES
from vigie.interop.exports import export_incidents
from vigie.interop.registry import get_export_format
from vigie.interop.ucdp import ATTRIBUTION as UCDP_ATTRIBUTION
from vigie.places.mali import ATTRIBUTION_BOUNDARIES, ATTRIBUTION_PLACES
from vigie.reports.models import PUBLIC_SOURCE_KINDS, Source

# A public download is written at most this often, then served from the file: anyone may ask for it,
# and writing every public incident for each request would let anyone keep the server busy.
OPEN_DATA_MAX_AGE = 15 * 60
OPEN_DATA_FORMATS = ("csv", "geojson", "hxl")


GAZETTEER_ATTRIBUTIONS = (ATTRIBUTION_BOUNDARIES, ATTRIBUTION_PLACES)
"""The credit lines that the licences of the gazetteer's boundaries and places require (in the
words of places/data/mali/README.md), shown where the data is used."""


class MethodologyView(TemplateView):
    template_name = "web/methodology.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["gazetteer_attributions"] = GAZETTEER_ATTRIBUTIONS
        return context


class OpenDataView(TemplateView):
    """The public downloads, with the credit lines the sources' licences require."""

    template_name = "web/open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["formats"] = [(name, get_export_format(name)) for name in OPEN_DATA_FORMATS]
        # Only the shared, published sources: a partner's own source is not named to the public.
        context["attributions"] = list(
            Source.objects.filter(
                redistributable=True,
                organisation__isnull=True,
                kind__in=PUBLIC_SOURCE_KINDS,
                published=True,
            )
            .exclude(attribution="")
            .exclude(slug="ucdp-ged")
            .order_by("name")
            .values("name", "url", "attribution")
        )
        context["ucdp_attribution"] = UCDP_ATTRIBUTION
        context["gazetteer_attributions"] = GAZETTEER_ATTRIBUTIONS
        context["max_age_minutes"] = OPEN_DATA_MAX_AGE // 60
        return context


def open_data_file(format_name: str) -> Path:
    """The public export in ``format_name``, rewritten when older than OPEN_DATA_MAX_AGE."""
    from vigie.incidents.models import Incident

    folder = private_dir(Path(settings.VIGIE_HOME) / "cache" / "open-data")
    path = folder / f"vigie-incidents-{format_name}{get_export_format(format_name).suffix}"
    try:
        fresh = time.time() - path.stat().st_mtime < OPEN_DATA_MAX_AGE
    except FileNotFoundError:
        fresh = False
    if not fresh:
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as output:
                # No organisation: the public's export (public incidents, never an ACLED-only one).
                export_incidents(
                    output, format_name, organisation=None, queryset=Incident.objects.current()
                )
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return path


class OpenDataDownloadView(View):
    def get(self, request, format_name: str, *args, **kwargs):
        if format_name not in OPEN_DATA_FORMATS:
            raise Http404
        path = open_data_file(format_name)
        return FileResponse(
            open(path, "rb"),
            as_attachment=True,
            filename=path.name,
            content_type=EXPORT_TYPES[format_name],
        )
