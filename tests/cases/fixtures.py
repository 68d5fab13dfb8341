"""Organisations, people in roles, an incident and a case, shared by the cases and evidence tests."""

import datetime

import pytest

from tests.factories import member
from vigie.core.models import Organisation, Role


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(
        slug="amdh", name="Association malienne des droits de l'homme"
    )


@pytest.fixture
def other_organisation(db):
    return Organisation.objects.create(slug="autre", name="Autre association")


@pytest.fixture
def investigator(organisation):
    return member("enqueteur", organisation, Role.INVESTIGATOR)


@pytest.fixture
def outsider(other_organisation):
    """An investigator, but of another organisation."""
    return member("etranger", other_organisation, Role.INVESTIGATOR)


@pytest.fixture
def analyst(organisation):
    """A member of the case's organisation whose role grants nothing on cases or evidence."""
    return member("analyste", organisation, Role.ANALYST)


@pytest.fixture
def incident(organisation):
    from vigie.incidents.models import Incident

    return Incident.objects.create(
        organisation=organisation,
        date_start=datetime.date(2024, 3, 7),
        date_end=datetime.date(2024, 3, 7),
        location="Marché de démonstration",
    )


@pytest.fixture
def case(organisation, investigator, incident):
    from vigie.cases.services import open_case

    return open_case(
        organisation,
        "INV-2024-001",
        "Attaque du marché, mars 2024",
        investigator,
        incidents=[incident],
        lead_investigator=investigator,
    )


@pytest.fixture
def store_dir(settings, tmp_path):
    """Each test gets an evidence store of its own."""
    settings.VIGIE_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.VIGIE_EVIDENCE_DIR


def stored_files(root) -> list:
    """Every file under the store (objects and anything left in incoming/)."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
