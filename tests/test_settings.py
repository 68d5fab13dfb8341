"""Settings come from the environment; production refuses to start without a secret key."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # each test sets Django up in a subprocess


def django_setup(env_changes: dict) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("VIGIE_") and k != "DATABASE_URL"
    }
    env.update(env_changes)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    done = django_setup(
        {"DJANGO_SETTINGS_MODULE": "vigie.settings.production", "VIGIE_HOME": str(tmp_path)}
    )
    assert done.returncode != 0
    assert "VIGIE_SECRET_KEY must be set" in done.stderr
    done = django_setup(
        {
            "DJANGO_SETTINGS_MODULE": "vigie.settings.production",
            "VIGIE_HOME": str(tmp_path),
            "VIGIE_SECRET_KEY": "k" * 60,
        }
    )
    assert "VIGIE_ALLOWED_HOSTS" in done.stderr


def test_development_keeps_one_generated_key_under_vigie_home(tmp_path):
    env = {"DJANGO_SETTINGS_MODULE": "vigie.settings.development", "VIGIE_HOME": str(tmp_path)}
    done = django_setup(env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["django.db.backends.sqlite3", str(tmp_path / "vigie.sqlite3")]
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50 and oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    django_setup(env)
    assert (tmp_path / "secret_key").read_text() == key


def test_database_url_selects_postgresql(tmp_path):
    done = django_setup(
        {
            "DJANGO_SETTINGS_MODULE": "vigie.settings.development",
            "VIGIE_HOME": str(tmp_path),
            "DATABASE_URL": "postgres://someone@db.example:5432/vigie",
        }
    )
    assert done.stdout.split() == ["django.db.backends.postgresql", "vigie"]


def test_production_settings_pass_the_deployment_checks(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("VIGIE_") and k != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vigie.settings.production",
            "VIGIE_HOME": str(tmp_path),
            "VIGIE_SECRET_KEY": "x7" * 40 + "-Qz",
            "VIGIE_ALLOWED_HOSTS": "vigie.example.org",
        }
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "vigie.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
