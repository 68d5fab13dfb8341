"""On the demo, every reader gives the nine real incidents, never the 34 the linkage merged into them:
an incident merged into another is counted, listed and exported once, as the incident that took its
reports (Incident.objects.current())."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model

from tests.factories import kept_for_the_module
from vigie.core.models import Membership, Organisation, Role
from vigie.demo.loader import DEMO_REPORTS, load_demo
from vigie.incidents.models import Incident
from vigie.interop.exports import export_incidents

pytestmark = pytest.mark.django_db


def real_incident_count() -> int:
    with open(DEMO_REPORTS, encoding="utf-8", newline="") as handle:
        return len({row["incident"] for row in csv.DictReader(handle)})


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded and linked once for the module's tests (each rolls back to it)."""
    with kept_for_the_module(django_db_blocker):
        load_demo()
        organisation = Organisation.objects.get(slug="demo")
        current = set(
            Incident.objects.current()
            .filter(organisation=organisation)
            .values_list("pk", flat=True)
        )
        merged = set(
            Incident.objects.filter(merged_into__isnull=False).values_list("pk", flat=True)
        )
        assert len(current) == real_incident_count() == 9  # the linkage recovers the real incidents
        assert merged  # ... by merging the reports' own incidents into them
        analyst = get_user_model().objects.create_user("analyste")
        Membership.objects.create(user=analyst, organisation=organisation, role=Role.ANALYST)
        yield organisation, current, merged, analyst


def exported_ids(format_name: str, organisation=None) -> list[int]:
    handle = io.StringIO()
    written = export_incidents(handle, format_name, organisation=organisation)
    text = handle.getvalue()
    if format_name == "geojson":
        ids = [feature["properties"]["incident_id"] for feature in json.loads(text)["features"]]
    else:
        rows = list(csv.reader(io.StringIO(text)))
        header, body = rows[0], rows[2:] if format_name == "hxl" else rows[1:]
        ids = [row[header.index("incident_id")] for row in body]
    assert written == len(ids)
    return [int(value) for value in ids]


@pytest.mark.parametrize("format_name", ["csv", "geojson", "hxl"])
def test_exports_give_the_nine_current_incidents(demo, format_name):
    organisation, current, _merged, _analyst = demo
    for audience in (organisation, None):  # the organisation's members, and the public
        ids = exported_ids(format_name, audience)
        assert len(ids) == len(set(ids)) == 9
        assert set(ids) == current


def test_the_export_command_writes_nine_incidents(demo, tmp_path):
    from click.testing import CliRunner

    from vigie.cli import main

    output = tmp_path / "incidents.csv"
    result = CliRunner().invoke(
        main, ["export", "incidents", "--organisation", "demo", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "9 incidents written" in result.output
    with open(output, encoding="utf-8", newline="") as handle:
        assert {int(row["incident_id"]) for row in csv.DictReader(handle)} == demo[1]


def test_pages_and_counts_give_the_nine_current_incidents(demo, client):
    _organisation, current, merged, analyst = demo
    killed = sum(Incident.objects.filter(pk__in=current).values_list("killed_best", flat=True))
    for user in (analyst, None):
        client.logout()
        if user is not None:
            client.force_login(user)
        listed = client.get("/en/incidents/")
        assert {incident.pk for incident in listed.context["incidents"]} == current
        home = client.get("/en/")  # the dashboard for the analyst, the public home for anyone else
        assert home.context["totals"]["incidents"] == 9
        assert home.context["totals"]["best"] == killed
        assert sum(home.context["incidents_series"]["best"]) == 9
        assert {row["id"] for row in home.context["latest"]} <= current
        # A merged incident's own page leads to the incident that took its reports.
        one = Incident.objects.get(pk=sorted(merged)[0])
        page = client.get(f"/en/incidents/{one.pk}/")
        assert page.status_code == 302 and page["Location"].endswith(
            f"/incidents/{one.merged_into_id}/"
        )
    public = client.get("/en/public/")
    assert public.context["totals"]["incidents"] == 9
    download = client.get("/en/open-data/csv/")
    body = b"".join(download.streaming_content).decode("utf-8")
    assert {int(row["incident_id"]) for row in csv.DictReader(io.StringIO(body))} == current


def test_the_api_gives_the_nine_current_incidents(demo, client):
    _organisation, current, merged, analyst = demo
    for user in (analyst, None):
        client.logout()
        if user is not None:
            client.force_login(user)
        answer = client.get("/api/v1/incidents/?page_size=100").json()
        ids = [row["id"] for row in answer["results"]]
        assert len(ids) == 9 and set(ids) == current
        assert client.get(f"/api/v1/incidents/{sorted(merged)[0]}/").status_code == 404
