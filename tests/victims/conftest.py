import datetime

import pytest
from django.test import override_settings

from tests import factories
from vigie.core.models import Organisation, Role
from vigie.incidents.choices import EventType
from vigie.incidents.models import Incident
from vigie.places.models import Place
from vigie.reports.models import Report, Source


@pytest.fixture
def keys_dir(tmp_path):
    """A keyring of the test's own (created on first use), so rotations do not touch other tests."""
    directory = tmp_path / "keys"
    with override_settings(VIGIE_KEYS_DIR=directory):
        yield directory


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(slug="amdh", name="AMDH")


@pytest.fixture
def other_organisation(db):
    return Organisation.objects.create(slug="other", name="Other association")


@pytest.fixture
def member():
    """member(role, organisation) -> a user holding that role there."""
    counter = iter(range(1, 1000))

    def make(role: str, organisation: Organisation, superuser: bool = False):
        return factories.member(
            f"{role}-{next(counter)}",
            organisation,
            role,
            is_superuser=superuser,
            is_staff=superuser,
        )

    return make


@pytest.fixture
def officer(member, organisation):
    return member(Role.ASSISTANCE_OFFICER, organisation)


def region() -> Place:
    return Place.objects.filter(kind="region", parent__code="MLI").order_by("code").first()


@pytest.fixture
def incident(organisation):
    """A public incident with a redistributable report (it appears in public exports)."""
    mopti = region()
    incident = Incident.objects.create(
        organisation=organisation,
        visibility="public",
        date_start=datetime.date(2024, 3, 2),
        date_end=datetime.date(2024, 3, 2),
        admin0=Place.objects.get(code="MLI"),
        admin1=mopti,
        location="Boni",
        latitude=15.33,
        longitude=-1.74,
        geo_precision="exact",
        event_type=EventType.VIOLENCE_AGAINST_CIVILIANS,
        killed_best=3,
    )
    source = Source.objects.get_or_create(
        slug="studio-tamani",
        defaults={"name": "Studio Tamani", "kind": "media", "redistributable": True},
    )[0]
    Report.objects.create(
        source=source,
        visibility="public",
        external_id=f"ST-{incident.pk}",
        is_current=True,
        content_hash=f"ST-{incident.pk}",
        incident=incident,
    )
    return incident
