"""Search by any spelling (places, actors) and the reference pages: sources, actors, places."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from vigie.actors.models import Actor, ActorAlias
from vigie.core.i18n import compile_catalogues
from vigie.core.models import ChangeLogEntry, Role
from vigie.places.models import Place, PlaceAlias
from vigie.reports.models import Report, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def french(settings):
    from django.utils.translation import trans_real

    compile_catalogues(Path(settings.LOCALE_PATHS[0]))
    trans_real._translations = {}
    trans_real._default = None
    yield
    trans_real._translations = {}
    trans_real._default = None


def test_place_search_finds_another_spelling_in_both_languages(monitor, login, french):
    boni = Place.objects.get(code="MLI.mopti.douentza.loc.boni")
    PlaceAlias.objects.create(place=boni, name="Bôni-Haïré")
    client = login(monitor)
    for language in ("fr", "en"):
        with translation.override(language):
            url = reverse("intake:place_search")
        fragment = client.get(url, {"place_query": "boni haire"}, HTTP_HX_REQUEST="true")
        text = fragment.content.decode()
        assert fragment.status_code == 200 and "<html" not in text  # a fragment for HTMX
        assert f'value="{boni.pk}"' in text and "Boni" in text and "Bôni-Haïré" in text
        assert "Douentza" in text  # its cercle, to tell it from namesakes
    # without JavaScript: a page, with the place's spelling and hierarchy
    page = client.get("/places/", {"q": "Timbuktu"}).content.decode()
    assert "Tombouctou" in page and "Timbuktu" in page and '<html lang="fr">' in page
    assert "Lieux" in page  # the page in French


def test_search_ignores_accents_and_case(monitor, login):
    client = login(monitor)
    text = client.get(
        reverse("intake:place_search"), {"q": "SEVARE"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Sévaré" in text
    assert (
        client.get(reverse("intake:place_search"), {"q": "s"}, HTTP_HX_REQUEST="true")
        .content.decode()
        .strip()
        == ""
    )


def test_actor_search_finds_french_and_english_aliases(monitor, login, french):
    issp = Actor.objects.get(key="issp")
    client = login(monitor)
    for language, query, spelling in (
        ("fr", "EIGS", "EIGS"),
        ("en", "islamic state in the greater sahara", "Islamic State in the Greater Sahara"),
        ("fr", "etat islamique dans le grand", "État islamique dans le Grand Sahara"),
    ):
        with translation.override(language):
            url = reverse("intake:actor_search")
        text = client.get(
            url, {"for": "perpetrator", "perpetrator_query": query}, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert f'name="perpetrator" value="{issp.pk}"' in text, (language, query)
        assert spelling in text
    with translation.override("fr"):
        french_text = client.get(
            reverse("intake:actor_search"), {"for": "target", "q": "GSIM"}, HTTP_HX_REQUEST="true"
        ).content.decode()
    assert "Groupe jihadiste" in french_text or "Groupe djihadiste" in french_text
    assert 'name="target"' in french_text


def test_actor_pages_show_aliases_by_language_and_search(monitor, login):
    jnim = Actor.objects.get(key="jnim")
    client = login(monitor)
    page = client.get(reverse("intake:actor_detail", kwargs={"pk": jnim.pk})).content.decode()
    assert "GSIM" in page and "Groupe de soutien à l&#x27;islam et aux musulmans" in page
    assert "Acronym" in page and "French" in page
    found = client.get(reverse("intake:actor_list"), {"q": "gsim"}).content.decode()
    assert reverse("intake:actor_detail", kwargs={"pk": jnim.pk}) in found
    listing = client.get(
        reverse("intake:actor_list"), {"category": "jihadist_group"}
    ).content.decode()
    assert escape(jnim.name) in listing and "Dan Na Ambassagou" not in listing


def test_place_pages_show_hierarchy_spellings_and_codes(monitor, login):
    bankass = Place.objects.get(code="MLI.mopti.bankass")
    page = (
        login(monitor)
        .get(reverse("intake:place_detail", kwargs={"pk": bankass.pk}))
        .content.decode()
    )
    assert "Mopti" in page and "Bankas" in page and "ML0502" in page and "14.0766" in page
    assert "Diallassagou" in page  # a commune within it


def test_lists_page_without_counting_everything(monitor, login, django_assert_max_num_queries):
    client = login(monitor)
    first = client.get(reverse("intake:place_list")).content.decode()
    assert "page=2" in first
    second = client.get(reverse("intake:place_list"), {"page": "2"})
    assert second.status_code == 200 and "page=1" in second.content.decode()
    assert client.get(reverse("intake:place_list"), {"page": "junk"}).status_code == 200
    with django_assert_max_num_queries(12):
        client.get(reverse("intake:actor_list"))


def test_sources_with_counts_and_reliability_edited_by_coordinators(
    organisation, other_organisation, member, monitor, login
):
    source = Source.objects.create(
        slug="radio-dande", name="Radio Dandé", kind="media", organisation=organisation
    )
    for i in range(3):
        Report.objects.create(
            source=source, organisation=organisation, external_id=f"r{i}", content_hash="0" * 32
        )
    url = reverse("intake:source_detail", kwargs={"pk": source.pk})
    listing = login(monitor).get(reverse("intake:source_list")).content.decode()
    assert "Radio Dandé" in listing and '<td class="num">3</td>' in listing
    # a monitor reads, may not change
    page = login(monitor).get(url).content.decode()
    assert "Radio Dandé" in page and 'name="reliability"' not in page
    assert login(monitor).post(url, {"reliability": "A"}).status_code == 403
    # the organisation's coordinator grades it; the change is logged
    coordinator = member(Role.COORDINATOR, organisation)
    response = login(coordinator).post(url, {"reliability": "B", "party": "on"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.reliability == "B" and source.party
    assert ChangeLogEntry.objects.filter(
        object_repr="Radio Dandé", user=coordinator, action="update"
    ).exists()
    # another organisation's coordinator may not (and does not see its reports counted)
    outsider = member(Role.COORDINATOR, other_organisation)
    assert login(outsider).post(url, {"reliability": "E"}).status_code == 403
    assert (
        '<td class="num">0</td>'
        in login(outsider).get(reverse("intake:source_list"), {"q": "Dandé"}).content.decode()
    )


def test_a_witness_source_of_another_organisation_is_not_found(
    organisation, other_organisation, member, login
):
    witness = Source.objects.create(
        slug="witness-7", name="Témoin 7", kind="witness", organisation=organisation
    )
    outsider = login(member(Role.COORDINATOR, other_organisation))
    assert (
        outsider.get(reverse("intake:source_detail", kwargs={"pk": witness.pk})).status_code == 404
    )
    assert (
        outsider.post(
            reverse("intake:source_detail", kwargs={"pk": witness.pk}), {"reliability": "A"}
        ).status_code
        == 404
    )
    assert "Témoin 7" not in outsider.get(reverse("intake:source_list")).content.decode()


def test_reference_pages_need_a_login(client):
    for name in (
        "intake:source_list",
        "intake:actor_list",
        "intake:place_list",
        "intake:review_queue",
        "intake:drafts",
        "intake:place_search",
        "intake:actor_search",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"], name


def test_a_new_alias_is_found_at_once(monitor, login):
    ActorAlias.objects.create(actor=Actor.objects.get(key="jnim"), name="Nusrat", language="local")
    text = (
        login(monitor)
        .get(reverse("intake:actor_search"), {"q": "nusrat"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "Nusrat" in text
