"""A new user's first steps, in subprocesses as they run them: the first page is in French, a demo
interrupted half-way leaves nothing behind, a command run before `vigie init` says what to do,
and what Vigie writes under VIGIE_HOME is private to its owner."""

import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from tests import test_cli
from tests.test_cli import VIGIE, count, free_port, run

pytestmark = pytest.mark.slow  # each test starts `vigie` or Python in a subprocess

# The fixtures of the CLI's tests: a fresh home, and a fresh database of the kind the suite runs on.
home = test_cli.home
database_env = test_cli.database_env

PACKAGE_LOCALE = Path(__file__).resolve().parent.parent / "src" / "vigie" / "locale"


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """`vigie demo` on a home that has never seen Vigie, serving; the first page it answers."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    home = tmp_path_factory.mktemp("first-run") / "vigie-home"
    env["VIGIE_HOME"] = str(home)
    assert not home.exists() and not list(PACKAGE_LOCALE.rglob("*.mo")), (
        "no compiled catalogue may exist yet"
    )
    port = free_port()
    server = subprocess.Popen(
        VIGIE + ["demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    page = None
    try:
        deadline = time.monotonic() + 240
        while page is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode()
            except OSError:
                time.sleep(0.3)
    finally:
        server.terminate()
        output, errors = server.communicate(timeout=60)
    assert page is not None, f"vigie demo did not serve a page:\n{output}\n{errors}"
    return home, page


def test_the_first_page_a_new_user_sees_is_in_french(first_run):
    _home, page = first_run
    assert 'lang="fr"' in page
    # Text from Vigie's own catalogues, compiled by this very process before Django read them.
    assert "Aller au contenu" in page and "Observatoire des atteintes aux civils" in page
    assert "Skip to the content" not in page and "Observatory of harm to civilians" not in page


def test_everything_vigie_creates_under_its_home_is_private(first_run):
    home, _page = first_run
    assert (home / "vigie.sqlite3").exists() and (home / "keys" / "keyring.json").exists()
    assert (
        any((home / "evidence").rglob("*"))
        and (home / "locale").is_dir()
        and (home / "cache").is_dir()
    )
    wide = []
    for path in [home, *home.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if path.is_dir() and mode != 0o700:
            wide.append(f"{path.relative_to(home.parent)}: {mode:04o}")
        # Static files (the site's CSS and scripts, public by nature) sit in a 0700 folder.
        elif path.is_file() and "static" not in path.relative_to(home).parts and mode & 0o077:
            wide.append(f"{path.relative_to(home.parent)}: {mode:04o}")
    assert not wide, "readable by other accounts:\n" + "\n".join(wide)
    # SQLite gives its write-ahead log and shared-memory files the database file's mode, whatever
    # the umask of the process that opens it (this one's is the usual 022).
    database = home / "vigie.sqlite3"
    connection = sqlite3.connect(database)
    try:
        connection.execute("CREATE TABLE probe (x)")
        connection.commit()
        for suffix in ("-wal", "-shm"):
            side = database.with_name(database.name + suffix)
            assert side.exists() and stat.S_IMODE(side.stat().st_mode) == 0o600, suffix
    finally:
        connection.close()


INJECT = textwrap.dedent("""
    import importlib, sys
    from vigie import cli

    module_name, name = sys.argv[1].rsplit(".", 1)
    prepare = cli.prepare_database

    def prepare_then_break(*args, **kwargs):
        prepare(*args, **kwargs)
        def broken(*args, **kwargs):
            raise RuntimeError("failure injected by the test")
        setattr(importlib.import_module(module_name), name, broken)

    cli.prepare_database = prepare_then_break
    cli.main(["demo", "--no-serve"])
