"""The `vigie` command end to end, in subprocesses, as a user runs it."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from vigie_testing import acled_ucdp as synthetic

pytestmark = pytest.mark.slow  # each test starts `vigie` in a subprocess

VIGIE = [sys.executable, "-m", "vigie.cli"]


def run(args, env, timeout=300, check=True):
    done = subprocess.run(VIGIE + args, env=env, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(
            f"vigie {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done


@pytest.fixture
def home(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["VIGIE_HOME"] = str(tmp_path / "home")
    return env


@pytest.fixture
def database_env(home):
    """An environment whose database is a fresh one of the kind the suite runs on."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        yield home, lambda: sqlite3.connect(Path(home["VIGIE_HOME"]) / "vigie.sqlite3")
        return
    import psycopg

    config = settings.DATABASES["default"]
    name = f"vigie_cli_{uuid.uuid4().hex[:8]}"
    admin = dict(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    env = dict(
        home,
        DATABASE_URL=f"postgres://{config['USER']}@{config['HOST']}:{config['PORT'] or 5432}/{name}",
    )
    yield env, lambda: psycopg.connect(**dict(admin, dbname=name))
    with psycopg.connect(**admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def count(connect, table):
    connection = connect()
    try:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        connection.close()


def test_an_import_killed_half_way_leaves_the_database_as_it_was(database_env, tmp_path):
    env, connect = database_env
    run(["init"], env)
    path = tmp_path / "big.csv"
    synthetic.write_acled(path, synthetic.acled_events(60_000, seed=2), seed=2)
    process = subprocess.Popen(
        VIGIE + ["import", "acled", str(path), "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Wait until it is writing: the first batch reaches the database after a few seconds.
    deadline = time.monotonic() + 120
    time.sleep(4)
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if count(connect, "interop_importrun") == 0:
                break  # the run is not committed: still inside the import's transaction
        except Exception:  # noqa: BLE001 - the database may be locked by the writer
            break
        time.sleep(0.2)
    assert process.poll() is None, (
        "the import finished before it could be killed: make the file larger"
    )
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert count(connect, "reports_report") == 0
    assert count(connect, "incidents_incident") == 0
    assert count(connect, "interop_importrun") == 0
    # The database works afterwards, and the same file imports completely.
    small = tmp_path / "small.csv"
    synthetic.write_acled(small, synthetic.acled_events(500, seed=2), seed=2)
    done = run(["import", "acled", str(small), "--quiet"], env)
    assert "incidents created: 500" in done.stdout
    assert count(connect, "incidents_incident") == 500


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_demo_on_a_fresh_home_then_serve(home):
    done = run(["demo", "--no-serve"], home)
    assert "demo login: user 'demo', password '" in done.stdout
    assert (Path(home["VIGIE_HOME"]) / "vigie.sqlite3").exists()
    again = run(["demo", "--no-serve"], home)  # running it twice is fine
    assert "demo login" in again.stdout
    for options in (
        [],
        ["--workers", "2", "--threads", "2"],
    ):  # waitress, then gunicorn's processes
        port = free_port()
        server = subprocess.Popen(
            VIGIE + ["serve", "--port", str(port), *options],
            env=home,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            page = None
            for _ in range(100):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                        page = response.read().decode()
                    break
                except OSError:
                    time.sleep(0.2)
            assert page is not None, f"the server did not answer ({options})"
            assert "Ogossagou" in page and "Moura" in page
            assert 'lang="fr"' in page  # French first, for the Mali deployment
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=5) as response:
                english = response.read().decode()
            assert 'lang="en"' in english and "Incidents" in english
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/static/vendor/leaflet-1.9.4/leaflet.js",
                headers={"Accept-Encoding": "gzip"},
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                assert response.headers["Content-Encoding"] == "gzip"  # collected with gzip copies
                assert len(response.read()) < 70_000  # leaflet.js is 147 KB
            if options:
                workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
                assert len(workers) == 2, f"expected 2 server processes, found {workers}"
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_help_lists_every_command():
    done = subprocess.run(VIGIE + ["--help"], capture_output=True, text=True, timeout=60)
    for command in ("init", "import", "export", "serve", "demo", "manage"):
        assert command in done.stdout


def test_organisation_commands(home):
    run(["init"], home)
    assert (
        "created"
        in run(
            ["organisation", "add", "amdh", "Association malienne des droits de l'homme"], home
        ).stdout
    )
    assert "already exists" in run(["organisation", "add", "amdh", "AMDH"], home).stdout
    assert (
        "amdh\tAssociation malienne des droits de l'homme"
        in run(["organisation", "list"], home).stdout
    )
