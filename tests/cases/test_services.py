"""Cases: opening, allowed status changes, referrals, deadlines, scope, logged reads."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from vigie.cases.choices import ALLOWED_TRANSITIONS, CaseStatus
from vigie.cases.models import Case
from vigie.cases.services import (
    CaseError,
    InvalidTransition,
    add_referral,
    add_task,
    change_status,
    complete_task,
    open_case,
    overdue_tasks,
    read_case,
    record_findings,
)
from vigie.core.models import ChangeLogEntry, Role

from .fixtures import member

pytestmark = pytest.mark.django_db


def refer(case, user):
    return add_referral(
        case, user, recipient_kind="national_commission", recipient_name="CNDH", reference="2024/17"
    )


def test_opening_a_case(case, investigator, incident):
    assert case.status == CaseStatus.OPEN and case.lead_investigator == investigator
    assert list(case.incidents.all()) == [incident]
    created = ChangeLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Case), object_id=case.pk
    )
    assert created.action == "create" and created.user == investigator


def test_a_reference_is_unique_in_its_organisation(case, organisation, investigator):
    with pytest.raises(CaseError, match="already has a case"):
        open_case(organisation, case.reference, "Autre", investigator)


def test_the_usual_path_open_to_closed(case, investigator):
    case = change_status(case, CaseStatus.IN_PROGRESS, investigator)
    case = record_findings(case, "Les témoignages concordent.", investigator)
    case = change_status(case, CaseStatus.FINDINGS_RECORDED, investigator)
    refer(case, investigator)
    case = change_status(case, CaseStatus.REFERRED, investigator)
    case = change_status(case, CaseStatus.CLOSED, investigator, reason="Jugement rendu")
    assert case.status == CaseStatus.CLOSED and case.closed_on == datetime.date.today()
    reopened = change_status(case, CaseStatus.IN_PROGRESS, investigator, reason="Nouveaux éléments")
    assert reopened.closed_on is None


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (start, target)
        for start in CaseStatus.values
        for target in CaseStatus.values
        if target not in ALLOWED_TRANSITIONS[start]
    ],
)
def test_moves_that_are_not_allowed_are_refused(case, investigator, start, target):
    Case.objects.filter(pk=case.pk).update(status=start)
    case.refresh_from_db()
    with pytest.raises(InvalidTransition):
        change_status(case, target, investigator, reason="une raison")
    case.refresh_from_db()
    assert case.status == start


def test_closing_needs_a_reason(case, investigator):
    with pytest.raises(InvalidTransition, match="reason"):
        change_status(case, CaseStatus.CLOSED, investigator)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN
    closed = change_status(
        case, CaseStatus.CLOSED, investigator, reason="Doublon du dossier INV-2023-009"
    )
    with pytest.raises(InvalidTransition, match="reason"):
        change_status(closed, CaseStatus.IN_PROGRESS, investigator)


def test_findings_and_referral_must_exist_before_their_status(case, investigator):
    case = change_status(case, CaseStatus.IN_PROGRESS, investigator)
    with pytest.raises(InvalidTransition, match="findings"):
        change_status(case, CaseStatus.FINDINGS_RECORDED, investigator)
    record_findings(case, "Constats", investigator)
    case = change_status(case, CaseStatus.FINDINGS_RECORDED, investigator)
    with pytest.raises(InvalidTransition, match="referral"):
        change_status(case, CaseStatus.REFERRED, investigator)


def test_an_unknown_status_or_recipient_is_refused(case, investigator):
    with pytest.raises(InvalidTransition, match="not a case status"):
        change_status(case, "archived", investigator)
    with pytest.raises(CaseError, match="kind of recipient"):
        add_referral(case, investigator, recipient_kind="press", recipient_name="Journal")


def test_findings_are_encrypted_and_not_in_the_change_log(case, investigator):
    record_findings(case, "Le témoin Oumar Touré a vu les auteurs", investigator)
    with connection.cursor() as cursor:
        cursor.execute("SELECT findings FROM cases_case WHERE id = %s", [case.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("vgc1:") and "Touré" not in stored
    entries = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Case), object_id=case.pk
    )
    assert entries.count() == 2 and "Touré" not in str(
        list(entries.values_list("prechange", "postchange"))
    )
    assert Case.objects.get(pk=case.pk).findings == "Le témoin Oumar Touré a vu les auteurs"


def test_outside_the_scope_a_case_does_not_exist(case, outsider, analyst):
    for user in (outsider, analyst):
        with pytest.raises(Http404):
            read_case(user, pk=case.pk)
        with pytest.raises(Http404):
            change_status(case, CaseStatus.IN_PROGRESS, user)
        assert case not in Case.objects.visible_to(user)


def test_an_organisation_admin_may_read_but_not_change(case, organisation):
    administrator = member("admin-org", organisation, Role.ADMIN)
    assert read_case(administrator, pk=case.pk) == case
    with pytest.raises(PermissionDenied):
        change_status(case, CaseStatus.IN_PROGRESS, administrator)


def test_opening_needs_a_role_that_may_add_cases(organisation, analyst, outsider):
    for user in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            open_case(organisation, "INV-X", "Titre", user)


def test_every_read_is_logged(case, investigator):
    read_case(investigator, "revue", pk=case.pk)
    read = ChangeLogEntry.objects.get(
        action="read", content_type=ContentType.objects.get_for_model(Case), object_id=case.pk
    )
    assert read.user == investigator and read.postchange == {"purpose": "revue"}


def test_overdue_tasks(case, investigator, outsider, other_organisation):
    today = datetime.date(2024, 6, 1)
    late = add_task(
        case,
        investigator,
        title="Délai de la CNDH",
        due_on=datetime.date(2024, 5, 31),
        is_deadline=True,
    )
    add_task(case, investigator, title="Entretien", due_on=datetime.date(2024, 6, 2))
    done = add_task(case, investigator, title="Rapport", due_on=datetime.date(2024, 5, 1))
    complete_task(done, investigator, datetime.date(2024, 5, 2))
    theirs = open_case(other_organisation, "AUT-1", "Leur dossier", outsider)
    add_task(theirs, outsider, title="Leur délai", due_on=datetime.date(2024, 5, 1))
    assert list(overdue_tasks(investigator, today)) == [late]
    assert [t.title for t in overdue_tasks(outsider, today)] == ["Leur délai"]
    assert overdue_tasks(None, today).count() == 2  # the operator sees every organisation's


def test_incidents_must_be_visible_to_whoever_opens_the_case(
    organisation, other_organisation, investigator
):
    from vigie.incidents.models import Incident

    hidden = Incident.objects.create(
        organisation=other_organisation,
        date_start=datetime.date(2024, 1, 1),
        date_end=datetime.date(2024, 1, 1),
    )
    with pytest.raises(CaseError, match="not visible"):
        open_case(organisation, "INV-Y", "Titre", investigator, incidents=[hidden])
    assert not Case.objects.filter(reference="INV-Y").exists()
