"""Victims' records through vigie.victims.services: access, search, consent, assistance, bad input."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from vigie.core.models import ChangeLogEntry, Role
from vigie.victims import services
from vigie.victims.demo import DEMO_NAME, load_demo
from vigie.victims.models import (
    Assistance,
    Consent,
    FollowUp,
    Need,
    Referral,
    Service,
    Victim,
    VictimAlias,
)
from vigie.victims.services import VictimError

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(keys_dir, organisation, incident, officer):
    return services.create_victim(
        officer,
        organisation,
        name="Oumou Sangaré-Test",
        aliases=["Oumou S."],
        sex="female",
        age=15,
        harms=["abducted"],
        incidents=[(incident, "direct_victim")],
        consents=["documentation", "referral"],
        consent_given_by="guardian",
    )


def reads_of(obj) -> list[ChangeLogEntry]:
    return list(
        ChangeLogEntry.objects.filter(
            action="read", content_type__model=obj._meta.model_name, object_id=obj.pk
        )
    )


def test_create_records_consents_links_and_who_acted(victim, officer, incident):
    assert victim.age_group == "child" and victim.recorded_by == officer
    assert sorted(victim.consents.values_list("purpose", "given_by")) == [
        ("documentation", "guardian"),
        ("referral", "guardian"),
    ]
    assert list(incident.victim_links.values_list("victim_id", "relation")) == [
        (victim.pk, "direct_victim")
    ]
    created = ChangeLogEntry.objects.get(
        action="create", content_type__model="victim", object_id=victim.pk
    )
    assert created.user_id == officer.pk


def test_reading_a_victim_is_logged_with_its_purpose(victim, officer):
    read = services.read_victim(officer, victim.pk, "prepare the referral")
    assert read.name == "Oumou Sangaré-Test"
    [entry] = reads_of(victim)
    assert entry.user_id == officer.pk and entry.postchange == {"purpose": "prepare the referral"}
    with pytest.raises(VictimError, match="purpose"):
        services.read_victim(officer, victim.pk, "  ")


def test_outside_the_scope_a_victim_does_not_exist(
    victim, member, organisation, other_organisation
):
    stranger = member(Role.COORDINATOR, other_organisation)
    monitor = member(
        Role.MONITOR, organisation
    )  # in the organisation, but monitors do not see victims
    analyst = member(Role.ANALYST, organisation)
    for user in (stranger, monitor, analyst):
        with pytest.raises(Http404):
            services.read_victim(user, victim.pk, "curiosity")
        assert services.find_by_name(user, "Oumou Sangaré-Test", "search") == []
        assert not Victim.objects.visible_to(user).exists()
        with pytest.raises(Http404):
            services.update_victim(user, victim, testimony="x")
    with pytest.raises(PermissionDenied):
        services.create_victim(stranger, organisation, name="Someone")
    investigator = member(Role.INVESTIGATOR, organisation)
    assert services.read_victim(investigator, victim.pk, "case 12").pk == victim.pk
    with pytest.raises(Http404):  # investigators see victims, not their assistance
        services.read_assistance(investigator, services.open_assistance(None, victim).pk, "look")


def test_find_by_name_is_exact_on_names_and_aliases_and_logs_each_read(
    victim, officer, organisation
):
    services.create_victim(officer, organisation, name="Oumou Sangaré")
    found = services.find_by_name(officer, "OUMOU  sangare-test", "check for a duplicate")
    assert [v.pk for v in found] == [victim.pk]
    assert [v.pk for v in services.find_by_name(officer, "oumou s", "check")] == [
        victim.pk
    ]  # the alias
    assert services.find_by_name(officer, "Oumou", "check") == []  # no partial matches
    assert len(reads_of(victim)) == 2


def test_withdrawing_documentation_consent_hides_the_record_from_everyone(
    victim, officer, member, organisation
):
    assistance = services.open_assistance(officer, victim)
    services.add_need(officer, assistance, "medical")
    superuser = member(Role.COORDINATOR, organisation, superuser=True)
    services.withdraw_consent(officer, victim, "documentation", on=datetime.date(2024, 5, 1))

    assert (
        Consent.all_objects.filter(
            victim_id=victim.pk, withdrawn_on=datetime.date(2024, 5, 1)
        ).count()
        == 2
    )
    for model in (Victim, VictimAlias, Consent, Assistance, Need, Referral, Service, FollowUp):
        assert not model.objects.exists(), model
    for user in (officer, superuser, None):
        assert not Victim.objects.visible_to(user).exists()
        assert not Assistance.objects.visible_to(user).exists()
        assert not services.needs_for(user).exists()
        assert services.find_by_name(user, "Oumou Sangaré-Test", "search") == []
        with pytest.raises(Http404):
            services.read_victim(user, victim.pk, "look")
    # The audit keeps the trace: the record, its withdrawal, who recorded it.
    assert Victim.all_objects.get(pk=victim.pk).withdrawn_at is not None
    entries = ChangeLogEntry.objects.filter(content_type__model="victim", object_id=victim.pk)
    assert {"create", "update"} <= set(entries.values_list("action", flat=True))


def test_withdrawing_one_other_purpose_keeps_the_record(victim, officer):
    assistance = services.open_assistance(officer, victim)
    services.withdraw_consent(officer, victim, "referral")
    assert Victim.objects.filter(pk=victim.pk).exists()
    assert not services.has_consent(victim, "referral") and services.has_consent(
        victim, "documentation"
    )
    with pytest.raises(VictimError, match="consented to referral"):
        services.refer(officer, assistance, "Hôpital de Sévaré")
    services.record_consent(officer, victim, "referral")
    assert services.refer(officer, assistance, "Hôpital de Sévaré").status == "referred"


def test_an_assistance_case_from_need_to_closure(victim, officer):
    assistance = services.open_assistance(
        officer, victim, opened_on=datetime.date(2024, 3, 5), officer=officer
    )
    need = services.add_need(officer, assistance, "psychosocial", details="Cauchemars")
    referral = services.refer(officer, assistance, "Centre d'écoute", need=need)
    services.set_referral_status(officer, referral, "completed")
    services.record_service(
        officer, assistance, "psychosocial", need=need, provider="Centre d'écoute"
    )
    services.add_follow_up(officer, assistance, note="Va mieux")
    services.close_assistance(officer, assistance, "needs_met", closed_on=datetime.date(2024, 6, 1))
    read = services.read_assistance(officer, assistance.pk, "quarterly review")
    assert read.closed_on == datetime.date(2024, 6, 1) and read.needs.get().details == "Cauchemars"
    assert reads_of(assistance)[0].postchange == {"purpose": "quarterly review"}
    with pytest.raises(VictimError, match="closed"):
        services.add_need(officer, assistance, "legal")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"name": ""}, "name is required"),
        ({"name": "X", "sex": "Aminata"}, "not a valid sex"),
        ({"name": "X", "age": -3}, "age must be"),
        ({"name": "X", "harms": ["killed", "bored"]}, "not a valid harm"),
        ({"name": "X", "harms": "killed"}, "must be a list"),
        ({"name": "X", "nickname": "Y"}, "unknown field"),
        ({"name": "X", "testimony": 12}, "must be text"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    keys_dir, organisation, officer, fields, message
):
    with pytest.raises(VictimError, match=message) as caught:
        services.create_victim(officer, organisation, consents=["documentation"], **fields)
    assert "Aminata" not in str(caught.value)  # a value typed in the wrong box is not repeated
    assert not Victim.all_objects.exists() and not Consent.all_objects.exists()


def test_an_incident_the_user_cannot_see_cannot_be_linked(
    keys_dir, organisation, other_organisation, officer
):
    from vigie.incidents.models import Incident

    hidden = Incident.objects.create(
        organisation=other_organisation,
        visibility="organisation",
        date_start=datetime.date(2024, 1, 1),
        date_end=datetime.date(2024, 1, 1),
    )
    with pytest.raises(VictimError, match="not visible to you"):
        services.create_victim(officer, organisation, name="X", incidents=[(hidden, "witness")])
    assert not Victim.all_objects.exists()


def test_the_demo_victim_is_consented_and_assisted_once(keys_dir, organisation, incident, officer):
    assistance = load_demo(organisation, incident, officer)
    assert load_demo(organisation, incident, officer).pk == assistance.pk
    victim = assistance.victim
    assert victim.name == DEMO_NAME and services.has_consent(victim, "documentation")
    assert assistance.needs.count() == 3 and assistance.referrals.get().status == "completed"
    assert assistance.services.count() == 1 and assistance.follow_ups.count() == 1
    assert [v.pk for v in services.find_by_name(None, "aminata demo traore", "demo")] == [victim.pk]
