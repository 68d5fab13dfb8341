import pytest

from tests import factories
from vigie.core.models import Organisation


@pytest.fixture
def organisation_a(db):
    return Organisation.objects.create(slug="assoc-a", name="Association A")


@pytest.fixture
def organisation_b(db):
    return Organisation.objects.create(slug="assoc-b", name="Association B")


@pytest.fixture
def make_user(db):
    """factories.member: a user with PASSWORD, a member of an organisation in a role if given."""
    return factories.member


@pytest.fixture
def make_incident(db):
    """factories.bare_incident: an incident of one day and nothing else."""
    return factories.bare_incident
