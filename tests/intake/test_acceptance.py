"""Published figures rest only on reports an analyst accepted: a monitor's report joined to a public
incident by the linkage changes nothing the public sees until an analyst accepts it; the incident's
public page lists every report its figures rest on."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from vigie.incidents.choices import CASUALTY_FIGURES
from vigie.incidents.models import Incident
from vigie.incidents.services import figure_basis, refresh_from_reports
from vigie.interop.exports import export_incidents
from vigie.reports.models import Report, Source

from .test_report_form import ogossagou_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(demo):
    """The demo's incidents and reports made public, as `vigie demo` publishes them."""
    Report.objects.update(visibility="public")
    Incident.objects.update(visibility="public")
    Source.objects.update(published=True)  # a source is named to the public once published
    for incident in Incident.objects.current():
        refresh_from_reports(incident)
    return (
        Incident.objects.current()
        .filter(reports__location_text="Ogossagou", date_start__year=2019)
        .distinct()
        .get()
    )


def public_view(incident: Incident) -> dict:
    """Everything the public reads of the incident's figures: its page, the open-data export, the API."""
    client = Client()
    page = client.get(f"/en/incidents/{incident.pk}/")
    assert page.status_code == 200
    handle = io.StringIO()
    export_incidents(handle, "csv")
    row = next(
        row
        for row in csv.DictReader(io.StringIO(handle.getvalue()))
        if int(row["incident_id"]) == incident.pk
    )
    api = client.get(f"/api/v1/incidents/{incident.pk}/").json()
    incident.refresh_from_db()
    return {
        "figures": {name: incident.figure(name) for name in CASUALTY_FIGURES},
        "export": {
            name: row[name]
            for name in row
            if "killed" in name or "injured" in name or "abducted" in name
        },
        "api": api["casualties"],
        "basis": page.context["basis"],
        "text": page.content.decode(),
    }


def test_a_monitors_report_counts_only_once_an_analyst_accepts_it(
    published, monitor, analyst, login
):
    before = public_view(published)
    assert before["figures"]["killed_low"] > 1
    response = login(monitor).post(reverse("intake:report_new"), ogossagou_form(killed="1"))
    assert response.status_code == 302
    report = Report.objects.get(source__name="Radio Guintan")
    assert (
        report.incident_id == published.pk and not report.accepted
    )  # joined by the linkage, not accepted

    waiting = public_view(published)
    for part in ("figures", "export", "api", "basis"):
        assert waiting[part] == before[part], part
    assert report.pk not in {row["pk"] for row in waiting["basis"]}

    # A monitor cannot accept; an analyst of the organisation sees it waiting and accepts it.
    assert (
        login(monitor).post("/en/review/accept/", {"do": f"accept-{report.pk}"}).status_code == 403
    )
    queue = login(analyst).get("/en/review/").content.decode()
    assert f'id="report-{report.pk}"' in queue
    done = login(analyst).post("/en/review/accept/", {"do": f"accept-{report.pk}"}, follow=True)
    assert "1 report accepted" in done.content.decode()
    report.refresh_from_db()
    assert report.accepted and report.accepted_by == analyst and report.accepted_at is not None

    after = public_view(published)
    assert after["figures"]["killed_low"] == 1  # the range now reaches the monitor's count
    assert after["export"]["killed_low"] == "1" and after["api"]["killed"]["low"] == 1
    listed = {row["pk"]: row for row in after["basis"]}
    assert set(listed) == {r.pk for r in figure_basis(published)} and report.pk in listed
    # The monitor's organisation-only report is listed with its figures, its source not named.
    assert listed[report.pk]["killed"] == 1 and listed[report.pk]["source"] == ""
    assert "Radio Guintan" not in after["text"] and "Media (not named)" in after["text"]


def test_the_public_page_lists_every_report_the_figures_rest_on(published):
    page = Client().get(f"/en/incidents/{published.pk}/")
    basis = list(figure_basis(published).select_related("source"))
    assert len(page.context["basis"]) == len(basis) >= 2
    text = page.content.decode()
    for report in basis:
        assert report.source.name in text
    # A restricted report is never behind a public figure: it is left out, and the rule says so.
    hidden = basis[0]
    Report.objects.filter(pk=hidden.pk).update(
        visibility="restricted", killed=9999, killed_high=9999
    )
    refresh_from_reports(published)
    published.refresh_from_db()
    assert published.killed_high != 9999
    assert "cannot be shown to the public, not counted" in published.estimate_rule
    again = Client().get(f"/en/incidents/{published.pk}/")
    assert (
        hidden.pk not in {row["pk"] for row in again.context["basis"]}
        and "9999" not in again.content.decode()
    )


def test_publishing_an_incident_in_the_admin_recomputes_its_figures_on_what_can_be_shown(
    published, rf
):
    from types import SimpleNamespace

    from django.contrib.admin.sites import site

    from vigie.incidents.admin import IncidentAdmin

    restricted = figure_basis(published).order_by("killed").last()
    Report.objects.filter(pk=restricted.pk).update(visibility="restricted", killed_high=8888)
    Incident.objects.filter(pk=published.pk).update(visibility="organisation")
    published.refresh_from_db()
    refresh_from_reports(published)
    assert published.killed_high == 8888  # inside the organisation the restricted report counts
    published.visibility = "public"
    IncidentAdmin(Incident, site).save_model(
        rf.post("/"), published, SimpleNamespace(changed_data=["visibility"]), True
    )
    published.refresh_from_db()
    assert published.killed_high != 8888 and restricted.pk not in {
        r.pk for r in figure_basis(published)
    }
