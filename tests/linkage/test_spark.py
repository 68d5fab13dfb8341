"""The engine on Spark (pyspark in local mode) gives the plain-Python engine's incidents."""

import os
import shutil

import pytest

from vigie.linkage.engine import link
from vigie.linkage.evaluation import pairwise_scores
from vigie.linkage.files import PRECISIONS
from vigie_testing.linkage_reports import generate

pytestmark = [pytest.mark.slow, pytest.mark.engine]  # a JVM start; no database

pyspark = pytest.importorskip("pyspark", reason="pyspark is installed by the test extra")

if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    # no database involved: the SQLite pass of `make test` runs it, once (a JVM start is slow)
    pytest.skip("runs in the SQLite pass", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    import sys

    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = (
        sys.executable
    )  # workers import vigie
    if shutil.which("java") is None:
        pytest.fail(
            "Spark needs Java 17 or later on PATH (apt-get install openjdk-17-jre-headless)"
        )
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("vigie-linkage-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_links_like_the_plain_engine(spark):
    from vigie.linkage.spark import _as_report, link_spark

    rows, truth = generate(300, seed=5)
    for row in rows:
        row["geo_precision"] = PRECISIONS.get(row["geo_precision"], row["geo_precision"])
    frame = spark.createDataFrame(rows)
    reports = [_as_report(r) for r in rows]
    plain = link(reports)
    result = {r["report_id"]: r["incident"] for r in link_spark(frame, model=plain.model).collect()}
    assert set(result) == set(truth)  # every report labelled once
    on_spark = pairwise_scores(truth, result).f1
    on_one_machine = pairwise_scores(truth, plain.incident_of).f1
    assert on_spark >= on_one_machine - 0.03, (on_spark, on_one_machine)
    # the same incidents, up to a few reports placed between two cercles
    agree = pairwise_scores(plain.incident_of, result)
    assert agree.f1 >= 0.95, agree


def test_the_spark_backend_attaches_new_reports_like_the_local_one(spark):
    from vigie.linkage.engine import Linker
    from vigie.linkage.interface import LinkerBackend
    from vigie.linkage.spark import SparkLinker, _as_report

    rows, truth = generate(300, seed=6)
    for row in rows:
        row["geo_precision"] = PRECISIONS.get(row["geo_precision"], row["geo_precision"])
    reports = [_as_report(r) for r in rows]
    held, fresh = reports[::2], reports[1::2]
    first = link(held)
    seeded = {k: f"E{v}" for k, v in first.incident_of.items()}  # as the pipeline labels them
    local, on_spark = Linker(model=first.model), SparkLinker(spark, model=first.model)
    assert isinstance(on_spark, LinkerBackend)
    for backend in (local, on_spark):
        backend.seed(held, seeded)
    local.add(fresh)
    result = on_spark.add(fresh)
    assert set(result.incident_of) == {r.report_id for r in fresh}
    labels = on_spark.incident_of()
    assert set(labels) == set(truth)
    assert all(labels[r.report_id] == seeded[r.report_id] for r in held)
    assert result.comparisons > 0 and result.pairs
    agree = pairwise_scores(local.incident_of(), labels)
    assert agree.f1 >= 0.95, agree
    assert (
        pairwise_scores(truth, labels).f1 >= pairwise_scores(truth, local.incident_of()).f1 - 0.03
    )
    with pytest.raises(ValueError):
        on_spark.add(fresh[:1])  # already held
