"""The dashboard: every figure from the incidents the user may see, never another organisation's."""

import pytest
from django.utils.html import escape

from vigie.core.models import Membership, Role
from vigie.incidents.models import Incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogues")]


def dashboard(client, user, language=""):
    client.force_login(user)
    response = client.get(f"/{language}")
    assert response.status_code == 200
    return response


def test_dashboard_renders_in_french_and_in_english(client, world):
    french = dashboard(client, world.users["awa"]).content.decode()
    assert (
        '<html lang="fr">' in french
        and "Tableau de bord" in french
        and "Personnes tuées par mois" in french
    )
    english = dashboard(client, world.users["awa"], "en/").content.decode()
    assert (
        '<html lang="en">' in english
        and "Dashboard" in english
        and "People killed per month" in english
    )
    # The map, the band chart and the bars are there, with their data.
    for marker in (
        'class="vigie-map"',
        'data-kind="band"',
        'data-kind="bars"',
        'id="killed-series"',
        'id="dashboard-points"',
    ):
        assert marker in english


def test_anonymous_home_is_the_public_home_and_the_dashboard_needs_no_login_there(client, world):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "Latest public incidents" in response.content.decode()
    assert "totals" in response.context and response.context["totals"]["incidents"] == 1


def test_each_member_counts_only_what_they_may_see(client, world):
    # Both members look, one after the other: the second must not be given the first one's cached figures.
    awa = dashboard(client, world.users["awa"], "en/")
    bakary = dashboard(client, world.users["bakary"], "en/")

    # awa (analyst, alpha): Boni (public) and Sévaré (alpha's); not the restricted one, not beta's.
    assert awa.context["totals"]["incidents"] == 2
    assert awa.context["totals"]["best"] == 7 + 4
    assert awa.context["review_count"] == 1
    # bakary (analyst, beta): Boni (public), Ménaka-Beta and Tessit (beta's own, which only ACLED reports,
    # so never public); never alpha's private incidents.
    assert bakary.context["totals"]["incidents"] == 3
    assert bakary.context["totals"]["best"] == 7 + 11 + 13
    assert bakary.context["review_count"] == 0  # the pair joins alpha's reports

    text = bakary.content.decode()
    for location in ("Sévaré", "Secret-Douentza"):
        assert escape(location) not in text and location not in text
    # Perpetrators: FAMa (state forces) acts only in alpha's private incidents.
    categories = {row["key"] for row in bakary.context["perpetrators"]}
    assert categories == {"jihadist_group"}
    assert "state_forces" in {row["key"] for row in awa.context["perpetrators"]}
    regions = {row["label"]: row["incidents"] for row in bakary.context["regions"]}
    assert regions == {"Mopti": 1, "Ménaka": 1, "Gao": 1}
    # The monthly series counts the same incidents.
    assert sum(bakary.context["incidents_series"]["best"]) == 3
    assert sum(bakary.context["killed_series"]["best"]) == 31
    # The map's points: only visible incidents with a position.
    assert {point["label"] for point in bakary.context["points"]} == {"Boni", "Ménaka-Beta"}


def test_a_coordinator_also_counts_the_restricted_incidents(client, world):
    Membership.objects.filter(user=world.users["awa"]).update(role=Role.COORDINATOR)
    response = dashboard(client, world.users["awa"], "en/")
    assert response.context["totals"]["incidents"] == 3


def test_merged_incidents_are_counted_once(client, world):
    Incident.objects.filter(pk=world.incidents["sevare"].pk).update(
        merged_into=world.incidents["boni"]
    )
    response = dashboard(client, world.users["awa"], "en/")
    assert response.context["totals"]["incidents"] == 1
    assert "Sévaré" not in {row["location"] for row in response.context["latest"]}


def test_figures_are_cached_for_the_audience(client, world, django_assert_max_num_queries):
    dashboard(client, world.users["awa"], "en/")
    Incident.objects.filter(pk=world.incidents["boni"].pk).update(killed_best=1000)
    again = dashboard(client, world.users["awa"], "en/")
    assert again.context["totals"]["best"] == 11  # within the minute: the cached figures
    # Another language is another entry (labels are translated in the cached rows).
    french = dashboard(client, world.users["awa"])
    assert french.context["totals"]["best"] == 1004
