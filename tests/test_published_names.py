"""Names typed into one organisation's non-public report stay that organisation's until an analyst
publishes them (vigie.core.published).

A monitor of organisation A reports a target "Aminata Traoré" (a victim's name), a village
"Kéréna-Nouveau" in a new cercle, a perpetrator "Katiba X" and a radio "Radio Y". A member of B, a
signed-in user without an organisation and an anonymous visitor must not find those names in any API
list, detail, filter choice, page or public export. A's analyst sees them, publishes one, and then
everyone sees that one (and still not the others).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import member
from vigie.actors.models import Actor
from vigie.core.models import ChangeLogEntry, Organisation, Role
from vigie.incidents.models import Incident
from vigie.interop.loader import run_import
from vigie.places.models import Place
from vigie.reports.models import Source

pytestmark = pytest.mark.django_db

TARGET = "Aminata Traoré"
VILLAGE = "Kéréna-Nouveau"
CERCLE = "Cercle Zéta-Sud"
PERPETRATOR = "Katiba X"
RADIO = "Radio Y"
NAMES = (TARGET, VILLAGE, CERCLE, PERPETRATOR, RADIO)
# How each name may appear in an answer (JSON escapes accents; HTML may write ' as &#x27;).
SPELLINGS = {
    name: {name, name.encode("ascii", "backslashreplace").decode().replace("\\x", "\\u00")}
    for name in NAMES
}

HEADER = (
    "report_id,source,source_kind,source_language,published,event_date,event_date_end,date_precision,"
    "location,admin3,admin2,admin1,country,latitude,longitude,geo_precision,perpetrator,target,event_type,"
    "sub_event_type,violation_types,event_label,killed,killed_low,killed_high,civilians_killed,"
    "combatants_killed,injured,abducted,url,text,incident\n"
)
ROW = (
    f"k-1,{RADIO},media,fr,2024-05-03,2024-05-02,,day,{VILLAGE},,{CERCLE},Mopti,Mali,,,exact,"
    f"{PERPETRATOR},{TARGET},Violence against civilians,Attack,killing,attaque,3,,,3,,,,,,"
)


def found(name: str, text: str) -> bool:
    return any(spelling in text for spelling in SPELLINGS[name])


class World:
    def __init__(self, tmp_path):
        self.a = Organisation.objects.create(slug="org-a", name="Organisation A")
        self.b = Organisation.objects.create(slug="org-b", name="Organisation B")
        self.users = {
            key: member(key, organisation, role)
            for key, organisation, role in (
                ("a_monitor", self.a, Role.MONITOR),
                ("a_analyst", self.a, Role.ANALYST),
                ("b_analyst", self.b, Role.ANALYST),
                ("b_monitor", self.b, Role.MONITOR),
            )
        }
        self.users["no_organisation"] = member("loner")
        self.users["operator"] = get_user_model().objects.create_superuser(
            "operator", password="irrelevant-password-1"
        )
        self.users["anonymous"] = None
        # The monitor's report through the API: a new source, a perpetrator and a target by name.
        response = self.api("a_monitor").post(
            "/api/v1/reports/",
            {
                "source_name": RADIO,
                "source_kind": "media",
                "date_start": "2024-05-02",
                "place": "ML0506",
                "event_type": "violence_against_civilians",
                "perpetrator_text": PERPETRATOR,
                "target_text": TARGET,
                "actors": [
                    {"name": PERPETRATOR, "side": 1, "role": "perpetrator"},
                    {"name": TARGET, "category": "civilians", "side": 2, "role": "target"},
                ],
                "killed": 3,
                "text": "…",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        self.report_id = response.json()["id"]
        # The same organisation's reports file (not public): the village and its new cercle.
        path = tmp_path / "reports.csv"
        path.write_text(HEADER + ROW + "\n", encoding="utf-8")
        result = run_import("reports", path, organisation=self.a, visibility="organisation")
        assert result.rejected_rows == 0 and result.places_created == 2
        self.actor = Actor.objects.get(name=PERPETRATOR)
        self.target = Actor.objects.get(name=TARGET)
        self.village = Place.objects.get(name=VILLAGE)
        self.cercle = Place.objects.get(name=CERCLE)
        self.radio = Source.objects.get(name=RADIO)

    def api(self, who) -> APIClient:
        client = APIClient()
        if self.users[who] is not None:
            client.force_authenticate(self.users[who])
        return client

    def page(self, who) -> Client:
        client = Client()
        if self.users[who] is not None:
            client.force_login(self.users[who])
        return client

    def records(self):
        return {
            "actors": [self.actor, self.target],
            "places": [self.village, self.cercle],
            "sources": [self.radio],
        }


@pytest.fixture
def world(tmp_path):
    return World(tmp_path)


OUTSIDERS = ("b_analyst", "no_organisation", "anonymous")


def body(response) -> str:
    content = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    return content.decode("utf-8", errors="replace").replace("&#x27;", "'")


def api_answers(world, who) -> dict[str, str]:
    """Every API answer where a name could show: lists (searched, newest first), details, filters."""
    client = world.api(who)
    answers = {}
    for kind, records in world.records().items():
        for query in (
            "?ordering=-id&page_size=100",
            "?search=Katiba",
            "?search=Aminata",
            "?search=Kerena",
            "?search=Zeta",
            "?search=Radio",
            "?needs_review=true&page_size=100",
        ):
            answers[f"/api/v1/{kind}/{query}"] = client.get(f"/api/v1/{kind}/{query}")
        for record in records:
            answers[f"{kind} {record.pk}"] = client.get(f"/api/v1/{kind}/{record.pk}/")
    answers["places by parent"] = client.get(f"/api/v1/places/?parent={world.cercle.pk}")
    answers["incidents by actor"] = client.get(
        f"/api/v1/incidents/?actor={world.actor.pk},{world.actor.key}"
    )
    answers["incidents by cercle"] = client.get(f"/api/v1/incidents/?admin2={world.cercle.pk}")
    answers["incidents by source"] = client.get(f"/api/v1/incidents/?source={world.radio.pk}")
    return answers


def page_answers(world, who) -> dict[str, str]:
    client = world.page(who)
    urls = [
        reverse("web:incident_list"),
        reverse("web:dashboard"),
        reverse("web:public_home"),
        reverse("web:incident_export", kwargs={"format_name": "csv"}),
        reverse("web:open_data_download", kwargs={"format_name": "csv"}),
        f"{reverse('web:incident_list')}?actor=Katiba",
        f"{reverse('web:incident_list')}?admin3=Kerena",
        reverse("intake:report_new"),
    ]
    for name, query in (
        ("actor_list", "Katiba"),
        ("actor_list", "Aminata"),
        ("place_list", "Kerena"),
        ("place_list", "Zeta"),
        ("source_list", "Radio"),
        ("actor_search", "Katiba"),
        ("actor_search", "Aminata"),
        ("place_search", "Kerena"),
    ):
        urls.append(f"{reverse('intake:' + name)}?q={query}")
    urls += [
        reverse("intake:actor_list"),
        reverse("intake:source_list"),
        reverse("intake:place_list") + "?kind=cercle",
    ]
    urls += [
        f"{reverse('intake:place_search')}?q=Kerena&",
        f"{reverse('intake:actor_search')}?q=Aminata&for=target",
    ]
    for detail, records in (
        ("actor_detail", [world.actor, world.target]),
        ("place_detail", [world.village, world.cercle]),
        ("source_detail", [world.radio]),
    ):
        urls += [reverse(f"intake:{detail}", kwargs={"pk": record.pk}) for record in records]
    answers = {}
    for url in urls:
        answers[url] = client.get(url)
    answers["htmx place search"] = client.get(
        reverse("intake:place_search") + "?q=Kerena", HTTP_HX_REQUEST="true"
    )
    answers["place under mopti"] = client.get(
        reverse("intake:place_detail", kwargs={"pk": world.cercle.parent_id})
    )
    return answers


def leaks(answers: dict, names=NAMES) -> list[str]:
    problems = []
    for where, response in answers.items():
        assert response.status_code < 500, where
        text = body(response)
        problems += [f"{where}: {name}" for name in names if found(name, text)]
    return problems


def test_names_of_a_non_public_report_belong_to_its_organisation(world):
    for record in (world.actor, world.target, world.village, world.cercle, world.radio):
        assert record.organisation_id == world.a.pk and not record.published, record
    # an unpublished key tells nothing of other organisations' names (no counting suffix)
    assert world.actor.key.startswith("katiba-x-") and world.actor.key != "katiba-x-2"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_find_none_of_the_names_anywhere(world, who):
    problems = leaks(api_answers(world, who)) + leaks(page_answers(world, who))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_name_outside_ones_scope_is_not_found(world, who):
    for kind, records in world.records().items():
        for record in records:
            assert world.api(who).get(f"/api/v1/{kind}/{record.pk}/").status_code == 404
    if who == "anonymous":
        return
    for name, record in (
        ("actor_detail", world.actor),
        ("place_detail", world.village),
        ("source_detail", world.radio),
        ("actor_publish", world.actor),
        ("place_publish", world.village),
        ("source_publish", world.radio),
    ):
        url = reverse(f"intake:{name}", kwargs={"pk": record.pk})
        assert world.page(who).get(url).status_code == 404, url
        if name.endswith("_publish"):
            assert world.page(who).post(url).status_code == 404, url
    for kind, record in (
        ("actors", world.actor),
        ("places", world.village),
        ("sources", world.radio),
    ):
        assert world.api(who).post(f"/api/v1/{kind}/{record.pk}/publish/").status_code == 404
    world.actor.refresh_from_db()
    assert not world.actor.published


def test_the_organisation_sees_its_names(world):
    for who in ("a_monitor", "a_analyst", "operator"):
        answers = api_answers(world, who)
        missing = [name for name in NAMES if not leaks(answers, [name])]
        assert not missing, (who, missing)
    pages = page_answers(world, "a_analyst")
    assert found(PERPETRATOR, body(pages[f"{reverse('intake:actor_list')}?q=Katiba"]))
    assert found(
        CERCLE, body(pages[reverse("web:incident_list")])
    )  # the cercle among the filter's choices
    assert found(
        RADIO, body(pages[reverse("web:incident_list")])
    )  # and the radio among the sources


def test_an_analyst_publishes_a_name_and_then_everyone_sees_it(world):
    # a monitor may see the name but not publish it
    assert (
        world.api("a_monitor").post(f"/api/v1/actors/{world.actor.pk}/publish/").status_code == 403
    )
    response = world.api("a_analyst").post(f"/api/v1/actors/{world.actor.pk}/publish/")
    assert response.status_code == 200 and response.json()["published"] is True
    world.actor.refresh_from_db()
    assert world.actor.published and not world.actor.needs_review
    entry = ChangeLogEntry.objects.filter(
        content_type__model="actor", object_id=world.actor.pk, user=world.users["a_analyst"]
    ).get()
    assert entry.prechange["published"] is False and entry.postchange["published"] is True
    # the page's button publishes a place (and its new cercle with it) and the radio
    page = world.page("a_analyst")
    detail = page.get(reverse("intake:place_detail", kwargs={"pk": world.village.pk}))
    assert reverse("intake:place_publish", kwargs={"pk": world.village.pk}) in body(
        detail
    )  # the button
    assert (
        page.post(reverse("intake:place_publish", kwargs={"pk": world.village.pk})).status_code
        == 302
    )
    assert (
        page.post(reverse("intake:source_publish", kwargs={"pk": world.radio.pk})).status_code
        == 302
    )
    for record in (world.village, world.cercle, world.radio):
        record.refresh_from_db()
        assert record.published, record
    for who in OUTSIDERS:
        client = world.api(who)
        assert client.get(f"/api/v1/actors/{world.actor.pk}/").status_code == 200, who
        assert client.get(f"/api/v1/places/{world.village.pk}/").status_code == 200, who
        assert client.get(f"/api/v1/sources/{world.radio.pk}/").status_code == 200, who
        assert found(PERPETRATOR, body(client.get("/api/v1/actors/?search=Katiba")))
        # the victim's name was not published: still nowhere
        assert client.get(f"/api/v1/actors/{world.target.pk}/").status_code == 404, who
        assert not leaks(api_answers(world, who), [TARGET]), who
        assert not leaks(page_answers(world, who), [TARGET]), who


def test_another_organisation_never_borrows_an_unpublished_name(world):
    """B reports the same perpetrator: it gets a name of its own; A's stays A's, unpublished."""
    response = world.api("b_monitor").post(
        "/api/v1/reports/",
        {
            "source_name": RADIO,
            "source_kind": "media",
            "date_start": "2024-05-02",
            "actors": [{"name": PERPETRATOR, "side": 1, "role": "perpetrator"}],
            # A's actor by its key: B's monitor may not see it, so it does not exist for them
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(reports__pk=response.json()["id"])
    (link,) = incident.actor_links.select_related("actor")
    assert link.actor.pk != world.actor.pk and link.actor.organisation_id == world.b.pk
    assert Source.objects.get(reports__pk=response.json()["id"]).pk != world.radio.pk
    refused = world.api("b_monitor").post(
        "/api/v1/reports/",
        {
            "source_name": "Other",
            "date_start": "2024-05-02",
            "actors": [{"actor": world.actor.key}],
        },
        format="json",
    )
    assert refused.status_code == 400
    # B's import of the same village does not land in A's place either
    world.actor.refresh_from_db()
    assert not world.actor.published and world.actor.organisation_id == world.a.pk


def test_a_public_incident_never_carries_an_unpublished_name_into_open_data(world):
    """An operator makes A's incident public: the public reads it without A's unpublished names."""
    incident = Incident.objects.get(reports__pk=world.report_id)
    incident.visibility = "public"
    # the admin refuses it (the model's check), naming the names to publish first ...
    with pytest.raises(ValidationError) as refused:
        incident.clean()
    assert PERPETRATOR in str(refused.value) and TARGET in str(refused.value)
    # ... and if it is done anyway, the names stay out of open data
    incident.save()
    Incident.objects.filter(reports__source=world.radio).exclude(pk=incident.pk).update(
        visibility="public"
    )
    from vigie.reports.models import Report

    Report.objects.filter(incident__visibility="public").update(visibility="public")
    Source.objects.filter(pk=world.radio.pk).update(redistributable=True)
    for who in OUTSIDERS:
        answer = world.api(who).get(f"/api/v1/incidents/{incident.pk}/")
        assert answer.status_code == 200, who
        assert not leaks(
            {"detail": answer, "list": world.api(who).get("/api/v1/incidents/?page_size=100")}
        ), who
    from io import StringIO

    from vigie.interop.exports import export_incidents

    output = StringIO()
    assert export_incidents(output, "csv") >= 1
    assert not [name for name in NAMES if name in output.getvalue()]
    # A's members still read the names of their incident
    detail = body(world.api("a_analyst").get(f"/api/v1/incidents/{incident.pk}/"))
    assert found(TARGET, detail) and found(PERPETRATOR, detail)


def test_a_public_import_publishes_its_new_names():
    """A dataset's or a public file's names are public from the start: they are no organisation's secret."""
    organisation = Organisation.objects.create(slug="org-c", name="C")
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "public.csv"
        path.write_text(
            HEADER
            + ROW.replace("k-1", "p-1")
            .replace(VILLAGE, "Village Public")
            .replace(TARGET, "Civils de Village Public")
            + "\n",
            encoding="utf-8",
        )
        run_import("reports", path, organisation=organisation, visibility="public")
    place = Place.objects.get(name="Village Public")
    assert place.published and place.organisation_id == organisation.pk
    assert Actor.objects.get(name="Civils de Village Public").published


