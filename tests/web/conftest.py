"""Two organisations with incidents of every visibility, and their members, for the web pages' tests.

alpha: analyst `awa`, monitor `ali`, investigator `ibrahim`; incidents:
       "Boni" public (RFI, media), "Sévaré" organisation-only (a partner's note), "Secret-Douentza"
       restricted; a pair of alpha's reports (Sévaré's and an organisation-only one of Boni) waits for review
beta:  analyst `bakary`; incidents: "Ménaka-Beta" organisation-only, "Tessit" public but known only
       from ACLED (never public)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.cache import cache

from tests import factories
from vigie.core.i18n import compile_catalogues
from vigie.core.models import Organisation, Role, RoleGrant
from vigie.incidents.models import Incident, LinkPair
from vigie.reports.models import Report, Source

REPORT_GRANTS = {
    Role.MONITOR: ["add", "view"],
    Role.ANALYST: ["add", "change", "view"],
    Role.INVESTIGATOR: ["view"],
    Role.ASSISTANCE_OFFICER: ["view"],
    Role.COORDINATOR: ["add", "change", "delete", "share", "view"],
    Role.ADMIN: ["add", "change", "delete", "share", "view"],
}


@pytest.fixture
def catalogues(settings):
    """French and English catalogues compiled, French active (the default)."""
    from django.utils import translation
    from django.utils.translation import trans_real

    compile_catalogues(Path(settings.LOCALE_PATHS[0]))
    trans_real._translations = {}
    trans_real._default = None
    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The dashboard's figures are cached a minute: each test starts without them."""
    cache.clear()
    yield
    cache.clear()


def make_incident(
    organisation,
    visibility,
    source,
    *,
    day=datetime.date(2023, 5, 2),
    place_code="MLI.mopti.mopti.socoura",
    killed=4,
    published=None,
    **options,
) -> Incident:
    """The shared factory (tests/factories.py) with the pages' defaults: a graded incident whose figures
    are civilians', its report published on the day and naming its perpetrator."""
    return factories.make_incident(
        organisation,
        visibility,
        source,
        day=day,
        place_code=place_code,
        killed=killed,
        killed_civilian_best=killed,
        grade="weak",
        grade_reason="a single source",
        report={"published": published or day, "perpetrator_text": "hommes armés"},
        **options,
    )


@dataclass
class World:
    alpha: Organisation
    beta: Organisation
    users: dict[str, object]
    sources: dict[str, Source]
    incidents: dict[str, Incident] = field(default_factory=dict)

    def private_locations(self) -> list[str]:
        return ["Sévaré", "Secret-Douentza", "Ménaka-Beta", "Tessit"]


@pytest.fixture
def world(db) -> World:
    if not RoleGrant.objects.filter(model="reports.report", organisation=None).exists():
        for role, actions in REPORT_GRANTS.items():
            RoleGrant.objects.create(
                role=role, model="reports.report", actions=actions, description="tests/web"
            )
    alpha = Organisation.objects.create(slug="alpha", name="Alpha")
    beta = Organisation.objects.create(slug="beta", name="Beta")
    users = {
        name: factories.member(name, organisation, role)
        for name, organisation, role in (
            ("awa", alpha, Role.ANALYST),
            ("ali", alpha, Role.MONITOR),
            ("ibrahim", alpha, Role.INVESTIGATOR),
            ("bakary", beta, Role.ANALYST),
        )
    }
    sources = {
        "rfi": Source.objects.create(slug="rfi", name="RFI", kind="media", reliability="B"),
        "partner": Source.objects.create(
            slug="alpha-notes", name="Alpha field notes", kind="partner", organisation=alpha
        ),
        "beta": Source.objects.create(
            slug="beta-notes", name="Beta field notes", kind="partner", organisation=beta
        ),
        "acled": Source.objects.create(
            slug="acled", name="ACLED", kind="dataset", redistributable=False
        ),
    }
    world = World(alpha, beta, users, sources)
    world.incidents["boni"] = make_incident(
        alpha,
        "public",
        sources["rfi"],
        day=datetime.date(2023, 6, 10),
        place_code="MLI.mopti.douentza",
        location="Boni",
        actors=(("jnim", 1, "perpetrator"),),
        killed=7,
        latitude=15.03,
        longitude=-1.99,
        geo_precision="near",
        text="Des hommes armés ont attaqué le marché.",
    )
    world.incidents["sevare"] = make_incident(
        alpha,
        "organisation",
        sources["partner"],
        day=datetime.date(2023, 5, 2),
        location="Sévaré",
        killed=4,
        latitude=14.53,
        longitude=-4.10,
        geo_precision="exact",
        text="Note de terrain confidentielle.",
    )
    world.incidents["secret"] = make_incident(
        alpha,
        "restricted",
        sources["partner"],
        day=datetime.date(2023, 4, 1),
        place_code="MLI.mopti.douentza",
        location="Secret-Douentza",
        killed=9,
    )
    world.incidents["menaka"] = make_incident(
        beta,
        "organisation",
        sources["beta"],
        day=datetime.date(2023, 7, 1),
        place_code="MLI.menaka.menaka",
        location="Ménaka-Beta",
        actors=(("issp", 1, "perpetrator"),),
        killed=11,
        latitude=15.91,
        longitude=2.40,
        geo_precision="exact",
    )
    world.incidents["tessit"] = make_incident(
        beta,
        "public",
        sources["acled"],
        day=datetime.date(2023, 8, 1),
        place_code="MLI.gao.ansongo",
        location="Tessit",
        actors=(("issp", 1, "perpetrator"),),
        killed=13,
    )
    sevare_report = world.incidents["sevare"].reports.get()
    second = Report.objects.create(
        source=sources["rfi"],
        organisation=alpha,
        visibility="organisation",
        external_id="rfi-second",
        content_hash="1" * 32,
        date_start=datetime.date(2023, 5, 3),
        published=datetime.date(2023, 5, 4),
        location_text="Sevare",
        killed=5,
        incident=world.incidents["boni"],
    )
    LinkPair.objects.create(
        report_a=sevare_report,
        report_b=second,
        score=1.5,
        log_odds=-1.0,
        weights={"date": 2.0, "place": -0.5},
        status="review",
    )
    return world
