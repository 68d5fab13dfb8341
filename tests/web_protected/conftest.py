"""Two organisations, their members in every role, and alpha's protected records, for the pages of
cases, evidence and victims.

    alpha: an incident (organisation-only, "Marché-de-Boni"), a case on it with one photograph, a
           consented victim of it (name and testimony carry canaries) with an assistance case
    beta:  an incident of its own; members in every role (outsiders to alpha's records)
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import factories
from vigie.cases import services as case_services
from vigie.cases.demo import png_bytes
from vigie.core.i18n import compile_catalogues
from vigie.core.models import Organisation, Role
from vigie.evidence.services import add_evidence
from vigie.incidents.models import Incident
from vigie.victims import services as victim_services

PHOTO = png_bytes(8, 6, lambda x, y: (x * 30, y * 40, 90))
CANARY_NAME = "Kadiatou Zq7-canari-nom Sidibé"
CANARY_ALIAS = "Maman Zq7-canari-alias"
CANARY_TESTIMONY = "Témoignage Zq7-canari-temoin : ils sont venus la nuit."
CANARY_CONTACT = "+223 Zq7-canari-contact"
CANARIES = ("Zq7-canari-nom", "Zq7-canari-alias", "Zq7-canari-temoin", "Zq7-canari-contact")
ROLES = [str(role) for role in Role]


@dataclass
class World:
    alpha: Organisation
    beta: Organisation
    users: dict = field(default_factory=dict)
    incident: Incident | None = None
    beta_incident: Incident | None = None
    case: object = None
    item: object = None
    victim: object = None
    assistance: object = None

    def client(self, who: str | None) -> Client:
        client = Client()
        if who is not None:
            client.force_login(self.users[who])
        return client


@pytest.fixture(autouse=True)
def _own_store(settings, tmp_path):
    settings.VIGIE_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.VIGIE_EVIDENCE_DIR


@pytest.fixture
def catalogues(settings):
    """French and English catalogues compiled, as `vigie serve` does."""
    from django.utils.translation import trans_real

    compile_catalogues(Path(settings.LOCALE_PATHS[0]))
    trans_real._translations = {}
    trans_real._default = None
    yield
    translation.deactivate()


def make_world() -> World:
    alpha = Organisation.objects.create(slug="alpha", name="Alpha")
    beta = Organisation.objects.create(slug="beta", name="Beta")
    world = World(alpha, beta, users=factories.every_role({"A": alpha, "B": beta}))
    day = datetime.date(2024, 3, 7)
    world.incident = factories.bare_incident(
        alpha,
        "organisation",
        day=day,
        location="Marché-de-Boni",
        event_type="violence_against_civilians",
    )
    world.beta_incident = factories.bare_incident(
        beta, "organisation", day=day, location="Ménaka-Beta"
    )
    investigator = world.users["A:investigator"]
    world.case = case_services.open_case(
        alpha,
        "INV-2024-001",
        "Marché, mars 2024",
        investigator,
        incidents=[world.incident],
        lead_investigator=investigator,
    )
    world.item = add_evidence(
        world.case,
        io.BytesIO(PHOTO),
        "photo.png",
        {"device": "Tecno Spark 10", "description": "Le marché après l'attaque"},
        investigator,
    ).item
    world.victim = victim_services.create_victim(
        None,
        alpha,
        name=CANARY_NAME,
        aliases=[CANARY_ALIAS],
        testimony=CANARY_TESTIMONY,
        contact=CANARY_CONTACT,
        sex="female",
        age=34,
        harms=["injured", "displaced"],
        incidents=[(world.incident, "direct_victim")],
        consents=["documentation"],
    )
    world.assistance = victim_services.open_assistance(None, world.victim)
    victim_services.add_need(None, world.assistance, "medical", details="Pansements à refaire")
    return world


@pytest.fixture
def world(db) -> World:
    with translation.override("en"):
        return make_world()


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def open_record(client: Client, victim_pk: int, purpose: str = "assistance", detail: str = ""):
    """Give a purpose for a victim's record (the consultation), as the form on its page does."""
    return client.post(
        reverse("victims:victim_detail", kwargs={"pk": victim_pk}),
        {"purpose": purpose, "detail": detail},
    )
