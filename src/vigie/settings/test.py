"""Test settings: a fast password hasher, a throw-away home, either database by DATABASE_URL."""

import os
import tempfile

os.environ.setdefault("VIGIE_HOME", tempfile.mkdtemp(prefix="vigie-test-home-"))

from .development import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's test client logs in without a request, which django-axes refuses; the throttling tests
# switch it on (tests/accounts/test_login.py).
AXES_ENABLED = False
VIGIE_REQUIRE_2FA = False
DEBUG = False
