"""`make test-fast` runs the suite in pytest-xdist workers: each keeps its files and its test
database apart from the others' (vigie/settings/test.py, pytest-django's database suffix)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.mark.django_db
def test_each_worker_has_its_own_home_and_test_database(settings):
    from django.db import connection

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        pytest.skip("run outside pytest-xdist: one process, nothing to keep apart")
    home = Path(settings.VIGIE_HOME)
    assert home.name == worker and home.is_dir()
    assert os.environ["VIGIE_HOME"] == str(home)  # what a subprocess started by a test inherits
    for folder in (
        settings.VIGIE_KEYS_DIR,
        settings.VIGIE_EVIDENCE_DIR,
        settings.MEDIA_ROOT,
        settings.CACHES["default"]["LOCATION"],
    ):  # under the worker's home, or (when given apart) in a folder of the worker's own
        assert worker in Path(folder).parts, folder
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        assert connection.is_in_memory_db()  # one per process
    else:
        assert name.endswith(f"_{worker}")
