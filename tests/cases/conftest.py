import pytest
from django.utils import translation

from tests.cases.fixtures import *  # noqa: F403


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the default language is French once the catalogues are compiled)."""
    with translation.override("en"):
        yield
