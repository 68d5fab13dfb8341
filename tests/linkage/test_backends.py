"""The linker's modules and its interface: one face (`LinkerBackend`) for the local and Spark
backends, and the Spark backend built on public names only."""

import ast
import datetime
from pathlib import Path

import pytest

import vigie
from vigie.linkage import clustering, comparisons, interface, training
from vigie.linkage.engine import Linker, LinkerBackend, LinkReport, link
from vigie.linkage.evaluation import pairwise_scores
from vigie.linkage.files import PRECISIONS
from vigie_testing.linkage_reports import generate

pytestmark = pytest.mark.engine  # plain Python, no database

LINKAGE = Path(vigie.__file__).parent / "linkage"


def _reports(incidents: int, seed: int) -> tuple[list[LinkReport], dict[str, str]]:
    rows, truth = generate(incidents, seed=seed)
    reports = []
    for row in rows:
        reports.append(
            LinkReport(
                report_id=row["report_id"],
                source=row["source"],
                event_date=datetime.date.fromisoformat(row["event_date"]),
                published=datetime.date.fromisoformat(row["published"])
                if row["published"]
                else None,
                location=row["location"],
                admin1=row["admin1"],
                admin2=row["admin2"],
                latitude=float(row["latitude"]) if row["latitude"] else None,
                longitude=float(row["longitude"]) if row["longitude"] else None,
                geo_precision=PRECISIONS.get(row["geo_precision"], row["geo_precision"]),
                perpetrator=row["perpetrator"],
                event_label=row["event_label"],
                killed=int(row["killed"]) if row["killed"] else None,
            )
        )
    return reports, truth


def test_the_local_linker_is_a_backend_and_the_pipeline_needs_only_its_interface():
    reports, truth = _reports(200, seed=11)
    held, fresh = reports[::2], reports[1::2]
    # incidents already held, as the pipeline labels them ('E' and the incident's key)
    first = {k: f"E{v}" for k, v in link(held).incident_of.items()}
    backend: LinkerBackend = Linker()
    assert isinstance(backend, LinkerBackend)
    backend.seed(held, first)
    result = backend.add(fresh)
    assert set(result.incident_of) == {r.report_id for r in fresh}
    assert result.model is backend.model is not None
    everything = backend.incident_of()
    assert set(everything) == set(truth)
    # seeded incidents keep their labels
    assert all(everything[r.report_id] == first[r.report_id] for r in held)
    assert any(label in set(first.values()) for label in result.incident_of.values())
    # attaching the new reports to the incidents held beats leaving them alone
    alone = {**first, **{r.report_id: r.report_id for r in fresh}}
    assert pairwise_scores(truth, everything).f1 > pairwise_scores(truth, alone).f1 + 0.2


def test_each_module_has_one_job_and_the_face_reexports_it():
    from vigie.linkage import engine

    assert engine.Linker is clustering.Linker
    assert engine.Model is training.Model and engine.estimate is training.estimate
    assert engine.event_type is comparisons.event_type
    assert engine.LinkReport is interface.LinkReport
    for module in ("interface", "comparisons", "training", "clustering", "engine", "spark"):
        assert f"vigie.linkage.{module}" in vigie.ENGINE_MODULES
    # comparisons know nothing of training or clustering; training nothing of clustering
    imported = {
        name: {
            node.module
            for node in ast.walk(ast.parse((LINKAGE / f"{name}.py").read_text()))
            if isinstance(node, ast.ImportFrom) and node.level == 1
        }
        for name in ("interface", "comparisons", "training", "clustering")
    }
    assert imported["comparisons"] <= {"interface", "reference"}
    assert "clustering" not in imported["training"]


def test_spark_uses_only_public_names_of_the_engine():
    tree = ast.parse((LINKAGE / "spark.py").read_text())
    private = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert private == []
    from vigie.linkage import spark

    # every name it takes from a sibling module is in that module's __all__
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module != "reference":
            module = spark.__name__.rsplit(".", 1)[0] + "." + node.module
            exported = __import__(module, fromlist=["__all__"]).__all__
            assert {alias.name for alias in node.names} <= set(exported), node.module
