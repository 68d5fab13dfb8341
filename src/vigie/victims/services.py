"""What an assistance officer or an investigator does with a victim's record, and who may do it.

Every function takes the acting ``user``: a Django user (pages, API, a command run with --user),
whose access is checked through vigie.core.permissions (victims under "victims.victim"; assistance
cases and everything in them under "victims.assistance"), or ``None`` for the operator at the
server's shell, who already holds the database. A web view never passes None.

A record outside the user's scope does not exist for them (Http404); one they may see but not
change raises PermissionDenied. Bad input raises VictimError (a ValueError) saying what and why,
and nothing is saved. Every read of a victim or an assistance case goes through ``read_victim`` /
``read_assistance`` (or ``find_by_name``), which log it with its purpose in the change log.
Messages never contain a name or any other identifying value.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core import permissions
from vigie.core.audit import record_read
from vigie.core.context import acting_as
from vigie.core.crypto import blind_digests, is_encrypted
from vigie.core.permissions import require, require_in_organisation

from .choices import (
    AgeGroup,
    CivilianStatus,
    ClosureReason,
    ConsentGiver,
    ConsentPurpose,
    Harm,
    NeedCategory,
    NeedStatus,
    ReferralStatus,
    Relation,
    Sex,
)
from .models import (
    Assistance,
    Consent,
    FollowUp,
    Need,
    Referral,
    Service,
    Victim,
    VictimAlias,
    VictimIncident,
)

# The victim's fields a caller may set (create_victim, update_victim); aliases and links apart.
VICTIM_FIELDS = (
    "name",
    "sex",
    "age",
    "age_group",
    "community",
    "civilian_status",
    "harms",
    "contact",
    "home_location",
    "region",
    "testimony",
)
ENCRYPTED_VICTIM_FIELDS = tuple(f.name for f in Victim._meta.concrete_fields if is_encrypted(f))


class VictimError(ValueError):
    """A change to a victim's record was refused; nothing was saved."""


# -- who acts, and may they ------------------------------------------------------------------------


def _parts_for(model, user, action: str = "view"):
    """Needs, referrals, services or follow-ups of the assistance cases ``user`` may ``action``."""
    return model.objects.filter(
        assistance__in=Assistance.objects.restrict(user, action).values("pk")
    )


def needs_for(user, action: str = "view"):
    return _parts_for(Need, user, action)


def referrals_for(user, action: str = "view"):
    return _parts_for(Referral, user, action)


def services_for(user, action: str = "view"):
    return _parts_for(Service, user, action)


def follow_ups_for(user, action: str = "view"):
    return _parts_for(FollowUp, user, action)


# -- reading ---------------------------------------------------------------------------------------


def _purpose(purpose: str) -> str:
    purpose = (purpose or "").strip()
    if not purpose:
        raise VictimError(_("say why the record is read (the purpose is kept in the audit log)"))
    return purpose[:200]


def read_victim(user, victim_id: int, purpose: str) -> Victim:
    """One victim, decrypted, as ``user`` may see it (Http404 otherwise); the read is logged."""
    purpose = _purpose(purpose)
    try:
        victim_id = int(victim_id)
    except (TypeError, ValueError):
        raise Http404 from None
    victim = Victim.objects.visible_to(user).filter(pk=victim_id).first()
    if victim is None:
        raise Http404
    record_read(victim, user, purpose)
    return victim


def read_assistance(user, assistance_id: int, purpose: str) -> Assistance:
    """One assistance case as ``user`` may see it (Http404 otherwise); the read is logged."""
    purpose = _purpose(purpose)
    try:
        assistance_id = int(assistance_id)
    except (TypeError, ValueError):
        raise Http404 from None
    assistance = Assistance.objects.visible_to(user).filter(pk=assistance_id).first()
    if assistance is None:
        raise Http404
    record_read(assistance, user, purpose)
    return assistance


def find_by_name(user, name: str, purpose: str) -> list[Victim]:
    """Victims whose name or other name is exactly ``name`` (case, accents and punctuation aside).

    Through the blind index only: nothing is decrypted to search. Each victim found is a logged read.
    """
    purpose = _purpose(purpose)
    digests = blind_digests(
        name
    )  # under every index key: a rotation half-done still finds everyone
    if not digests:
        return []
    alias_owners = VictimAlias.objects.filter(name_index__in=digests).values("victim_id")
    queryset = Victim.objects.filter(Q(name_index__in=digests) | Q(pk__in=alias_owners)).visible_to(
        user
    )
    found = list(queryset.order_by("pk"))
    for victim in found:
        record_read(victim, user, purpose)
    return found


def has_consent(victim: Victim, purpose: str) -> bool:
    return Consent.objects.filter(
        victim=victim, purpose=purpose, withdrawn_on__isnull=True
    ).exists()


