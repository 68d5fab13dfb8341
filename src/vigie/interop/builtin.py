"""The formats Vigie ships: ACLED, UCDP GED and Vigie reports in; CSV, GeoJSON and HXL out."""

from __future__ import annotations

from vigie.core.vocabulary import Visibility

from . import exports
from .readers import READERS
from .registry import ExportFormat, ImportFormat, register_export, register_import
from .ucdp import ATTRIBUTION


def acled_source(organisation):
    from vigie.reports.models import Source

    source, _ = Source.objects.get_or_create(
        slug="acled",
        defaults={
            "name": "ACLED",
            "kind": "dataset",
            "language": "en",
            "url": "https://acleddata.com",
            "redistributable": False,
            "reliability": "B",
            "attribution": "Armed Conflict Location & Event Data (ACLED). ACLED's terms of use do not allow "
            "its rows to be redistributed.",
        },
    )
    return source


def ucdp_source(organisation):
    from vigie.reports.models import Source

    source, _ = Source.objects.get_or_create(
        slug="ucdp-ged",
        defaults={
            "name": "UCDP GED",
            "kind": "dataset",
            "language": "en",
            "url": "https://ucdp.uu.se",
            "redistributable": True,
            "reliability": "B",
            "attribution": ATTRIBUTION,
        },
    )
    return source


# ACLED's rows may not be redistributed: its incidents are for the importing organisation's analysis.
register_import(
    ImportFormat(
        "acled",
        "ACLED export (dyadic or monadic, any year's columns)",
        READERS["acled"],
        acled_source,
        Visibility.ORGANISATION,
    )
)
register_import(
    ImportFormat(
        "ucdp",
        "UCDP Georeferenced Event Dataset (GED) CSV",
        READERS["ucdp"],
        ucdp_source,
        Visibility.PUBLIC,
    )
)
register_import(
    ImportFormat(
        "reports",
        "Vigie reports CSV (docs/formats.md)",
        READERS["reports"],
        None,
        Visibility.ORGANISATION,
    )
)

register_export(
    ExportFormat("csv", "CSV, one incident a row (docs/formats.md)", ".csv", exports.write_csv)
)
register_export(
    ExportFormat(
        "geojson", "GeoJSON FeatureCollection of incident points", ".geojson", exports.write_geojson
    )
)
register_export(
    ExportFormat("hxl", "HXL-tagged CSV for humanitarian data exchange", ".csv", exports.write_hxl)
)
