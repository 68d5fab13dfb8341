"""Two organisations, their members with tokens, and incidents of every visibility.

alpha: monitor `ana` (token), analyst `amadou`; incidents: public (RFI), organisation-only, restricted
beta:  analyst `binta` (token); incidents: public (UN report), organisation-only (witness source),
       public but known only from ACLED (not redistributable: never public)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from rest_framework.test import APIClient

from tests.factories import make_incident, member
from vigie.actors.models import Actor
from vigie.api.tokens import issue_token
from vigie.core.models import Organisation, Role
from vigie.incidents.models import Incident
from vigie.reports.models import Source


@dataclass
class World:
    alpha: Organisation
    beta: Organisation
    ana: object  # monitor in alpha
    amadou: object  # analyst in alpha
    binta: object  # analyst in beta
    tokens: dict[str, str]
    sources: dict[str, Source]
    incidents: dict[str, Incident] = field(default_factory=dict)

    def client(self, username: str | None = None) -> APIClient:
        client = APIClient()
        if username:
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[username]}")
        return client


@pytest.fixture
def world(db) -> World:
    alpha = Organisation.objects.create(slug="alpha", name="Association Alpha")
    beta = Organisation.objects.create(slug="beta", name="Association Beta")
    ana = member("ana", alpha, Role.MONITOR)
    amadou = member("amadou", alpha, Role.ANALYST)
    binta = member("binta", beta, Role.ANALYST)
    tokens = {user.username: issue_token(user)[0] for user in (ana, amadou, binta)}
    sources = {
        "rfi": Source.objects.create(slug="rfi", name="RFI", kind="media", organisation=alpha),
        "un": Source.objects.create(slug="un-report", name="UN report", kind="un"),
        "acled": Source.objects.create(
            slug="acled", name="ACLED", kind="dataset", redistributable=False
        ),
        "alpha-witness": Source.objects.create(
            slug="alpha-witness", name="Witness in Sévaré", kind="witness", organisation=alpha
        ),
        "beta-witness": Source.objects.create(
            slug="beta-witness", name="Witness in Bandiagara", kind="witness", organisation=beta
        ),
    }
    world = World(alpha, beta, ana, amadou, binta, tokens, sources)
    world.incidents = {
        "alpha_public": make_incident(
            alpha,
            "public",
            sources["rfi"],
            location="Ogossagou",
            day=datetime.date(2019, 3, 23),
            killed=157,
            place_code="MLI.mopti",
        ),
        "alpha_private": make_incident(
            alpha,
            "organisation",
            sources["alpha-witness"],
            location="Sévaré",
            day=datetime.date(2023, 5, 2),
        ),
        "alpha_restricted": make_incident(
            alpha,
            "restricted",
            sources["alpha-witness"],
            location="Konna",
            day=datetime.date(2022, 1, 10),
        ),
        "beta_public": make_incident(
            beta,
            "public",
            sources["un"],
            location="Moura",
            day=datetime.date(2022, 3, 27),
            killed=500,
            actors=(("fama", 1, "perpetrator"), ("jnim", 2, "target")),
            violations=("killing", "torture"),
            grade="confirmed",
        ),
        "beta_private": make_incident(
            beta,
            "organisation",
            sources["beta-witness"],
            location="Bandiagara",
            day=datetime.date(2023, 6, 1),
            event_type="battles",
            violations=(),
        ),
        "beta_acled_only": make_incident(
            beta, "public", sources["acled"], location="Diafarabé", day=datetime.date(2021, 2, 1)
        ),
    }
    return world


@pytest.fixture
def keys_dir(tmp_path):
    """A keyring of the test's own, for the encrypted fields of cases, evidence and victims."""
    from django.test import override_settings

    directory = tmp_path / "keys"
    with override_settings(VIGIE_KEYS_DIR=directory):
        yield directory


@dataclass
class Protected:
    ines: object  # investigator in alpha
    awa: object  # assistance officer in alpha
    case: object
    evidence: object
    victim: object


SECRET = "SECRETNAME"  # in every identifying field of the records below


@pytest.fixture
def protected(world, keys_dir) -> Protected:
    """A case with a piece of evidence, and a consented victim, all of alpha's."""
    from vigie.cases.services import add_referral, open_case, record_findings
    from vigie.evidence.models import CustodyEvent, EvidenceItem
    from vigie.victims.services import create_victim

    ines = member("ines", world.alpha, Role.INVESTIGATOR)
    awa = member("awa", world.alpha, Role.ASSISTANCE_OFFICER)
    world.tokens["ines"] = issue_token(ines)[0]
    world.tokens["awa"] = issue_token(awa)[0]
    incident = world.incidents["alpha_private"]
    case = open_case(
        world.alpha,
        "INV-2024-001",
        "Sévaré, mai 2023",
        ines,
        incidents=[incident],
        lead_investigator=ines,
        alleged_perpetrators=[Actor.objects.get(key="fama")],
    )
    record_findings(case, f"{SECRET} findings", ines)
    add_referral(
        case,
        ines,
        recipient_kind="court",
        recipient_name="Tribunal de grande instance de Mopti",
        notes=f"{SECRET} notes",
    )
    evidence = EvidenceItem.objects.create(
        organisation=world.alpha,
        case=case,
        sha256="ab" * 32,
        size=1234,
        media_type="image/jpeg",
        original_filename=f"{SECRET}.jpg",
        description=f"{SECRET} description",
        collected_by=f"{SECRET} collector",
        source=f"{SECRET} source",
        device="Tecno Spark 10",
    )
    CustodyEvent.objects.create(
        organisation=world.alpha,
        item=evidence,
        action="received",
        actor=ines,
        actor_name="ines",
        sha256=evidence.sha256,
        note="received in Mopti",
    )
    victim = create_victim(
        awa,
        world.alpha,
        name=f"{SECRET} Aminata",
        sex="female",
        age=34,
        community=f"{SECRET} community",
        contact=f"{SECRET} +223 00 00 00 00",
        home_location=f"{SECRET} home",
        testimony=f"{SECRET} testimony",
        harms=["injured"],
        aliases=[f"{SECRET} alias"],
        incidents=[(incident, "direct_victim")],
        consents=["documentation"],
    )
    return Protected(ines, awa, case, evidence, victim)
