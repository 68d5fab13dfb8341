"""Incident types (ACLED's event and sub-event types), human-rights violation categories, precisions,
casualty figures and grades: plain Python (see vigie.core.vocabulary); Django choices in choices.py."""

from __future__ import annotations

from vigie.core.vocabulary import Vocabulary
from vigie.core.vocabulary import gettext_noop as _


class EventType(Vocabulary):
    BATTLES = "battles", _("Battles")
    EXPLOSIONS = "explosions_remote_violence", _("Explosions/Remote violence")
    VIOLENCE_AGAINST_CIVILIANS = "violence_against_civilians", _("Violence against civilians")
    PROTESTS = "protests", _("Protests")
    RIOTS = "riots", _("Riots")
    STRATEGIC_DEVELOPMENTS = "strategic_developments", _("Strategic developments")


class SubEventType(Vocabulary):
    ARMED_CLASH = "armed_clash", _("Armed clash")
    GOVERNMENT_REGAINS_TERRITORY = "government_regains_territory", _("Government regains territory")
    NON_STATE_ACTOR_OVERTAKES_TERRITORY = (
        "non_state_actor_overtakes_territory",
        _("Non-state actor overtakes territory"),
    )
    CHEMICAL_WEAPON = "chemical_weapon", _("Chemical weapon")
    AIR_DRONE_STRIKE = "air_drone_strike", _("Air/drone strike")
    SUICIDE_BOMB = "suicide_bomb", _("Suicide bomb")
    SHELLING_ARTILLERY_MISSILE_ATTACK = (
        "shelling_artillery_missile_attack",
        _("Shelling/artillery/missile attack"),
    )
    REMOTE_EXPLOSIVE_LANDMINE_IED = (
        "remote_explosive_landmine_ied",
        _("Remote explosive/landmine/IED"),
    )
    GRENADE = "grenade", _("Grenade")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    ATTACK = "attack", _("Attack")
    ABDUCTION_FORCED_DISAPPEARANCE = (
        "abduction_forced_disappearance",
        _("Abduction/forced disappearance"),
    )
    PEACEFUL_PROTEST = "peaceful_protest", _("Peaceful protest")
    PROTEST_WITH_INTERVENTION = "protest_with_intervention", _("Protest with intervention")
    EXCESSIVE_FORCE_AGAINST_PROTESTERS = (
        "excessive_force_against_protesters",
        _("Excessive force against protesters"),
    )
    VIOLENT_DEMONSTRATION = "violent_demonstration", _("Violent demonstration")
    MOB_VIOLENCE = "mob_violence", _("Mob violence")
    AGREEMENT = "agreement", _("Agreement")
    ARRESTS = "arrests", _("Arrests")
    CHANGE_TO_GROUP_ACTIVITY = "change_to_group_activity", _("Change to group/activity")
    DISRUPTED_WEAPONS_USE = "disrupted_weapons_use", _("Disrupted weapons use")
    HEADQUARTERS_OR_BASE_ESTABLISHED = (
        "headquarters_or_base_established",
        _("Headquarters or base established"),
    )
    LOOTING_PROPERTY_DESTRUCTION = "looting_property_destruction", _("Looting/property destruction")
    NON_VIOLENT_TRANSFER_OF_TERRITORY = (
        "non_violent_transfer_of_territory",
        _("Non-violent transfer of territory"),
    )
    OTHER = "other", _("Other")


# Which sub-event types belong to which event type (ACLED codebook, 2019 onwards).
SUB_EVENT_PARENT: dict[str, str] = {
    **dict.fromkeys(
        ["armed_clash", "government_regains_territory", "non_state_actor_overtakes_territory"],
        "battles",
    ),
    **dict.fromkeys(
        [
            "chemical_weapon",
            "air_drone_strike",
            "suicide_bomb",
            "shelling_artillery_missile_attack",
            "remote_explosive_landmine_ied",
            "grenade",
        ],
        "explosions_remote_violence",
    ),
    **dict.fromkeys(
        ["sexual_violence", "attack", "abduction_forced_disappearance"],
        "violence_against_civilians",
    ),
    **dict.fromkeys(
        ["peaceful_protest", "protest_with_intervention", "excessive_force_against_protesters"],
        "protests",
    ),
    **dict.fromkeys(["violent_demonstration", "mob_violence"], "riots"),
    **dict.fromkeys(
        [
            "agreement",
            "arrests",
            "change_to_group_activity",
            "disrupted_weapons_use",
            "headquarters_or_base_established",
            "looting_property_destruction",
            "non_violent_transfer_of_territory",
            "other",
        ],
        "strategic_developments",
    ),
}


class ViolationType(Vocabulary):
    KILLING = "killing", _("Killing")
    INJURY = "injury", _("Injury")
    ABDUCTION_DISAPPEARANCE = "abduction_disappearance", _("Abduction or disappearance")
    TORTURE = "torture", _("Torture and ill-treatment")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    ARBITRARY_DETENTION = "arbitrary_detention", _("Arbitrary detention")
    DESTRUCTION_LOOTING = "destruction_looting", _("Destruction or looting")
    FORCED_DISPLACEMENT = "forced_displacement", _("Forced displacement")
    ATTACK_ON_AID_WORKERS = "attack_on_aid_workers", _("Attack on humanitarian or medical workers")


class DatePrecision(Vocabulary):
    DAY = "day", _("Day")
    RANGE = "range", _("Range of days")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


HARMS = ("killed", "injured", "abducted")
STATUSES = ("civilian", "combatant", "unknown")
BOUNDS = ("low", "best", "high")


def casualty_field_names() -> list[str]:
    """Every figure an incident can carry: killed_low … abducted_high (totals), then
    killed_civilian_low … abducted_unknown_high (split by status)."""
    totals = [f"{harm}_{bound}" for harm in HARMS for bound in BOUNDS]
    split = [
        f"{harm}_{status}_{bound}" for harm in HARMS for status in STATUSES for bound in BOUNDS
    ]
    return totals + split


CASUALTY_FIGURES = casualty_field_names()
# The figures kept as columns, for filters and aggregates: totals and civilians killed. The rest of
# the split is kept in Incident.casualty_split (a narrow table imports a million rows much faster).
CASUALTY_FIELDS = [
    *(f"{harm}_{bound}" for harm in HARMS for bound in BOUNDS),
    *(f"killed_civilian_{bound}" for bound in BOUNDS),
]
SPLIT_FIGURES = [name for name in CASUALTY_FIGURES if name not in CASUALTY_FIELDS]


class Grade(Vocabulary):
    """Confidence in an incident (criteria in docs/methodology.md)."""

    CONFIRMED = "confirmed", _("Confirmed")
    FAIR = "fair", _("Fair")
    WEAK = "weak", _("Weak")
    CONTESTED = "contested", _("Contested")
    DISCOUNTED = "discounted", _("Discounted")
