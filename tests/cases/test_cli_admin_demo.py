"""`vigie case`, the admin's scope, and the demo case."""

import hashlib

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.test import Client

from vigie.cases.choices import CaseStatus
from vigie.cases.services import open_case, record_findings
from vigie.cli import main
from vigie.core.models import ChangeLogEntry

pytestmark = pytest.mark.django_db


def test_case_list_and_show(case, investigator):
    record_findings(case, "Le témoin Oumar Touré a vu les auteurs", investigator)
    listing = CliRunner().invoke(main, ["case", "list"])
    assert listing.exit_code == 0 and case.reference in listing.output
    shown = CliRunner().invoke(main, ["case", "show", case.reference])
    assert shown.exit_code == 0, shown.output
    assert "status: open" in shown.output and "Touré" not in shown.output
    assert ChangeLogEntry.objects.filter(action="read", object_id=case.pk).exists()
    with_findings = CliRunner().invoke(main, ["case", "show", case.reference, "--with-findings"])
    assert "Touré" in with_findings.output
    missing = CliRunner().invoke(main, ["case", "show", "NOPE"])
    assert missing.exit_code == 2 and "no case 'NOPE'" in missing.output


def test_case_open_from_the_cli(organisation, incident, investigator):
    from vigie.cases.models import Case

    opened = CliRunner().invoke(
        main,
        [
            "case",
            "open",
            "INV-9",
            "Mopti, mars 2024",
            "--organisation",
            "amdh",
            "--incident",
            str(incident.pk),
            "--lead",
            investigator.username,
        ],
    )
    assert opened.exit_code == 0, opened.output
    case = Case.objects.get(reference="INV-9")
    assert case.lead_investigator == investigator and list(case.incidents.all()) == [incident]
    again = CliRunner().invoke(main, ["case", "open", "INV-9", "Autre", "--organisation", "amdh"])
    assert again.exit_code == 1 and "already has a case" in again.output
    unknown = CliRunner().invoke(
        main, ["case", "open", "INV-10", "T", "--organisation", "amdh", "--incident", "999999"]
    )
    assert unknown.exit_code == 2 and not Case.objects.filter(reference="INV-10").exists()


def test_case_status_from_the_cli(case):
    refused = CliRunner().invoke(main, ["case", "status", case.reference, "closed"])
    assert refused.exit_code == 1 and "reason" in refused.output
    done = CliRunner().invoke(
        main, ["case", "status", case.reference, "closed", "--reason", "Doublon"]
    )
    assert done.exit_code == 0 and "closed" in done.output
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_a_reference_used_by_two_organisations_needs_organisation(
    case, other_organisation, outsider
):
    open_case(other_organisation, case.reference, "Homonyme", outsider)
    ambiguous = CliRunner().invoke(main, ["case", "show", case.reference])
    assert ambiguous.exit_code == 2 and "--organisation" in ambiguous.output
    chosen = CliRunner().invoke(main, ["case", "show", case.reference, "--organisation", "autre"])
    assert chosen.exit_code == 0 and "Homonyme" in chosen.output


def test_the_admin_querysets_are_restricted_for_non_superusers(
    case, other_organisation, outsider, investigator
):
    """The admin site opens to superusers only (accounts); its querysets are restricted all the same."""
    from django.contrib import admin
    from django.http import Http404
    from django.test import RequestFactory

    from vigie.cases.models import Case, Referral
    from vigie.cases.services import add_referral
    from vigie.evidence.models import CustodyEvent, EvidenceItem

    theirs = open_case(other_organisation, "AUT-1", "Leur dossier", outsider)
    add_referral(case, investigator, recipient_kind="court", recipient_name="Tribunal")
    request = RequestFactory().get("/admin/")
    request.user = outsider
    assert list(admin.site._registry[Case].get_queryset(request)) == [theirs]
    assert list(admin.site._registry[Referral].get_queryset(request)) == []
    assert list(admin.site._registry[EvidenceItem].get_queryset(request)) == []
    assert list(admin.site._registry[CustodyEvent].get_queryset(request)) == []
    request.user = investigator
    assert list(admin.site._registry[Referral].get_queryset(request)) == list(case.referrals.all())
    with pytest.raises(Http404):
        admin.site._registry[Case]._get_obj_does_not_exist_redirect(
            request, Case._meta, str(theirs.pk)
        )


def test_an_operator_reading_a_case_in_the_admin_is_logged(case):
    operator = get_user_model().objects.create_superuser("operateur", password="x" * 16)
    client = Client()
    client.force_login(operator)
    assert client.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
    assert ChangeLogEntry.objects.filter(action="read", object_id=case.pk, user=operator).exists()
    assert client.get("/admin/evidence/custodyevent/").status_code == 200


def test_the_demo_case(organisation, incident, store_dir):
    from vigie.cases.demo import DEMO_CASE_REFERENCE, load_demo
    from vigie.evidence.integrity import verify_store

    user = get_user_model().objects.create_superuser("demo", password="x" * 16)
    case = load_demo(organisation, [incident], user)
    assert case.reference == DEMO_CASE_REFERENCE and case.status == CaseStatus.REFERRED
    assert (
        case.lead_investigator == user and case.referrals.count() == 1 and case.tasks.count() == 1
    )
    items = list(case.evidence.order_by("pk"))
    assert [i.media_type for i in items] == ["image/png", "text/plain", "image/png"]
    assert items[2].derived_from == items[0] and items[2].sha256 != items[0].sha256
    for item in items:
        data = (
            store_dir / "sha256" / item.sha256[:2] / item.sha256[2:4] / item.sha256
        ).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item.sha256
    actions = set(items[0].custody.values_list("action", flat=True))
    assert {"received", "derived", "verified"} <= actions
    assert verify_store().ok
    assert load_demo(organisation, [incident], user) == case  # once only
    assert case.evidence.count() == 3
