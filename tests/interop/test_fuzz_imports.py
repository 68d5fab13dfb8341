"""Random damage to import files never crashes an import: it raises nothing but TableError (the file as a
whole cannot be read), every problem names a line, and a second run of the same file changes nothing.

Hypothesis, derandomized and bounded (a few dozen files in all, under half a minute), over each format:
random bytes inserted, huge numbers, empty fields, broken quotes, rows with missing or extra columns."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vigie.demo.loader import DEMO_REPORTS
from vigie.incidents.models import Incident
from vigie.interop.loader import run_import
from vigie.interop.tables import TableError
from vigie.reports.models import Report
from vigie_testing import acled_ucdp as synthetic

pytestmark = pytest.mark.django_db


def _base_files() -> dict[str, bytes]:
    acled = io.StringIO()
    synthetic.write_acled(acled, synthetic.acled_events(8, seed=5), seed=5)
    ucdp = io.StringIO()
    synthetic.write_ucdp_ged(ucdp, 8, seed=5, out_of_order=0.2)
    reports = DEMO_REPORTS.read_text(encoding="utf-8").splitlines(keepends=True)[:9]
    return {
        "acled": acled.getvalue().encode(),
        "ucdp": ucdp.getvalue().encode(),
        "reports": "".join(reports).encode(),
    }


BASE = _base_files()

FIELD_VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            str(2**31),
            str(2**63),
            str(2**64 + 1),
            "9" * 40,
            "-1",
            "1e400",
            "nan",
            "inf",
            "2.5",
            '"',
            'a"b',
            '"unclosed',
            "\x00",
            "1800-01-01",
            "2999-12-31",
            "0000-00-00",
            "#adm1+name",
            "x" * 400,
            "Government of Mali, GATIA",
            "é\u2028ß",
        ]
    ),
    st.text(max_size=20),
)

ROW_MUTATION = st.one_of(
    st.tuples(st.just("field"), st.integers(0, 10_000), st.integers(0, 10_000), FIELD_VALUES),
    st.tuples(st.just("drop_columns"), st.integers(0, 10_000), st.integers(1, 40), st.just("")),
    st.tuples(st.just("extra_columns"), st.integers(0, 10_000), st.integers(1, 5), st.just("")),
    st.tuples(st.just("duplicate"), st.integers(0, 10_000), st.integers(0, 0), st.just("")),
)
BYTE_MUTATION = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 1_000_000), st.binary(min_size=1, max_size=6)),
    st.tuples(
        st.just("insert"),
        st.integers(0, 1_000_000),
        st.sampled_from([b'"', b"\x81", b"\xe9", b"\r", b"\n", b",", b"\x00", b"\xff\xfe"]),
    ),
    st.tuples(st.just("truncate"), st.integers(0, 1_000_000), st.just(b"")),
)


def mutate(data: bytes, row_mutations, byte_mutations) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    for kind, row_pick, amount, value in row_mutations:
        if len(rows) < 2:
            break
        index = 1 + row_pick % (len(rows) - 1)
        row = rows[index]
        if kind == "field" and row:
            row[amount % len(row)] = value
        elif kind == "drop_columns":
            rows[index] = row[: max(len(row) - amount, 0)]
        elif kind == "extra_columns":
            rows[index] = row + ["extra"] * amount
        elif kind == "duplicate":
            rows.insert(index, list(row))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    damaged = out.getvalue().encode("utf-8", errors="surrogatepass")
    for kind, position, payload in byte_mutations:
        at = position % (len(damaged) + 1)
        if kind == "insert":
            damaged = damaged[:at] + payload + damaged[at:]
        elif at > len(damaged) // 2:  # truncate, keeping the header
            damaged = damaged[:at]
    return damaged


def import_twice(format_name: str, path) -> None:
    """Inside a savepoint rolled back after: each example starts from the same database."""
    with transaction.atomic():
        try:
            first = run_import(format_name, path, visibility="public")
        except TableError as error:
            assert str(path) in str(error) or path.name in str(error)
            assert "line" in str(error)
            transaction.set_rollback(True)
            return
        for problem in first.problems + first.warnings:
            assert isinstance(problem.line, int) and problem.line >= 1, problem
            assert problem.column and problem.reason
            assert problem.describe(path.name).startswith(
                f"{path.name}:line {problem.line}: column "
            )
        incidents, reports = Incident.objects.count(), Report.objects.count()
        assert first.created + first.unchanged + first.updated + first.rejected_rows >= 0
        second = run_import(format_name, path, visibility="public")
        assert (second.created, second.updated) == (0, 0)
        assert (Incident.objects.count(), Report.objects.count()) == (incidents, reports)
        assert [p.describe() for p in second.problems] == [p.describe() for p in first.problems]
        transaction.set_rollback(True)


@pytest.mark.parametrize("format_name", ["acled", "ucdp", "reports"])
def test_damaged_files_never_crash_an_import(format_name, tmp_path):
    path = tmp_path / f"fuzz-{format_name}.csv"

    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.lists(ROW_MUTATION, max_size=4), st.lists(BYTE_MUTATION, max_size=3))
    @example([("field", 1, 3, "\x00")], [])  # PostgreSQL keeps no NUL in text
    @example([("field", 2, 5, str(2**63)), ("field", 3, 6, str(2**31))], [])
    @example([("drop_columns", 3, 5, ""), ("extra_columns", 4, 3, "")], [("insert", 200, b"\x81")])
    @example([], [("insert", 400, b'"')])
    @example([], [("insert", 0, b"\xff\xfe")])
    def run(row_mutations, byte_mutations):
        path.write_bytes(mutate(BASE[format_name], row_mutations, byte_mutations))
        import_twice(format_name, path)

    run()
