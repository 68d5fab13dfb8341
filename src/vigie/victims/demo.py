"""The demo's victim: one fictional person, consented, with an assistance case.

Everything here is invented (no real person). The name is encrypted like any other: the demo
database file does not contain it in clear. Loading twice changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from vigie.core.crypto import blind_digests
from vigie.core.models import Organisation

from . import services
from .choices import ConsentPurpose, NeedCategory, NeedStatus, ReferralStatus
from .models import Assistance, Victim

DEMO_NAME = "Aminata Demo-Traoré"
DEMO_ALIAS = "Mama Demo"


@transaction.atomic
def load_demo(organisation: Organisation, incident, user=None) -> Assistance:
    """Create the demo victim of ``incident`` for ``organisation`` (once), with an assistance case:
    needs, a referral, a delivered service and a follow-up. ``user`` acts (None: the operator)."""
    existing = Victim.objects.filter(
        organisation=organisation, name_index__in=blind_digests(DEMO_NAME)
    ).first()
    if existing is not None:
        return existing.assistance_cases.order_by("pk").first()
    day = incident.date_start
    region = incident.admin1 if getattr(incident.admin1, "kind", None) == "region" else None
    victim = services.create_victim(
        user,
        organisation,
        name=DEMO_NAME,
        aliases=[DEMO_ALIAS],
        sex="female",
        age=34,
        community="Communauté fictive de démonstration",
        civilian_status="civilian",
        harms=["injured", "displaced", "property_destroyed"],
        contact="+223 00 00 00 00 (numéro fictif)",
        home_location="Quartier fictif, maison fictive (démonstration)",
        region=region,
        testimony=(
            "Témoignage fictif de démonstration : blessée par balle à la jambe pendant l'attaque du "
            "marché, elle a fui avec ses enfants chez une parente ; sa boutique a été incendiée."
        ),
        incidents=[(incident, "direct_victim")],
        consents=[
            ConsentPurpose.DOCUMENTATION,
            ConsentPurpose.REFERRAL,
            ConsentPurpose.PUBLICATION,
        ],
        consent_given_on=day + datetime.timedelta(days=3),
    )
    assistance = services.open_assistance(
        user, victim, opened_on=day + datetime.timedelta(days=3), officer=user
    )
    medical = services.add_need(
        user,
        assistance,
        NeedCategory.MEDICAL,
        identified_on=assistance.opened_on,
        details="Plaie par balle au mollet, pansements à refaire (fictif)",
    )
    services.add_need(
        user,
        assistance,
        NeedCategory.PSYCHOSOCIAL,
        identified_on=assistance.opened_on,
        details="Troubles du sommeil depuis l'attaque (fictif)",
    )
    livelihood = services.add_need(
        user,
        assistance,
        NeedCategory.LIVELIHOOD,
        identified_on=assistance.opened_on,
        details="Stock de la boutique perdu (fictif)",
    )
    referral = services.refer(
        user,
        assistance,
        "Centre de santé de référence (démonstration)",
        referred_on=assistance.opened_on,
        need=medical,
    )
    services.set_referral_status(
        user,
        referral,
        ReferralStatus.COMPLETED,
        on=assistance.opened_on + datetime.timedelta(days=10),
    )
    services.set_need_status(user, medical, NeedStatus.MET)
    services.record_service(
        user,
        assistance,
        NeedCategory.LIVELIHOOD,
        need=livelihood,
        delivered_on=assistance.opened_on + datetime.timedelta(days=20),
        provider="Programme d'appui fictif",
        details="Kit de relance d'activité (fictif)",
    )
    services.add_follow_up(
        user,
        assistance,
        date=assistance.opened_on + datetime.timedelta(days=30),
        note="Visite de suivi : plaie cicatrisée, activité reprise (fictif)",
    )
    return assistance