# -- checking input --------------------------------------------------------------------------------


def _choice(value, choices, what: str) -> str:
    if value not in choices.values:
        # The value itself is not repeated: a name typed in the wrong box must not reach a log.
        raise VictimError(
            _("not a valid %(what)s; choose one of: %(choices)s")
            % {"what": what, "choices": ", ".join(choices.values)}
        )
    return value


def _text(value, what: str, required: bool = False, max_length: int = 20_000) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise VictimError(_("%(what)s must be text") % {"what": what})
    value = value.strip()
    if required and not value:
        raise VictimError(_("%(what)s is required") % {"what": what})
    if len(value) > max_length:
        raise VictimError(
            _("%(what)s is longer than %(limit)d characters") % {"what": what, "limit": max_length}
        )
    return value


def _date(value, what: str) -> datetime.date:
    if value is None:
        return timezone.localdate()
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise VictimError(_("%(what)s must be a date (YYYY-MM-DD)") % {"what": what}) from None


def _clean_victim_fields(values: dict) -> dict:
    unknown = sorted(set(values) - set(VICTIM_FIELDS))
    if unknown:
        raise VictimError(_("unknown field(s): %(fields)s") % {"fields": ", ".join(unknown)})
    cleaned = dict(values)
    if "name" in cleaned:
        cleaned["name"] = _text(cleaned["name"], _("the name"), required=True, max_length=300)
    for name, what in (
        ("community", _("the community")),
        ("contact", _("the contact")),
        ("home_location", _("the home location")),
    ):
        if name in cleaned:
            cleaned[name] = _text(cleaned[name], what, max_length=1000)
    if "testimony" in cleaned:
        cleaned["testimony"] = _text(cleaned["testimony"], _("the testimony"), max_length=200_000)
    if "sex" in cleaned:
        _choice(cleaned["sex"], Sex, _("sex"))
    if "age_group" in cleaned:
        _choice(cleaned["age_group"], AgeGroup, _("age group"))
    if "civilian_status" in cleaned:
        _choice(cleaned["civilian_status"], CivilianStatus, _("civilian status"))
    if cleaned.get("age") is not None:
        age = cleaned["age"]
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130:
            raise VictimError(_("the age must be a whole number of years between 0 and 130"))
    if "harms" in cleaned:
        harms = cleaned["harms"] or []
        if isinstance(harms, str) or not isinstance(harms, Iterable):
            raise VictimError(_("harm suffered must be a list"))
        harms = list(dict.fromkeys(harms))
        for harm in harms:
            _choice(harm, Harm, _("harm"))
        cleaned["harms"] = harms
    region = cleaned.get("region")
    if region is not None and getattr(region, "kind", None) != "region":
        raise VictimError(
            _("the region must be a region of the gazetteer (not a cercle, commune or locality)")
        )
    return cleaned


def _aliases(aliases) -> list[str]:
    if isinstance(aliases, str):
        raise VictimError(_("other names must be a list"))
    return list(
        dict.fromkeys(
            _text(alias, _("an other name"), required=True, max_length=300) for alias in aliases
        )
    )


