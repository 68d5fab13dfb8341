"""The first pages: incidents in French and English, closed by default."""

import pytest
from django.contrib.auth import get_user_model
from django.utils.html import escape

from vigie.core.i18n import compile_catalogues
from vigie.core.models import Membership, Organisation
from vigie.demo.loader import DEMO_REPORTS
from vigie.incidents.models import Incident
from vigie.interop.loader import run_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalogues(settings):
    from pathlib import Path

    from django.utils import translation
    from django.utils.translation import trans_real

    compile_catalogues(Path(settings.LOCALE_PATHS[0]))
    trans_real._translations = {}
    trans_real._default = None
    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture
def demo():
    organisation = Organisation.objects.create(slug="demo", name="Demo")
    run_import("reports", DEMO_REPORTS, organisation=organisation, visibility="public")
    return organisation


def test_incident_list_in_french_by_default_and_in_english(client, demo):
    page = client.get("/")
    text = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="fr">' in text
    assert "Violence contre des civils" in text and "Ogossagou" in text
    english = client.get("/en/").content.decode()
    assert '<html lang="en">' in english and "Violence against civilians" in english
    assert len(page.content) < 500_000


def test_incident_detail_shows_every_report_and_the_range(client, demo):
    incident = Incident.objects.filter(location="Ogossagou").order_by("date_start").first()
    page = client.get(f"/en/incidents/{incident.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    for report in incident.reports.filter(is_current=True).select_related("source"):
        assert report.source.name in text
    assert f"<strong>{incident.killed_best}</strong>" in text
    assert escape(incident.estimate_rule) in text


def test_organisation_incidents_are_closed_to_others(client, demo, tmp_path):
    other = Organisation.objects.create(slug="other", name="Other")
    path = tmp_path / "private.csv"
    path.write_text(
        "report_id,source,event_date,location,admin2,admin1,killed,incident\n"
        "p1,Field monitor,2023-05-02,Sévaré,Mopti,Mopti,4,private-1\n",
        encoding="utf-8",
    )
    run_import("reports", path, organisation=other)  # organisation-only by default
    private = Incident.objects.get(key="private-1")
    assert client.get(f"/en/incidents/{private.pk}/").status_code == 404
    assert "Sévaré" not in client.get("/en/").content.decode()
    user_model = get_user_model()
    outsider = user_model.objects.create_user("outsider", password="x" * 12)
    Membership.objects.create(user=outsider, organisation=demo, role="analyst")
    client.force_login(outsider)
    assert client.get(f"/en/incidents/{private.pk}/").status_code == 404
    member = user_model.objects.create_user("member", password="x" * 12)
    Membership.objects.create(user=member, organisation=other, role="analyst")
    client.force_login(member)
    assert client.get(f"/en/incidents/{private.pk}/").status_code == 200
