"""Benchmark: `vigie import acled` on N synthetic rows, on SQLite and PostgreSQL, beside what an
analyst would otherwise use (DuckDB's read_csv, pandas read_csv + to_sql) on the same file.

    python bench/acled_import.py                 # 100k and 1M rows
    python bench/acled_import.py --rows 100000   # one size

Each measurement runs in its own process; the figures are wall-clock seconds and the peak resident
memory of that process (its parsing worker, when it has one, is measured apart). Results are printed
as a Markdown table and written to bench/out/acled_import.json; copy them to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable


def measure(command: list[str], env: dict | None = None) -> dict:
    """Run a command; its wall time, exit status and peak memory (MiB) from the kernel's accounting."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    out, err = process.stdout.read(), process.stderr.read()
    if os.waitstatus_to_exitcode(status) not in (0, 2):
        raise RuntimeError(f"{' '.join(command)} failed:\n{out}\n{err}")
    return {
        "seconds": round(elapsed, 2),
        "peak_mib": round(usage.ru_maxrss / 1024),
        "output": out.strip()[-400:],
    }


def ensure_postgres() -> str:
    return subprocess.run(
        [str(ROOT / "scripts" / "ensure-postgres")], capture_output=True, text=True, check=True
    ).stdout.strip()


def fresh_postgres_database(url: str, name: str) -> str:
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def vigie_env(home: Path, database_url: str | None) -> dict:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["VIGIE_HOME"] = str(home)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


DUCKDB = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute("CREATE TABLE acled AS SELECT * FROM read_csv(?, header=true)", [sys.argv[1]])
print(con.execute("SELECT count(*), sum(fatalities) FROM acled").fetchone())
"""

PANDAS_SQLITE = """
import sys, sqlite3, pandas
frame = pandas.read_csv(sys.argv[1])
with sqlite3.connect(sys.argv[2]) as connection:
    frame.to_sql("acled", connection, index=False, chunksize=50_000)
print(len(frame))
"""

PANDAS_POSTGRES = """
import sys, pandas, sqlalchemy
frame = pandas.read_csv(sys.argv[1])
engine = sqlalchemy.create_engine(sys.argv[2].replace("postgres://", "postgresql+psycopg://", 1))
frame.to_sql("acled", engine, index=False, chunksize=50_000)
print(len(frame))
"""


def run(rows: int, work: Path, postgres_url: str) -> dict:
    path = work / f"acled-{rows}.csv"
    generated = measure([PYTHON, "-m", "vigie_testing.acled_ucdp", "acled", str(rows), str(path)])
    results = {"rows": rows, "file_mib": round(path.stat().st_size / 2**20), "generate": generated}

    home = work / f"home-sqlite-{rows}"
    env = vigie_env(home, None)
    measure([PYTHON, "-m", "vigie.cli", "init"], env)
    results["vigie_sqlite"] = measure(
        [PYTHON, "-m", "vigie.cli", "import", "acled", str(path), "--quiet"], env
    )
    results["vigie_sqlite_again"] = measure(
        [PYTHON, "-m", "vigie.cli", "import", "acled", str(path), "--quiet"], env
    )

    url = fresh_postgres_database(postgres_url, f"vigie_bench_{rows}")
    env = vigie_env(work / f"home-pg-{rows}", url)
    measure([PYTHON, "-m", "vigie.cli", "init"], env)
    results["vigie_postgresql"] = measure(
        [PYTHON, "-m", "vigie.cli", "import", "acled", str(path), "--quiet"], env
    )
    results["vigie_postgresql_again"] = measure(
        [PYTHON, "-m", "vigie.cli", "import", "acled", str(path), "--quiet"], env
    )

    results["duckdb_read_csv"] = measure(
        [PYTHON, "-c", DUCKDB, str(path), str(work / f"duck-{rows}.db")]
    )
    results["pandas_to_sql_sqlite"] = measure(
        [PYTHON, "-c", PANDAS_SQLITE, str(path), str(work / f"pandas-{rows}.sqlite3")]
    )
    url = fresh_postgres_database(postgres_url, f"pandas_bench_{rows}")
    results["pandas_to_sql_postgresql"] = measure([PYTHON, "-c", PANDAS_POSTGRES, str(path), url])
    return results


LABELS = [
    ("vigie_sqlite", "vigie import acled, SQLite (first import)"),
    ("vigie_sqlite_again", "vigie import acled, SQLite (same file again: all unchanged)"),
    ("vigie_postgresql", "vigie import acled, PostgreSQL (first import)"),
    ("vigie_postgresql_again", "vigie import acled, PostgreSQL (same file again)"),
    ("duckdb_read_csv", "DuckDB read_csv into a table (no validation, no model)"),
    ("pandas_to_sql_sqlite", "pandas read_csv + to_sql, SQLite (one flat table)"),
    ("pandas_to_sql_postgresql", "pandas read_csv + to_sql, PostgreSQL (one flat table)"),
]


def table(all_results: list[dict]) -> str:
    sizes = [r["rows"] for r in all_results]
    head = "| | " + " | ".join(f"{n:,} rows: s | peak MiB" for n in sizes) + " |"
    lines = [head, "|---|" + "---:|---:|" * len(sizes)]
    for key, label in LABELS:
        cells = [f"{r[key]['seconds']} | {r[key]['peak_mib']}" for r in all_results]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, action="append", help="rows per run (repeatable)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated files and databases"
    )
    args = parser.parse_args()
    sizes = args.rows or [100_000, 1_000_000]
    postgres_url = ensure_postgres()
    work = Path(tempfile.mkdtemp(prefix="vigie-bench-"))
    try:
        results = [run(rows, work, postgres_url) for rows in sizes]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    machine = f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}"
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "acled_import.json").write_text(
        json.dumps({"machine": machine, "results": results}, indent=2)
    )
    print(machine)
    print(table(results))


if __name__ == "__main__":
    main()
