import datetime

import pytest
from django.contrib.auth import get_user_model

from vigie.core.models import Membership, Organisation
from vigie.incidents.models import Incident

PASSWORD = "a long enough password 42"


@pytest.fixture
def organisation_a(db):
    return Organisation.objects.create(slug="assoc-a", name="Association A")


@pytest.fixture
def organisation_b(db):
    return Organisation.objects.create(slug="assoc-b", name="Association B")


@pytest.fixture
def make_user(db):
    def make(username: str, organisation=None, role: str | None = None, **extra):
        user = get_user_model().objects.create_user(username, password=PASSWORD, **extra)
        if organisation is not None:
            Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    return make


@pytest.fixture
def make_incident(db):
    def make(organisation, visibility="organisation", location="Sévaré", **extra):
        return Incident.objects.create(
            organisation=organisation,
            visibility=visibility,
            location=location,
            date_start=datetime.date(2023, 5, 2),
            date_end=datetime.date(2023, 5, 2),
            **extra,
        )

    return make