def test_the_migration_makes_the_names_already_created_private(world):
    """Names created before the rule: private to the one organisation whose non-public records use them."""
    import importlib

    from django.apps import apps

    from vigie.incidents.models import IncidentActor

    migrations = [
        importlib.import_module(f"vigie.{module}")
        for module in (
            "actors.migrations.0002_organisation_and_published",
            "places.migrations.0002_organisation_and_published",
            "reports.migrations.0003_source_published",
        )
    ]
    incident = Incident.objects.get(reports__pk=world.report_id)
    public = Incident.objects.create(
        organisation=world.b,
        visibility="public",
        date_start=incident.date_start,
        date_end=incident.date_start,
    )
    seen = Actor.objects.create(
        key="old-public-name", name="Old public name", category="other", needs_review=True
    )
    IncidentActor.objects.create(incident=public, actor=seen, side=1)
    # as before the rule: every created name published and nobody's, every source published
    Actor.objects.filter(needs_review=True).update(published=True, organisation=None)
    Place.objects.filter(needs_review=True).update(published=True, organisation=None)
    Source.objects.update(published=True)
    migrations[0].keep_private_names_private(apps, None)
    migrations[1].keep_private_names_private(apps, None)
    migrations[2].keep_private_sources_private(apps, None)
    for record in (world.actor, world.target, world.village, world.cercle, world.radio):
        record.refresh_from_db()
        assert not record.published and record.organisation_id == world.a.pk, record
    seen.refresh_from_db()
    assert seen.published and seen.organisation_id is None
    assert not leaks(api_answers(world, "b_analyst"))