def _full_clean(obj, exclude=()) -> None:
    try:
        obj.full_clean(
            exclude=["organisation", *exclude], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        details = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        raise VictimError(details) from None


def _check_incidents(user, links) -> list[tuple]:
    links = [
        (incident, _choice(relation, Relation, _("relation to the incident")))
        for incident, relation in links
    ]
    if user is not None and links:
        from vigie.incidents.models import Incident

        ids = {incident.pk for incident, _relation in links}
        visible = set(
            Incident.objects.filter(pk__in=ids).visible_to(user).values_list("pk", flat=True)
        )
        if visible != ids:
            raise VictimError(_("one of the incidents does not exist or is not visible to you"))
    return links


# -- victims ---------------------------------------------------------------------------------------


@transaction.atomic
def create_victim(
    user,
    organisation,
    *,
    aliases: Iterable[str] = (),
    incidents: Iterable[tuple] = (),
    consents: Iterable[str] = (),
    consent_given_on=None,
    consent_given_by: str = ConsentGiver.VICTIM,
    **fields,
) -> Victim:
    """Record a victim for ``organisation``.

    ``fields``: VICTIM_FIELDS (name required). ``incidents``: (incident, relation) pairs, incidents
    the user may see. ``consents``: the purposes consented to (ConsentPurpose), given on
    ``consent_given_on`` (default today) by ``consent_given_by``.
    """
    require_in_organisation(user, Victim, organisation, "add")
    if "name" not in fields:
        raise VictimError(_("the name is required"))
    values = _clean_victim_fields(fields)
    aliases = _aliases(aliases)
    links = _check_incidents(user, incidents)
    consents = [
        _choice(purpose, ConsentPurpose, _("consent purpose"))
        for purpose in dict.fromkeys(consents)
    ]
    _choice(consent_given_by, ConsentGiver, _("giver of consent"))
    given_on = _date(consent_given_on, _("the date consent was given"))
    recorder = user if getattr(user, "is_authenticated", False) else None
    victim = Victim(organisation=organisation, recorded_by=recorder, **values)
    _full_clean(victim, exclude=["recorded_by"])
    with acting_as(user):
        victim.save()
        for alias in aliases:
            VictimAlias.objects.create(victim=victim, name=alias)
        for incident, relation in links:
            VictimIncident.objects.get_or_create(
                victim=victim, incident=incident, relation=relation
            )
        for purpose in consents:
            Consent.objects.create(
                victim=victim,
                purpose=purpose,
                given_on=given_on,
                given_by=consent_given_by,
                recorded_by=recorder,
            )
    return victim


@transaction.atomic
def update_victim(
    user, victim: Victim, *, aliases: Iterable[str] | None = None, **fields
) -> Victim:
    """Change some of the victim's fields; ``aliases``, when given, replaces the other names."""
    require(user, victim, "change")
    values = _clean_victim_fields(fields)
    for name, value in values.items():
        setattr(victim, name, value)
    _full_clean(victim, exclude=["recorded_by"])
    with acting_as(user):
        victim.save()
        if aliases is not None:
            wanted = _aliases(aliases)
            existing = list(victim.aliases.all())
            kept = {alias.name for alias in existing if alias.name in wanted}
            for alias in existing:
                if alias.name not in wanted:
                    alias.delete()
            for name in wanted:
                if name not in kept:
                    VictimAlias.objects.create(victim=victim, name=name)
    return victim


@transaction.atomic
def link_incident(
    user, victim: Victim, incident, relation: str = Relation.DIRECT_VICTIM
) -> VictimIncident:
    require(user, victim, "change")
    [(incident, relation)] = _check_incidents(user, [(incident, relation)])
    with acting_as(user):
        link, _created = VictimIncident.objects.get_or_create(
            victim=victim, incident=incident, relation=relation
        )
    return link


# -- consent ---------------------------------------------------------------------------------------


@transaction.atomic
def record_consent(
    user, victim: Victim, purpose: str, *, given_on=None, given_by: str = ConsentGiver.VICTIM
) -> Consent:
    """Record consent for ``purpose``; an active consent for the same purpose is kept as it is."""
    require(user, victim, "change")
    _choice(purpose, ConsentPurpose, _("consent purpose"))
    _choice(given_by, ConsentGiver, _("giver of consent"))
    existing = Consent.objects.filter(
        victim=victim, purpose=purpose, withdrawn_on__isnull=True
    ).first()
    if existing is not None:
        return existing
    with acting_as(user):
        return Consent.objects.create(
            victim=victim,
            purpose=purpose,
            given_on=_date(given_on, _("the date given")),
            given_by=given_by,
            recorded_by=user if getattr(user, "is_authenticated", False) else None,
        )


@transaction.atomic
def withdraw_consent(user, victim: Victim, purpose: str | None = None, *, on=None) -> list[Consent]:
    """Record a withdrawal of consent.

    Withdrawing consent to documentation (or all consent, ``purpose`` None) withdraws every purpose
    and hides the victim and everything attached to it from everyone; only the audit log keeps a
    trace. Withdrawing another purpose only ends that purpose.
    """
    require(user, victim, "change")
    if purpose is not None:
        _choice(purpose, ConsentPurpose, _("consent purpose"))
    withdrawn_on = _date(on, _("the date of withdrawal"))
    everything = purpose in (None, ConsentPurpose.DOCUMENTATION)
    recorder = user if getattr(user, "is_authenticated", False) else None
    active = Consent.objects.filter(victim=victim, withdrawn_on__isnull=True)
    if not everything:
        active = active.filter(purpose=purpose)
    changed = []
    with acting_as(user):
        for consent in active:
            consent.withdrawn_on = withdrawn_on
            consent.withdrawal_recorded_by = recorder
            consent.save()
            changed.append(consent)
        if everything:
            victim.withdrawn_at = timezone.now()
            victim.save()
    return changed


# -- assistance ------------------------------------------------------------------------------------


def _require_assistance(user, assistance: Assistance, action: str) -> None:
    require(user, assistance, action)
    if assistance.closed_on is not None and action != "view":
        raise VictimError(_("this assistance case is closed; reopen it before changing it"))


@transaction.atomic
def open_assistance(user, victim: Victim, *, opened_on=None, officer=None) -> Assistance:
    """Open an assistance case for a victim the user may see, in the victim's organisation."""
    require(user, victim, "view")
    require_in_organisation(user, Assistance, victim.organisation, "add")
    assistance = Assistance(
        victim=victim,
        organisation_id=victim.organisation_id,
        opened_on=_date(opened_on, _("the opening date")),
        officer=officer,
    )
    if officer is not None and not permissions.may(
        officer, Assistance, "change", victim.organisation_id
    ):
        raise VictimError(
            _(
                "the assistance officer must be a member of the victim's organisation with a role "
                "that may work on assistance"
            )
        )
    with acting_as(user):
        assistance.save()
    return assistance


@transaction.atomic
def add_need(
    user,
    assistance: Assistance,
    category: str,
    *,
    identified_on=None,
    details: str = "",
    status: str = NeedStatus.OPEN,
) -> Need:
    _require_assistance(user, assistance, "change")
    _choice(category, NeedCategory, _("need"))
    _choice(status, NeedStatus, _("need status"))
    with acting_as(user):
        return Need.objects.create(
            assistance=assistance,
            category=category,
            status=status,
            identified_on=_date(identified_on, _("the date the need was identified")),
            details=_text(details, _("the details")),
        )


@transaction.atomic
def set_need_status(user, need: Need, status: str) -> Need:
    _require_assistance(user, need.assistance, "change")
    need.status = _choice(status, NeedStatus, _("need status"))
    with acting_as(user):
        need.save()
    return need


def _check_need(assistance: Assistance, need: Need | None) -> None:
    if need is not None and need.assistance_id != assistance.pk:
        raise VictimError(_("the need belongs to another assistance case"))


@transaction.atomic
def refer(
    user,
    assistance: Assistance,
    provider: str,
    *,
    referred_on=None,
    need: Need | None = None,
    status: str = ReferralStatus.REFERRED,
) -> Referral:
    """Refer the person to a provider. Needs the person's active consent to referral."""
    _require_assistance(user, assistance, "change")
    _check_need(assistance, need)
    _choice(status, ReferralStatus, _("referral status"))
    if not has_consent(assistance.victim, ConsentPurpose.REFERRAL):
        raise VictimError(
            _(
                "the person has not consented to referral for assistance (or withdrew it); "
                "record their consent first"
            )
        )
    referred_on = _date(referred_on, _("the referral date"))
    with acting_as(user):
        return Referral.objects.create(
            assistance=assistance,
            need=need,
            status=status,
            referred_on=referred_on,
            status_on=referred_on,
            provider=_text(provider, _("the provider"), required=True, max_length=200),
        )


@transaction.atomic
def set_referral_status(user, referral: Referral, status: str, *, on=None) -> Referral:
    _require_assistance(user, referral.assistance, "change")
    referral.status = _choice(status, ReferralStatus, _("referral status"))
    referral.status_on = _date(on, _("the date of the status"))
    with acting_as(user):
        referral.save()
    return referral


@transaction.atomic
def record_service(
    user,
    assistance: Assistance,
    category: str,
    *,
    delivered_on=None,
    provider: str = "",
    details: str = "",
    need: Need | None = None,
) -> Service:
    _require_assistance(user, assistance, "change")
    _check_need(assistance, need)
    _choice(category, NeedCategory, _("service"))
    with acting_as(user):
        return Service.objects.create(
            assistance=assistance,
            need=need,
            category=category,
            delivered_on=_date(delivered_on, _("the delivery date")),
            provider=_text(provider, _("the provider"), max_length=200),
            details=_text(details, _("the details")),
        )


@transaction.atomic
def add_follow_up(user, assistance: Assistance, *, date=None, note: str = "") -> FollowUp:
    _require_assistance(user, assistance, "change")
    with acting_as(user):
        return FollowUp.objects.create(
            assistance=assistance,
            date=_date(date, _("the follow-up date")),
            note=_text(note, _("the note")),
            by=user if getattr(user, "is_authenticated", False) else None,
        )


@transaction.atomic
def close_assistance(user, assistance: Assistance, reason: str, *, closed_on=None) -> Assistance:
    _require_assistance(user, assistance, "change")
    assistance.closure_reason = _choice(reason, ClosureReason, _("reason for closure"))
    assistance.closed_on = _date(closed_on, _("the closing date"))
    _full_clean(assistance, exclude=["victim", "officer"])
    with acting_as(user):
        assistance.save()
    return assistance


@transaction.atomic
def reopen_assistance(user, assistance: Assistance) -> Assistance:
    require(user, assistance, "change")
    assistance.closed_on = None
    assistance.closure_reason = ""
    with acting_as(user):
        assistance.save()
    return assistance
