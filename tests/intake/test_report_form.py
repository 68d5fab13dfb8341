"""A monitor's report from the phone form: stored with its incident, linked at once, and shown where it went."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vigie.actors.models import Actor
from vigie.core.models import ChangeLogEntry, Role
from vigie.incidents.models import Incident
from vigie.intake.models import ReportDraft
from vigie.intake.search import search_actors
from vigie.reports.models import Report

pytestmark = pytest.mark.django_db


def ogossagou_form(**changes) -> dict:
    """A report of the Ogossagou massacre of 23 March 2019, as a monitor would type it on a phone."""
    dozo = search_actors("chasseurs dozos")[0].actor
    data = {
        "source_name": "Radio Guintan",
        "source_kind": "media",
        "date_start": "2019-03-23",
        "date_precision": "day",
        "published": "2019-03-25",
        "place_query": "Ogossagou",
        "perpetrator_query": "chasseurs dozos",
        "perpetrator": str(dozo.pk),
        "perpetrator_for": "chasseurs dozos",
        "target_query": "villageois peuls",
        "target": "new",
        "target_for": "villageois peuls",
        "event_type": "violence_against_civilians",
        "sub_event_type": "attack",
        "event_label": "massacre d'Ogossagou",
        "killed": "160",
        "text": "Le massacre d'Ogossagou a fait 160 morts selon notre correspondant.",
        "action": "submit",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_is_light_and_made_for_a_phone(monitor, organisation, login):
    page = login(monitor).get(reverse("intake:report_new"))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="viewport"' in text and 'enctype="multipart/form-data"' in text
    assert len(page.content) < 60_000  # a slow connection: no framework, no web font
    assert 'type="date"' in text and 'inputmode="numeric"' in text
    assert 'hx-get="/en/search/places/"' in text  # HTMX suggestions, when the browser runs it
    assert 'value="find"' in text  # and a plain "Find" button when it does not


def test_a_report_of_a_known_incident_joins_it(demo, monitor, login):
    ogossagou = (
        Incident.objects.filter(
            merged_into__isnull=True, reports__location_text="Ogossagou", date_start__year=2019
        )
        .distinct()
        .get()
    )
    before = ogossagou.reports.count()
    client = login(monitor)
    response = client.post(reverse("intake:report_new"), ogossagou_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    report = Report.objects.get(source__name="Radio Guintan")
    assert response["Location"] == reverse("intake:report_status", kwargs={"pk": report.pk})
    assert report.organisation == demo and report.visibility == "organisation"
    assert report.external_id.startswith("web-")
    assert report.place is not None and report.admin2_text == "Bankass"
    assert report.perpetrator_text == "chasseurs dozos" and report.killed == 160
    # linked at once: the new report's incident was merged into the known one
    assert report.incident_id == ogossagou.pk
    assert ogossagou.reports.count() == before + 1
    assert report.linked_at is not None
    status = client.get(response["Location"])
    assert status.status_code == 200
    assert "It joined an incident already known." in status.content.decode()
    assert f"/en/incidents/{ogossagou.pk}/" in status.content.decode()
    # the creation is in the change log, without the report's text
    entry = ChangeLogEntry.objects.filter(object_repr=f"report {report.pk}").get()
    assert "160 morts" not in str(entry.postchange)


def test_a_report_of_a_new_event_makes_a_new_incident_and_a_new_actor(demo, monitor, login):
    form = ogossagou_form(
        date_start="2024-02-10",
        published="",
        place_query="Ségou",
        killed="2",
        perpetrator="new",
        perpetrator_query="hommes à moto inconnus",
        perpetrator_for="hommes à moto inconnus",
        event_label="enlèvement",
        text="",
    )
    response = login(monitor).post(reverse("intake:report_new"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    report = Report.objects.get(source__name="Radio Guintan")
    assert report.incident.reports.count() == 1
    new_actor = Actor.objects.get(name="hommes à moto inconnus")
    assert new_actor.needs_review  # a name the dictionary did not know, flagged for an analyst
    page = login(monitor).get(response["Location"]).content.decode()
    assert "A new incident." in page


def test_bad_input_says_where_and_stores_nothing(organisation, monitor, login):
    form = ogossagou_form(date_start="2999-01-01", source_name="", killed="-3")
    response = login(monitor).post(reverse("intake:report_new"), form)
    assert response.status_code == 400
    text = response.content.decode()
    assert "The date of the event is in the future." in text
    assert "Choose a source or give the name of a new one." in text
    assert "Ensure this value is greater than or equal to 0." in text
    assert not Report.objects.exists() and not Incident.objects.exists()


def test_an_ambiguous_place_asks_which_one(organisation, monitor, login):
    # two villages called Bamba (cercles of Bourem and Koro): the monitor chooses (no JavaScript needed)
    response = login(monitor).post(
        reverse("intake:report_new"), ogossagou_form(place_query="Bamba")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Several places are called “Bamba”: choose one below." in text
    assert text.count('name="place"') >= 2
    assert not Report.objects.exists()


def test_find_shows_choices_without_javascript(organisation, monitor, login):
    response = login(monitor).post(
        reverse("intake:report_new"),
        ogossagou_form(action="find", place_query="Tombouctou", perpetrator_query="EIGS"),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tombouctou" in text and "Islamic State Sahel Province" in text
    assert 'name="perpetrator"' in text and not Report.objects.exists()


def test_roles_that_may_not_add_reports_get_403(organisation, member, login):
    investigator = member(Role.INVESTIGATOR, organisation)
    client = login(investigator)
    assert client.get(reverse("intake:report_new")).status_code == 403
    assert client.post(reverse("intake:report_new"), ogossagou_form()).status_code == 403
    assert not Report.objects.exists()


def test_anonymous_are_sent_to_log_in(client):
    response = client.get(reverse("intake:report_new"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_drafts_save_and_reload(organisation, monitor, login):
    client = login(monitor)
    response = client.post(
        reverse("intake:report_new"),
        {
            "action": "draft",
            "place_query": "Boni",
            "text": "Premier témoignage, à compléter",
            "killed": "not a number yet",
            "source_name": "Témoin A",
        },
    )
    draft = ReportDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "intake:draft_edit", kwargs={"pk": draft.pk}
    )
    assert draft.author == monitor and draft.organisation == organisation
    assert not Report.objects.exists()  # a draft is not a report
    page = client.get(response["Location"]).content.decode()
    assert (
        "Premier témoignage, à compléter" in page
        and 'value="Boni"' in page
        and "not a number yet" in page
    )
    listing = client.get(reverse("intake:drafts")).content.decode()
    assert reverse("intake:draft_edit", kwargs={"pk": draft.pk}) in listing
    # updated in place, then sent: the draft becomes a report and disappears
    client.post(
        response["Location"],
        {
            "action": "draft",
            "place_query": "Boni",
            "text": "Deuxième version",
            "source_name": "Témoin A",
        },
    )
    draft.refresh_from_db()
    assert draft.data["text"] == "Deuxième version" and ReportDraft.objects.count() == 1
    sent = client.post(
        response["Location"],
        ogossagou_form(date_start="2024-02-10", place_query="Boni", text="Deuxième version"),
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    assert not ReportDraft.objects.exists()
    assert Report.objects.get().text == "Deuxième version"


def test_a_draft_is_its_authors_alone(organisation, other_organisation, monitor, member, login):
    draft = ReportDraft.objects.create(
        organisation=organisation, author=monitor, data={"text": "secret"}
    )
    url = reverse("intake:draft_edit", kwargs={"pk": draft.pk})
    colleague = member(Role.COORDINATOR, organisation)
    outsider = member(Role.MONITOR, other_organisation)
    for user in (colleague, outsider):
        client = login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "delete"}).status_code == 404
        assert "secret" not in client.get(reverse("intake:drafts")).content.decode()
    assert ReportDraft.objects.filter(pk=draft.pk).exists()


def test_draft_content_is_encrypted_at_rest(organisation, monitor):
    from django.db import connection

    draft = ReportDraft.objects.create(
        organisation=organisation, author=monitor, data={"text": "Moussa a vu"}
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM intake_reportdraft WHERE id = %s", [draft.pk])
        stored = cursor.fetchone()[0]
    assert "Moussa" not in stored and stored.startswith("vgc1:")


def test_none_of_these_keeps_the_place_as_written(organisation, monitor, login):
    form = ogossagou_form(
        date_start="2024-02-10",
        place_query="Ségou, quartier Médine",
        place="none",
        place_for="Ségou, quartier Médine",
    )
    assert login(monitor).post(reverse("intake:report_new"), form).status_code == 302
    report = Report.objects.get()
    assert report.place is None and report.location_text == "Ségou, quartier Médine"


def test_a_choice_made_for_other_text_is_not_kept(organisation, monitor, login):
    # the monitor chose Sévaré, then typed another name without searching again: the name typed wins
    sevare = search_places_first("Sévaré")
    form = ogossagou_form(
        date_start="2024-02-10", place_query="Diabaly", place=str(sevare.pk), place_for="Sévaré"
    )
    assert login(monitor).post(reverse("intake:report_new"), form).status_code == 302
    report = Report.objects.get()
    assert (
        report.place.name == "Diabaly" and report.place.kind == "locality"
    )  # the town, not its commune
    assert report.admin2_text == "Niono" and report.admin1_text == "Ségou"


def search_places_first(name):
    from vigie.intake.search import search_places

    return search_places(name)[0].place


def test_linking_waits_for_vigie_link_when_an_import_is_not_linked(
    demo, monitor, login, monkeypatch
):
    from vigie.intake import services

    monkeypatch.setattr(services, "LINK_AT_ONCE_MAX", 0)
    response = login(monitor).post(reverse("intake:report_new"), ogossagou_form(), follow=True)
    report = Report.objects.get(source__name="Radio Guintan")
    assert report.linked_at is None and report.incident.reports.count() == 1
    assert "it will be at the next linkage run" in response.content.decode()


def test_the_form_and_the_outcome_in_french(demo, monitor, login, settings):
    from pathlib import Path

    from django.utils import translation
    from django.utils.translation import trans_real

    from vigie.core.i18n import compile_catalogues

    compile_catalogues(Path(settings.LOCALE_PATHS[0]))
    trans_real._translations = {}
    trans_real._default = None
    client = login(monitor)
    with translation.override("fr"):
        url = reverse("intake:report_new")
    assert url == "/reports/new/"
    form = client.get(url).content.decode()
    assert (
        '<html lang="fr">' in form
        and "Envoyer le rapport" in form
        and "Enregistrer le brouillon" in form
    )
    response = client.post(url, ogossagou_form())
    status = client.get(response["Location"]).content.decode()
    assert (
        "Il a rejoint un incident déjà connu." in status
        and "repose maintenant sur ce rapport" in status
    )