""")


@pytest.mark.parametrize(
    "breaking",
    [
        "vigie.incidents.services.link_database",  # after the import wrote its 43 incidents
        "vigie.demo.loader.load_protected_demo",  # after linking and the demo login, before the case
    ],
)
def test_a_demo_interrupted_half_way_leaves_nothing_and_runs_again(database_env, breaking):
    env, connect = database_env
    broken = subprocess.run(
        [sys.executable, "-c", INJECT, breaking],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert broken.returncode != 0 and "failure injected by the test" in broken.stderr
    for table in (
        "incidents_incident",
        "reports_report",
        "interop_importrun",
        "auth_user",
        "cases_case",
        "victims_victim",
        "incidents_linkagerun",
    ):
        assert count(connect, table) == 0, f"{table} kept rows of the interrupted demo"
    assert count(connect, "places_place") > 0  # `vigie init`'s part is done and kept

    done = run(["demo", "--no-serve"], env)
    assert "demo login: user 'demo'" in done.stdout
    assert count(connect, "auth_user") == 1 and count(connect, "cases_case") == 1
    assert count(connect, "reports_report") == 43
    connection = connect()
    try:
        unlinked = connection.execute(
            "SELECT count(*) FROM reports_report WHERE linked_at IS NULL"
        ).fetchone()[0]
    finally:
        connection.close()
    assert unlinked == 0


WALK = textwrap.dedent("""
    import json, sys
    import click
    from click.testing import CliRunner
    from vigie import cli

    scratch = sys.argv[1]

    def value(parameter):
        kind = parameter.type
        if isinstance(kind, click.Choice):
            return str(kind.choices[0])
        if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
            return "1"
        if isinstance(kind, click.Path):
            return scratch
        return "x"

    def arguments(command):
        given = []
        for parameter in command.params:
            if isinstance(parameter, click.Argument) and parameter.required:
                given.append(value(parameter))
            elif isinstance(parameter, click.Option) and parameter.required:
                given += [parameter.opts[0], value(parameter)]
        return given

    def leaves(group, path):
        for name, command in sorted(group.commands.items()):
            if isinstance(command, click.Group):
                yield from leaves(command, path + [name])
            else:
                yield path + [name], command

    outcomes = []
    for path, command in leaves(cli.main, []):
        if " ".join(path) in sys.argv[2].split(","):
            continue
        result = CliRunner().invoke(cli.main, path + arguments(command), input="")
        outcomes.append({"command": " ".join(path), "exit_code": result.exit_code, "output": result.output,
                         "exception": None if isinstance(result.exception, SystemExit) or result.exception is None
                         else repr(result.exception)})
    print(json.dumps(outcomes))
""")

# Commands that work without an initialised database: they create it, or need none.
WITHOUT_DATABASE = {
    "init": "creates the database",
    "demo": "creates the database and loads the demo",
    "keys init": "writes the keyring, outside the database",
    "audit public-key": "reads the audit key, outside the database",
    "link-file": "links a CSV file; no database",
    "manage": "Django's own commands, migrate among them (others are checked: see the next test)",
}


def test_every_command_before_init_says_to_run_init(database_env, tmp_path):
    env, _connect = database_env
    scratch = tmp_path / "scratch.csv"
    scratch.write_text("", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", WALK, str(scratch), ",".join(WITHOUT_DATABASE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    outcomes = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(outcomes) >= 20  # every command of every group was run
    wrong = [
        outcome
        for outcome in outcomes
        if outcome["exit_code"] == 0
        or outcome["exception"]
        or "Traceback" in outcome["output"]
        or "is not initialised: run `vigie init`" not in outcome["output"]
    ]
    assert not wrong, json.dumps(wrong, indent=1)
    # Django's commands that read records get the same answer; migrate itself still runs.
    managed = run(["manage", "changepassword", "nobody"], env, check=False)
    assert (
        managed.returncode != 0
        and "run `vigie init`" in managed.stderr
        and "Traceback" not in managed.stderr
    )
    assert "[ ] 0001_initial" in run(["manage", "showmigrations", "core"], env).stdout


def test_a_database_behind_this_version_says_to_run_init(database_env):
    env, connect = database_env
    run(["init"], env)
    connection = connect()
    try:
        connection.execute(
            "DELETE FROM django_migrations WHERE app = 'core' AND name = '0004_default_grants'"
        )
        connection.commit()
    finally:
        connection.close()
    stale = run(["organisation", "list"], env, check=False)
    assert stale.returncode == 1 and "older than this version of Vigie" in stale.stderr
    assert "run `vigie init`" in stale.stderr and "Traceback" not in stale.stderr
