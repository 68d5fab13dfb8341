"""The case pages: opening a case on incidents, the status buttons, findings, referrals, tasks and deadlines."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from vigie.cases.models import Case, CaseTask
from vigie.core.models import ChangeLogEntry

pytestmark = pytest.mark.django_db


def detail(case) -> str:
    return reverse("cases:case_detail", kwargs={"pk": case.pk})


def test_open_a_case_on_incidents_typed_by_number_or_ticked_from_a_search(world, english):
    client = world.client("A:investigator")
    search = client.post(
        reverse("cases:case_new"),
        {
            "organisation": world.alpha.pk,
            "reference": "INV-2",
            "title": "Boni",
            "query": "Marché-de",
            "do": "search",
        },
    )
    page = search.content.decode()
    assert search.status_code == 200 and f'name="incident" value="{world.incident.pk}"' in page
    assert "Ménaka-Beta" not in page  # another organisation's incident is not found
    assert not Case.objects.filter(reference="INV-2").exists()  # a search opens nothing
    response = client.post(
        reverse("cases:case_new"),
        {
            "organisation": world.alpha.pk,
            "reference": "INV-2",
            "title": "Boni, mars 2024",
            "lead_investigator": world.users["A:investigator"].pk,
            "incident": [str(world.incident.pk)],
            "do": "open",
        },
    )
    case = Case.objects.get(reference="INV-2")
    assert response.status_code == 302 and response["Location"] == detail(case)
    assert list(case.incidents.all()) == [world.incident]
    assert case.lead_investigator == world.users["A:investigator"]


def test_an_incident_the_user_cannot_see_is_refused_and_nothing_is_opened(world, english):
    client = world.client("A:investigator")
    response = client.post(
        reverse("cases:case_new"),
        {
            "organisation": world.alpha.pk,
            "reference": "INV-3",
            "title": "Ménaka",
            "incident_ids": f"{world.incident.pk}, {world.beta_incident.pk}",
            "do": "open",
        },
    )
    assert response.status_code == 200
    assert (
        f"No incident you can see has the number {world.beta_incident.pk}"
        in response.content.decode()
    )
    assert not Case.objects.filter(reference="INV-3").exists()
    # A reference already used by the organisation: the service's message, nothing opened.
    response = client.post(
        reverse("cases:case_new"),
        {
            "organisation": world.alpha.pk,
            "reference": "INV-2024-001",
            "title": "Doublon",
            "do": "open",
        },
    )
    assert "already has a case INV-2024-001" in response.content.decode()
    assert Case.objects.filter(reference="INV-2024-001").count() == 1


def test_the_case_page_links_its_incidents_and_logs_the_read(world, english):
    client = world.client("A:investigator")
    case_type = ContentType.objects.get_for_model(Case)
    before = ChangeLogEntry.objects.filter(
        action="read", content_type=case_type, object_id=world.case.pk
    ).count()
    page = client.get(detail(world.case)).content.decode()
    assert reverse("web:incident_detail", kwargs={"pk": world.incident.pk}) in page
    assert world.item.sha256[:16] in page  # the evidence list with its hashes
    assert "Received" in page  # the custody events
    reads = ChangeLogEntry.objects.filter(
        action="read", content_type=case_type, object_id=world.case.pk
    )
    assert reads.count() == before + 1
    assert reads.order_by("-sequence").first().user == world.users["A:investigator"]


def test_status_buttons_offer_only_allowed_moves_and_closing_needs_a_reason(world, english):
    client = world.client("A:investigator")
    page = client.get(detail(world.case)).content.decode()
    assert "Mark as “In progress”" in page and "Mark as “Closed”" in page
    assert "Mark as “Referred”" not in page  # not from "open"
    url = reverse("cases:case_status", kwargs={"pk": world.case.pk})
    refused = client.post(url, {"to-closed-status": "closed", "to-closed-reason": ""})
    assert (
        refused.status_code == 200
        and "closing or reopening a case needs a reason" in refused.content.decode()
    )
    world.case.refresh_from_db()
    assert world.case.status == "open"
    skipped = client.post(url, {"to-referred-status": "referred"})
    assert "cannot go from" in skipped.content.decode()
    world.case.refresh_from_db()
    assert world.case.status == "open"
    assert (
        client.post(
            url, {"to-closed-status": "closed", "to-closed-reason": "Plainte retirée"}
        ).status_code
        == 302
    )
    world.case.refresh_from_db()
    assert world.case.status == "closed" and world.case.status_reason == "Plainte retirée"
    page = client.get(detail(world.case)).content.decode()
    assert "Mark as “In progress”" in page and "Plainte retirée" in page  # reopening, with a reason


def test_findings_are_shown_to_investigators_not_to_administrators(world, english):
    client = world.client("A:investigator")
    url = reverse("cases:case_findings", kwargs={"pk": world.case.pk})
    assert (
        client.post(url, {"findings": "Les tirs venaient du nord (Zq8-constat)."}).status_code
        == 302
    )
    assert "Zq8-constat" in client.get(detail(world.case)).content.decode()
    admin_page = world.client("A:admin").get(detail(world.case)).content.decode()
    assert "Zq8-constat" not in admin_page and "Findings are recorded" in admin_page
    assert world.item.sha256[:16] not in admin_page  # nor the evidence, which is not theirs


def test_referrals_and_tasks_are_added_and_an_overdue_deadline_is_flagged(world, english):
    client = world.client("A:investigator")
    case = world.case
    response = client.post(
        reverse("cases:case_referral_add", kwargs={"pk": case.pk}),
        {
            "recipient_kind": "court",
            "recipient_name": "TGI de Mopti",
            "referred_on": "2024-04-02",
            "reference": "RP-12",
            "status": "sent",
            "notes": "",
        },
    )
    assert response.status_code == 302
    referral = case.referrals.get()
    assert referral.recipient_name == "TGI de Mopti" and referral.status == "sent"
    client.post(
        reverse("cases:case_referral_status", kwargs={"pk": case.pk}),
        {"referral": referral.pk, "status": "acknowledged"},
    )
    referral.refresh_from_db()
    assert referral.status == "acknowledged"
    bad = client.post(
        reverse("cases:case_task_add", kwargs={"pk": case.pk}), {"title": "", "due_on": "demain"}
    )
    assert bad.status_code == 200 and not CaseTask.objects.exists()
    yesterday = datetime.date.today() - datetime.timedelta(days=3)
    client.post(
        reverse("cases:case_task_add", kwargs={"pk": case.pk}),
        {"title": "Délai d'appel", "due_on": yesterday.isoformat(), "is_deadline": "on"},
    )
    task = CaseTask.objects.get()
    assert task.is_deadline and task.due_on == yesterday
    case.incidents.add(world.beta_incident)  # two incidents: the count must not double
    listing = client.get(reverse("cases:case_list")).content.decode()
    assert "1 overdue" in listing
    assert "overdue" in client.get(detail(case)).content.decode()
    only_overdue = client.get(reverse("cases:case_list") + "?overdue=1").content.decode()
    assert "INV-2024-001" in only_overdue
    client.post(reverse("cases:case_task_done", kwargs={"pk": case.pk}), {"task": task.pk})
    task.refresh_from_db()
    assert task.done_on is not None
    assert (
        "INV-2024-001" not in client.get(reverse("cases:case_list") + "?overdue=1").content.decode()
    )
