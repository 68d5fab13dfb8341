"""An incident's page: its reports side by side, range and grade, map, timeline, history, and the
analyst's figures form (a reason required, logged)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from vigie.core.models import ChangeLogEntry
from vigie.incidents.models import Incident
from vigie.reports.models import Report, Source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogues")]


def url(incident, language="en/") -> str:
    return f"/{language}incidents/{incident.pk}/"


def test_the_page_renders_in_french_and_in_english(client, world):
    client.force_login(world.users["awa"])
    sevare = world.incidents["sevare"]
    french = client.get(url(sevare, "")).content.decode()
    assert '<html lang="fr">' in french and "Bilans" in french and "Chronologie" in french
    response = client.get(url(sevare))
    english = response.content.decode()
    assert '<html lang="en">' in english and "Casualty figures" in english and "Timeline" in english
    assert "Alpha field notes" in english and "Note de terrain confidentielle." in english
    assert (
        "single report: its own figures" in english and "a single source" in english
    )  # rule and grade reason
    assert (
        'class="vigie-map"' in english and 'id="incident-points"' in english
    )  # the incident on a map
    assert [(point["label"], point["precision"]) for point in response.context["points"]] == [
        ("Sévaré", "exact")
    ]


def test_reports_stand_side_by_side_with_their_grades(client, world):
    boni = world.incidents["boni"]
    Report.objects.create(
        source=Source.objects.create(slug="minusma", name="MINUSMA", kind="un", reliability="A"),
        organisation=world.alpha,
        visibility="public",
        external_id="m1",
        content_hash="2" * 32,
        date_start=boni.date_start,
        published=datetime.date(2023, 7, 1),
        killed=9,
        credibility=2,
        perpetrator_text="JNIM",
        incident=boni,
    )
    response = client.get(url(boni))
    text = response.content.decode()
    reports = response.context["reports"]
    assert [report.source.name for report in reports] == ["RFI", "MINUSMA"]
    # One column per report: the header row names both sources, then one row per field.
    header = text[
        text.index('<table class="reports-side-by-side">') : text.index(
            "</thead>", text.index("reports-side-by-side")
        )
    ]
    assert "RFI" in header and "MINUSMA" in header
    assert (
        "B6" in text
        and "A2" in text
        and "A: completely reliable" in text
        and "2: probably true" in text
    )
    # The timeline has both publications, oldest first.
    kinds = [(item["kind"], item["date"]) for item in response.context["timeline"]]
    assert kinds == [("report", datetime.date(2023, 6, 10)), ("report", datetime.date(2023, 7, 1))]


def test_the_public_reads_no_report_text_no_history_no_acled(client, world):
    boni = world.incidents["boni"]
    Report.objects.create(
        source=world.sources["acled"],
        organisation=world.alpha,
        visibility="public",
        external_id="a1",
        content_hash="3" * 32,
        date_start=boni.date_start,
        killed=70,
        text="ACLED notes",
        incident=boni,
    )
    text = client.get(url(boni)).content.decode()
    assert "RFI" in text
    assert "ACLED" not in text and "Des hommes armés ont attaqué" not in text
    assert "Change history" not in text and "Set the figures" not in text
    # Another organisation's member reads the public report, still no history of alpha's work.
    client.force_login(world.users["bakary"])
    text = client.get(url(boni)).content.decode()
    assert "Des hommes armés ont attaqué" in text and "Change history" not in text


def test_private_incidents_are_not_found_outside_their_organisation(client, world):
    for name in ("sevare", "secret", "menaka", "tessit"):
        assert client.get(url(world.incidents[name])).status_code == 404
    client.force_login(world.users["bakary"])
    assert client.get(url(world.incidents["sevare"])).status_code == 404
    assert client.get(url(world.incidents["tessit"])).status_code == 200  # beta's own


def test_an_analyst_sets_figures_with_a_reason_and_it_is_in_the_history(client, world):
    sevare = world.incidents["sevare"]
    client.force_login(world.users["awa"])
    page = client.get(url(sevare)).content.decode()
    assert "Set the figures" in page and f'action="/en/incidents/{sevare.pk}/figures/' in page

    refused = client.post(
        f"/en/incidents/{sevare.pk}/figures/", {"killed_best": "12", "reason": "  "}
    )
    assert refused.status_code == 400
    assert "Give the reason for these figures" in refused.content.decode()
    sevare.refresh_from_db()
    assert sevare.killed_best == 4 and not sevare.figures_override

    wrong_order = client.post(
        f"/en/incidents/{sevare.pk}/figures/",
        {"killed_low": "20", "killed_best": "12", "reason": "MINUSMA's count"},
    )
    assert wrong_order.status_code == 400 and "low ≤ best ≤ high" in wrong_order.content.decode()

    done = client.post(
        f"/en/incidents/{sevare.pk}/figures/",
        {
            "killed_low": "10",
            "killed_best": "12",
            "killed_high": "15",
            "reason": "MINUSMA's final count",
        },
        follow=True,
    )
    assert done.redirect_chain[-1][0] == url(sevare)
    sevare.refresh_from_db()
    assert (sevare.killed_low, sevare.killed_best, sevare.killed_high) == (10, 12, 15)
    assert sevare.override_reason == "MINUSMA's final count"
    text = done.content.decode()
    assert "The figures were set" in text and "MINUSMA&#x27;s final count" in text
    history = done.context["history"]
    assert history[0]["who"] == "awa"
    changed = {change["name"]: change for change in history[0]["changes"]}
    assert changed["killed_best"]["before"] == "4" and changed["killed_best"]["after"] == "12"
    assert "killed (best)" in text
    entries = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Incident), object_id=sevare.pk
    )
    assert entries.filter(user=world.users["awa"]).exists()

    cleared = client.post(f"/en/incidents/{sevare.pk}/figures/", {"clear": "on"}, follow=True)
    sevare.refresh_from_db()
    assert cleared.status_code == 200 and not sevare.figures_override and sevare.killed_best == 4


def test_the_history_shows_only_this_incident_fields(client, world):
    from vigie.core.context import change_context

    sevare = world.incidents["sevare"]
    with change_context(user_name="awa", origin="web"):
        sevare.location = "Sévaré-ville"
        sevare.save()
        world.sources["partner"].name = "Renamed source"
        world.sources["partner"].save()  # another record's change: never in this incident's history
    client.force_login(world.users["awa"])
    response = client.get(url(sevare))
    history = response.context["history"]
    assert [
        [change["name"] for change in entry["changes"]] for entry in history if entry["changes"]
    ] == [["location"]]
    assert (
        len(history)
        == ChangeLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Incident), object_id=sevare.pk
        ).count()
    )
    assert (
        history[0]["changes"][0]["before"] == "Sévaré"
        and history[0]["changes"][0]["after"] == "Sévaré-ville"
    )


def test_only_analysts_of_the_organisation_may_set_figures(client, world):
    sevare = world.incidents["sevare"]
    client.force_login(world.users["ali"])  # a monitor: sees the incident, may not change it
    assert "Set the figures" not in client.get(url(sevare)).content.decode()
    assert (
        client.post(
            f"/en/incidents/{sevare.pk}/figures/", {"killed_best": "1", "reason": "x"}
        ).status_code
        == 403
    )
    client.force_login(world.users["bakary"])
    assert (
        client.post(
            f"/en/incidents/{sevare.pk}/figures/", {"killed_best": "1", "reason": "x"}
        ).status_code
        == 404
    )
    client.logout()
    assert (
        client.post(
            f"/en/incidents/{sevare.pk}/figures/", {"killed_best": "1", "reason": "x"}
        ).status_code
        == 404
    )
    sevare.refresh_from_db()
    assert sevare.killed_best == 4


def test_a_merged_incident_leads_to_the_one_that_took_its_reports(client, world):
    Incident.objects.filter(pk=world.incidents["sevare"].pk).update(
        merged_into=world.incidents["boni"]
    )
    client.force_login(world.users["awa"])
    response = client.get(url(world.incidents["sevare"]))
    assert response.status_code == 302 and response["Location"] == url(world.incidents["boni"])
    # Merged into an incident this user may not see: not found.
    Incident.objects.filter(pk=world.incidents["tessit"].pk).update(
        merged_into=world.incidents["menaka"]
    )
    assert client.get(url(world.incidents["tessit"])).status_code == 404


def test_the_figures_address_leads_to_the_form_on_the_incident_page(client, world):
    sevare = world.incidents["sevare"]
    client.force_login(world.users["awa"])
    response = client.get(f"/en/incidents/{sevare.pk}/figures/")
    assert (
        response.status_code == 302
        and response["Location"] == f"/en/incidents/{sevare.pk}/#figures"
    )
    client.force_login(world.users["bakary"])
    assert client.get(f"/en/incidents/{sevare.pk}/figures/").status_code == 404
