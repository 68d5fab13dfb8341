import os
from pathlib import Path

import pytest

from vigie_testing import acled_ucdp as synthetic


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({database.get('HOST') or database['NAME']})"


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """Every test sees the pages as a user does, in French when French is asked for: the
    catalogues are compiled once, before any test (as `vigie` does before Django reads them)."""
    from django.conf import settings

    from vigie.core.i18n import compile_catalogues

    compile_catalogues(Path(settings.LOCALE_PATHS[0]))


def pytest_collection_modifyitems(items):
    """An `engine` test touches no database: the PostgreSQL pass of `make test` leaves it out."""
    for item in items:
        if item.get_closest_marker("engine") and (
            item.get_closest_marker("django_db")
            or {"db", "transactional_db"} & set(item.fixturenames)
        ):
            raise pytest.UsageError(f"{item.nodeid} is marked engine but uses the database")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the gazetteer and the actor dictionary, as after `vigie init`."""
    from vigie.actors.reference import load_dictionary
    from vigie.places.reference import load_gazetteer

    with django_db_blocker.unblock():
        load_gazetteer()
        load_dictionary()


@pytest.fixture
def acled_file(tmp_path) -> callable:
    """Write a synthetic ACLED export: acled_file(n, **options) -> path."""

    def make(n: int = 200, name: str = "acled.csv", seed: int = 1, **options) -> Path:
        path = tmp_path / name
        synthetic.write_acled(path, synthetic.acled_events(n, seed=seed), seed=seed, **options)
        return path

    return make


@pytest.fixture
def ucdp_file(tmp_path) -> callable:
    def make(n: int = 100, name: str = "ged.csv", seed: int = 1) -> Path:
        path = tmp_path / name
        synthetic.write_ucdp_ged(path, n, seed=seed)
        return path

    return make


@pytest.fixture(autouse=True)
def _no_real_home(monkeypatch, tmp_path):
    monkeypatch.setenv("VIGIE_HOME", os.environ.get("VIGIE_HOME", str(tmp_path)))


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code run outside a request speaks English in tests, whatever an earlier test activated
    (French is the default language, and a French request leaves its language active)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the dashboard's figures, the drawn filter forms): the cache
    lives on disk beside the test database, and record ids are reused after a rollback."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        cache.clear()
    # The open-data files are a cache too (rewritten when older than a few minutes): one written
    # from an earlier test's rolled-back database must not be served to this one.
    import shutil

    from django.conf import settings

    shutil.rmtree(Path(settings.VIGIE_HOME) / "cache" / "open-data", ignore_errors=True)
    yield


@pytest.fixture(autouse=True)
def _stored_audit_checkpoint_restored():
    """Each test's writes are rolled back; the audit checkpoint kept in the keys folder (outside the
    database) is put back too, so that a test that runs its commit callbacks does not leave it ahead of
    the database for the next tests."""
    from vigie.core.anchor import stored_checkpoint_path

    path = stored_checkpoint_path()
    before = path.read_bytes() if path.exists() else None
    yield
    if before is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(before)
