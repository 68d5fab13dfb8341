"""Development and the embedded demo: DEBUG off by default, a secret key kept under VIGIE_HOME."""

import os
import secrets

from .base import *  # noqa: F403
from .base import VIGIE_HOME


def _secret_key() -> str:
    given = os.environ.get("VIGIE_SECRET_KEY")
    if given:
        return given
    path = VIGIE_HOME / "secret_key"
    if not path.exists():
        # One key per installation, never a key shipped with the code.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("VIGIE_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    "127.0.0.1",
    "localhost",
    "[::1]",
    *filter(None, os.environ.get("VIGIE_ALLOWED_HOSTS", "").split(",")),
]
