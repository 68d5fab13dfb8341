"""The victim pages: no names in lists, a purpose before any identifying field (and a logged read),
the search by exact name, recording with consent, withdrawal that hides the record, assistance and
the outcome report."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from vigie.core.models import ChangeLogEntry
from vigie.victims import services
from vigie.victims.models import Assistance, Consent, FollowUp, Need, Referral, Service, Victim

from .conftest import CANARY_NAME, CANARY_TESTIMONY, open_record

pytestmark = pytest.mark.django_db


def detail(pk) -> str:
    return reverse("victims:victim_detail", kwargs={"pk": pk})


def reads_of(victim) -> list[ChangeLogEntry]:
    victim_type = ContentType.objects.get_for_model(Victim)
    return list(
        ChangeLogEntry.objects.filter(
            action="read", content_type=victim_type, object_id=victim.pk
        ).order_by("sequence")
    )


def test_the_record_asks_for_a_purpose_before_showing_anything_identifying(world, english):
    client = world.client("A:investigator")
    page = client.get(detail(world.victim.pk)).content.decode()
    assert "Why do you open this record?" in page
    assert "Zq7-canari" not in page
    assert "Female" in page and "Injured" in page  # what a list would show
    assert reads_of(world.victim) == []
    # A purpose in the address opens nothing: it must be sent with the form.
    assert (
        "Zq7-canari"
        not in client.get(detail(world.victim.pk) + "?purpose=investigation").content.decode()
    )
    refused = client.post(detail(world.victim.pk), {"purpose": "other", "detail": ""})
    assert (
        "Say what the consultation is for" in refused.content.decode()
        and reads_of(world.victim) == []
    )
    response = open_record(client, world.victim.pk, "investigation")
    assert response.status_code == 302 and response["Location"] == detail(world.victim.pk)
    page = client.get(detail(world.victim.pk)).content.decode()
    assert CANARY_NAME in page and CANARY_TESTIMONY in page
    assert f"<title>Victim {world.victim.pk} · Vigie</title>" in page  # never the name in the title
    [read] = reads_of(world.victim)
    assert read.user == world.users["A:investigator"] and read.postchange == {
        "purpose": "investigation"
    }
    assert "Zq7" not in read.object_repr
    client.get(detail(world.victim.pk))
    assert len(reads_of(world.victim)) == 2  # every showing is a read


def test_closing_the_record_asks_for_a_purpose_again(world, english):
    client = world.client("A:assistance_officer")
    open_record(client, world.victim.pk, "other", "demande du tribunal")
    assert reads_of(world.victim) == []
    client.get(detail(world.victim.pk))
    assert reads_of(world.victim)[0].postchange == {"purpose": "other: demande du tribunal"}
    response = client.post(detail(world.victim.pk), {"end": "1"})
    assert response.status_code == 302
    assert "Zq7-canari" not in client.get(detail(world.victim.pk)).content.decode()


def test_the_consultation_is_for_one_user_and_one_victim(world, english):
    other = services.create_victim(
        None, world.alpha, name="Autre personne Zq9", consents=["documentation"]
    )
    officer = world.client("A:assistance_officer")
    open_record(officer, world.victim.pk)
    assert "Zq9" not in officer.get(detail(other.pk)).content.decode()
    assert (
        "Zq7-canari"
        not in world.client("A:coordinator").get(detail(world.victim.pk)).content.decode()
    )


def test_the_list_shows_no_names_and_the_search_finds_by_exact_name_only(world, english):
    client = world.client("A:assistance_officer")
    page = client.get(reverse("victims:victim_list")).content.decode()
    assert detail(world.victim.pk) in page and "Zq7-canari" not in page
    assert reverse("web:incident_detail", kwargs={"pk": world.incident.pk}) in page
    found = client.post(
        reverse("victims:victim_list"),
        {"name": "kadiatou zq7 canari nom sidibe", "purpose": "assistance"},
    )
    text = found.content.decode()
    assert found.status_code == 200 and "Search results" in text and detail(world.victim.pk) in text
    assert (
        "Zq7-canari" not in text and "zq7 canari" not in text
    )  # the name typed is not written back
    assert [read.postchange for read in reads_of(world.victim)] == [
        {"purpose": "search: assistance"}
    ]
    partial = client.post(
        reverse("victims:victim_list"), {"name": "Kadiatou", "purpose": "assistance"}
    )
    assert "No record you may see has exactly this name" in partial.content.decode()
    by_alias = client.post(
        reverse("victims:victim_list"), {"name": "Maman Zq7-canari-alias", "purpose": "assistance"}
    )
    assert detail(world.victim.pk) in by_alias.content.decode()
    outsider = world.client("B:assistance_officer").post(
        reverse("victims:victim_list"), {"name": CANARY_NAME, "purpose": "assistance"}
    )
    assert detail(world.victim.pk) not in outsider.content.decode()
    filtered = client.get(reverse("victims:victim_list") + "?harm=killed").content.decode()
    assert detail(world.victim.pk) not in filtered
    assert (
        detail(world.victim.pk)
        in client.get(reverse("victims:victim_list") + "?harm=displaced").content.decode()
    )


def test_recording_a_victim_with_consent(world, english):
    client = world.client("A:assistance_officer")
    form = {
        "organisation": world.alpha.pk,
        "name": "Oumar Zq5 Traoré",
        "aliases": "Vieux Zq5\n\n",
        "sex": "male",
        "age": "67",
        "age_group": "unknown",
        "civilian_status": "civilian",
        "harms": ["detained", "tortured"],
        "testimony": "Arrêté au marché.",
        "incident_ids": str(world.incident.pk),
        "relation": "direct_victim",
        "consents": ["referral"],
        "consent_given_on": "2024-03-10",
        "consent_given_by": "victim",
    }
    refused = client.post(reverse("victims:victim_new"), form)
    assert "Without consent to documentation" in refused.content.decode()
    assert not Victim.objects.filter(age=67).exists()
    outside = client.post(
        reverse("victims:victim_new"),
        {**form, "consents": ["documentation"], "incident_ids": str(world.beta_incident.pk)},
    )
    assert "No incident you can see has the number" in outside.content.decode()
    response = client.post(
        reverse("victims:victim_new"), {**form, "consents": ["documentation", "referral"]}
    )
    victim = Victim.objects.get(age=67)
    assert response.status_code == 302 and response["Location"] == detail(victim.pk)
    assert "Zq5" not in response["Location"]
    assert (
        victim.name == "Oumar Zq5 Traoré"
        and victim.age_group == "elderly"
        and victim.harms == ["detained", "tortured"]
    )
    assert [alias.name for alias in victim.aliases.all()] == ["Vieux Zq5"]
    assert list(victim.incident_links.values_list("incident_id", flat=True)) == [world.incident.pk]
    consents = Consent.objects.filter(victim=victim)
    assert {c.purpose for c in consents} == {"documentation", "referral"}
    assert {c.recorded_by for c in consents} == {world.users["A:assistance_officer"]}
    assert all(c.given_on == datetime.date(2024, 3, 10) for c in consents)
    page = client.get(response["Location"]).content.decode()  # the recorder sees what they recorded
    assert "Oumar Zq5 Traoré" in page and reads_of(victim)[0].postchange == {"purpose": "recording"}


def test_editing_needs_a_purpose_and_keeps_a_read(world, english):
    client = world.client("A:assistance_officer")
    edit = reverse("victims:victim_edit", kwargs={"pk": world.victim.pk})
    page = client.get(edit).content.decode()
    assert "Why do you open this record?" in page and "Zq7-canari" not in page
    client.post(detail(world.victim.pk), {"purpose": "verification", "then": "edit"})
    form = client.get(edit).content.decode()
    assert CANARY_NAME in form
    response = client.post(
        edit,
        {
            "name": CANARY_NAME,
            "aliases": "",
            "sex": "female",
            "age": "",
            "age_group": "adult",
            "civilian_status": "civilian",
            "harms": ["injured"],
            "testimony": CANARY_TESTIMONY,
            "contact": "",
            "incident_ids": "",
            "relation": "direct_victim",
        },
    )
    assert response.status_code == 302
    victim = Victim.objects.get(pk=world.victim.pk)
    assert victim.age is None and victim.age_group == "adult" and victim.harms == ["injured"]
    assert not victim.aliases.exists()


def test_withdrawing_consent_hides_the_record_from_everyone(world, english):
    client = world.client("A:assistance_officer")
    url = reverse("victims:victim_withdraw", kwargs={"pk": world.victim.pk})
    page = client.get(url).content.decode()
    assert "hides this record" in page and "Zq7-canari" not in page
    assert (
        client.post(url, {"purpose": "all", "on": datetime.date.today().isoformat()}).status_code
        == 200
    )
    assert Victim.objects.filter(pk=world.victim.pk).exists()  # not without the confirmation
    response = client.post(
        url, {"purpose": "all", "on": datetime.date.today().isoformat(), "confirm": "on"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("victims:victim_list")
    assert not Victim.objects.filter(pk=world.victim.pk).exists()
    assert Victim.all_objects.get(pk=world.victim.pk).withdrawn_at is not None
    for who in ("A:assistance_officer", "A:coordinator", "A:investigator", "operator"):
        visitor = world.client(who)
        assert visitor.get(detail(world.victim.pk)).status_code == 404, who
        assert (
            detail(world.victim.pk)
            not in visitor.get(reverse("victims:victim_list")).content.decode()
        )
        assert (
            visitor.post(
                reverse("victims:victim_list"), {"name": CANARY_NAME, "purpose": "assistance"}
            )
            .content.decode()
            .count(detail(world.victim.pk))
            == 0
        )
    assert (
        world.client("A:coordinator")
        .post(
            reverse("victims:assistance_update", kwargs={"pk": world.assistance.pk}),
            {"form": "reopen"},
        )
        .status_code
        == 404
    )


def test_withdrawing_one_purpose_ends_that_purpose_only(world, english):
    services.record_consent(None, world.victim, "referral")
    client = world.client("A:assistance_officer")
    url = reverse("victims:victim_withdraw", kwargs={"pk": world.victim.pk})
    client.post(
        url, {"purpose": "referral", "on": datetime.date.today().isoformat(), "confirm": "on"}
    )
    assert Victim.objects.filter(pk=world.victim.pk).exists()
    assert not services.has_consent(world.victim, "referral") and services.has_consent(
        world.victim, "documentation"
    )


def test_assistance_needs_referrals_with_consent_services_follow_ups_and_closure(world, english):
    client = world.client("A:assistance_officer")
    open_record(client, world.victim.pk, "assistance")
    url = reverse("victims:assistance_update", kwargs={"pk": world.assistance.pk})
    prefix = f"a{world.assistance.pk}"
    need = Need.objects.get()
    client.post(
        url,
        {
            "form": "need",
            f"{prefix}-need-category": "shelter",
            f"{prefix}-need-identified_on": "2024-03-09",
            f"{prefix}-need-status": "open",
            f"{prefix}-need-details": "Maison détruite",
        },
    )
    assert [n.details for n in Need.objects.filter(category="shelter")] == ["Maison détruite"]
    refused = client.post(
        url,
        {
            "form": "referral",
            f"{prefix}-referral-provider": "CSRéf de Mopti",
            f"{prefix}-referral-referred_on": "2024-03-10",
            f"{prefix}-referral-status": "referred",
            f"{prefix}-referral-need": need.pk,
        },
    )
    assert (
        refused.status_code == 200 and "has not consented to referral" in refused.content.decode()
    )
    assert not Referral.objects.exists()
    client.post(
        reverse("victims:victim_consent", kwargs={"pk": world.victim.pk}),
        {"purposes": ["referral"], "given_on": "2024-03-10", "given_by": "victim"},
    )
    assert (
        Consent.objects.get(purpose="referral").recorded_by == world.users["A:assistance_officer"]
    )
    client.post(
        url,
        {
            "form": "referral",
            f"{prefix}-referral-provider": "CSRéf de Mopti",
            f"{prefix}-referral-referred_on": "2024-03-10",
            f"{prefix}-referral-status": "referred",
            f"{prefix}-referral-need": need.pk,
        },
    )
    referral = Referral.objects.get()
    assert referral.need == need
    client.post(url, {"form": "referral_status", "referral": referral.pk, "status": "completed"})
    client.post(url, {"form": "need_status", "need": need.pk, "status": "met"})
    client.post(
        url,
        {
            "form": "service",
            f"{prefix}-service-category": "medical",
            f"{prefix}-service-need": need.pk,
            f"{prefix}-service-delivered_on": "2024-03-12",
            f"{prefix}-service-provider": "CSRéf",
        },
    )
    client.post(
        url,
        {
            "form": "follow_up",
            f"{prefix}-follow_up-date": "2024-04-01",
            f"{prefix}-follow_up-note": "Cicatrisé",
        },
    )
    referral.refresh_from_db()
    need.refresh_from_db()
    assert referral.status == "completed" and need.status == "met"
    assert (
        Service.objects.get().need == need
        and FollowUp.objects.get().by == world.users["A:assistance_officer"]
    )
    page = client.get(detail(world.victim.pk)).content.decode()
    assert "CSRéf de Mopti" in page and "Cicatrisé" in page
    before_opening = client.post(
        url,
        {
            "form": "close",
            f"{prefix}-close-reason": "needs_met",
            f"{prefix}-close-closed_on": "2024-04-02",
        },
    )
    assert "cannot close before it opened" in before_opening.content.decode()
    client.post(
        url,
        {
            "form": "close",
            f"{prefix}-close-reason": "needs_met",
            f"{prefix}-close-closed_on": datetime.date.today().isoformat(),
        },
    )
    assistance = Assistance.objects.get()
    assert assistance.closure_reason == "needs_met"
    closed = client.post(url, {"form": "follow_up", f"{prefix}-follow_up-date": "2024-04-03"})
    assert "this assistance case is closed" in closed.content.decode()
    client.post(url, {"form": "reopen"})
    assistance.refresh_from_db()
    assert assistance.closed_on is None


def test_opening_an_assistance_case(world, english):
    client = world.client("A:assistance_officer")
    url = reverse("victims:assistance_open", kwargs={"pk": world.victim.pk})
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and Assistance.objects.count() == 2
    assert Assistance.objects.order_by("-pk").first().officer == world.users["A:assistance_officer"]
    assert (
        world.client("A:investigator").post(url).status_code == 403
    )  # sees victims, not assistance


def test_the_outcome_report_counts_without_names_and_suppresses_small_cells(world, english):
    client = world.client("A:coordinator")
    page = client.get(reverse("victims:assistance_report")).content.decode()
    assert "Medical" in page and "&lt;5" in page and "Zq7" not in page
    assert "Pansements" not in page  # no free text
    by_sex = client.get(
        reverse("victims:assistance_report") + "?by=sex&start=2000-01-01"
    ).content.decode()
    assert "Female" in by_sex and "Region" not in by_sex.split("<tbody>")[0].split("<thead>")[-1]
    csv_text = client.get(
        reverse("victims:assistance_report") + "?by=sex&format=csv"
    ).content.decode()
    assert (
        csv_text.splitlines()[0] == "measure,category,sex,count"
        and "needs,medical,female,<5" in csv_text
    )
