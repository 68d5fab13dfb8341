"""Test settings: a fast password hasher, a throw-away home, either database by DATABASE_URL."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("VIGIE_HOME", tempfile.mkdtemp(prefix="vigie-test-home-"))

# pytest-xdist's workers (`make test-fast`) inherit the home of the process that started them: each
# takes a folder of its own inside it (its SQLite file, uploads, keys and cache), as its test
# database takes a name of its own. A subprocess started by a test inherits the worker's folder.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker:
    for _name in ("VIGIE_HOME", "VIGIE_EVIDENCE_DIR", "VIGIE_KEYS_DIR", "VIGIE_CACHE_DIR"):
        _given = os.environ.get(_name)
        if _given and Path(_given).name != _worker:
            os.environ[_name] = str(Path(_given) / _worker)

from .development import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's test client logs in without a request, which django-axes refuses; the throttling tests
# switch it on (tests/accounts/test_login.py).
AXES_ENABLED = False
VIGIE_REQUIRE_2FA = False
DEBUG = False
