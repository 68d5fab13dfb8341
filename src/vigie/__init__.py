"""Vigie: an observatory of harm to civilians and of accountability, built first for Mali and the Sahel."""

__version__ = "0.1.0"

# The engines: plain Python, importable and usable without Django (from a notebook, a worker process
# or another program). tests/test_engines_without_django.py imports each of them in a Python where
# Django cannot be imported, and uses them; docs/architecture.md describes them.
ENGINE_MODULES: tuple[str, ...] = (
    "vigie.core.text",
    "vigie.core.event_dates",
    "vigie.core.vocabulary",
    "vigie.incidents.vocabulary",
    "vigie.incidents.estimates",
    "vigie.actors.vocabulary",
    "vigie.actors.classify",
    "vigie.places.vocabulary",
    "vigie.places.names",
    "vigie.places.geometry",
    "vigie.places.mali",
    "vigie.interop.records",
    "vigie.interop.tables",
    "vigie.interop.parsing",
    "vigie.interop.spreadsheet",
    "vigie.interop.acled",
    "vigie.interop.ucdp",
    "vigie.interop.vigie_csv",
    "vigie.interop.readers",
    "vigie.interop.prepared",
    "vigie.interop.pipeline",
    "vigie.interop.registry",
    "vigie.linkage.reference",
    "vigie.linkage.interface",
    "vigie.linkage.comparisons",
    "vigie.linkage.training",
    "vigie.linkage.clustering",
    "vigie.linkage.engine",
    "vigie.linkage.evaluation",
    "vigie.linkage.learning",
    "vigie.linkage.files",
    "vigie.linkage.spark",
)
