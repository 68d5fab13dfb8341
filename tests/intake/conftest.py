"""Organisations, their members, the demo reports linked into incidents, and a throw-away file store."""

from __future__ import annotations

import csv

import pytest
from django.test import Client
from django.utils import translation

from tests import factories
from vigie.core.models import Organisation, Role
from vigie.demo.loader import DEMO_REPORTS
from vigie.incidents.services import link_database
from vigie.interop.loader import run_import

PHONE = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36"
)


@pytest.fixture(autouse=True)
def _attachments_dir(settings, tmp_path):
    settings.VIGIE_ATTACHMENTS_DIR = tmp_path / "attachments"
    return settings.VIGIE_ATTACHMENTS_DIR


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(slug="amdh", name="AMDH")


@pytest.fixture
def other_organisation(db):
    return Organisation.objects.create(slug="other", name="Other association")


@pytest.fixture
def member(db):
    """member(role, organisation) -> a user holding that role there."""
    counter = iter(range(1, 1000))

    def make(role: str, organisation: Organisation):
        return factories.member(f"{role}-{organisation.slug}-{next(counter)}", organisation, role)

    return make


@pytest.fixture
def login():
    def make(user) -> Client:
        client = Client(HTTP_USER_AGENT=PHONE)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def monitor(member, organisation):
    return member(Role.MONITOR, organisation)


@pytest.fixture
def analyst(member, organisation):
    return member(Role.ANALYST, organisation)


@pytest.fixture
def demo(organisation, tmp_path):
    """The demo's reports, each on its own, then linked by the engine into the organisation's incidents."""
    with open(DEMO_REPORTS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    path = tmp_path / "reports.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "incident": ""} for row in rows)
    result = run_import("reports", path, organisation=organisation, visibility="organisation")
    assert result.rejected_rows == 0
    link_database(organisation=organisation)
    return organisation
