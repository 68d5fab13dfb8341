from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class AgeGroup(models.TextChoices):
    CHILD = "child", _("Child (0-17)")
    ADULT = "adult", _("Adult (18-59)")
    ELDERLY = "elderly", _("Elderly (60 and over)")
    UNKNOWN = "unknown", _("Unknown")


def age_group_of(age: int | None) -> str:
    if age is None:
        return AgeGroup.UNKNOWN
    if age < 18:
        return AgeGroup.CHILD
    return AgeGroup.ADULT if age < 60 else AgeGroup.ELDERLY


class CivilianStatus(models.TextChoices):
    CIVILIAN = "civilian", _("Civilian")
    COMBATANT = "combatant", _("Combatant")
    UNKNOWN = "unknown", _("Unknown")


class Harm(models.TextChoices):
    KILLED = "killed", _("Killed")
    INJURED = "injured", _("Injured")
    ABDUCTED = "abducted", _("Abducted")
    DISAPPEARED = "disappeared", _("Disappeared")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    DISPLACED = "displaced", _("Displaced")
    PROPERTY_DESTROYED = "property_destroyed", _("Property destroyed or looted")
    DETAINED = "detained", _("Arbitrarily detained")
    TORTURED = "tortured", _("Tortured or ill-treated")
    THREATENED = "threatened", _("Threatened")
    OTHER = "other", _("Other harm")


class Relation(models.TextChoices):
    DIRECT_VICTIM = "direct_victim", _("Direct victim")
    FAMILY_MEMBER = "family_member", _("Family member of a victim")
    WITNESS = "witness", _("Witness")
    OTHER = "other", _("Other")


class ConsentPurpose(models.TextChoices):
    DOCUMENTATION = "documentation", _("Documentation (keeping this record)")
    SHARING = "sharing", _("Sharing with partner organisations")
    LEGAL = "legal", _("Legal proceedings")
    PUBLICATION = "publication", _("Publication, anonymised")
    REFERRAL = "referral", _("Referral for assistance")


class ConsentGiver(models.TextChoices):
    VICTIM = "victim", _("The person themself")
    GUARDIAN = "guardian", _("Parent or legal guardian")
    FAMILY = "family", _("Next of kin (the person cannot consent)")


class NeedCategory(models.TextChoices):
    MEDICAL = "medical", _("Medical")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    LEGAL = "legal", _("Legal")
    MATERIAL = "material", _("Material")
    LIVELIHOOD = "livelihood", _("Livelihood")
    SHELTER = "shelter", _("Shelter")
    DOCUMENTS = "documents", _("Civil documents")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    UNMET = "unmet", _("Could not be met")


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ACCEPTED = "accepted", _("Accepted by the provider")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined by the provider")
    REFUSED = "refused", _("Refused by the person")
    NO_RESPONSE = "no_response", _("No response")


class ClosureReason(models.TextChoices):
    NEEDS_MET = "needs_met", _("Needs met")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Followed by another organisation")
    PERSON_REQUEST = "person_request", _("At the person's request")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    RELOCATED = "relocated", _("Moved away")
    DECEASED = "deceased", _("Deceased")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    OTHER = "other", _("Other")
