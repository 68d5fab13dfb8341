"""The navigation shows each part of Vigie to the roles that may use it, and never breaks on a missing page."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from vigie.core.models import Membership, Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogues")]


def nav(user) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    template = Template(
        "{% load vigie_web %}{% vigie_nav as nav %}{{ nav.report }} {{ nav.review }} "
        "{{ nav.cases }} {{ nav.victims }} {{ nav.organisation }} {{ nav.signed_in }}"
    )
    values = template.render(Context({"request": request})).split()
    return dict(
        zip(
            ["report", "review", "cases", "victims", "organisation", "signed_in"],
            values,
            strict=True,
        )
    )


def test_each_role_sees_its_own_parts(world):
    from django.contrib.auth.models import AnonymousUser

    assert nav(AnonymousUser())["signed_in"] == "False"
    assert nav(world.users["awa"]) == {
        "report": "True",
        "review": "True",
        "cases": "False",
        "victims": "False",
        "organisation": "False",
        "signed_in": "True",
    }
    assert nav(world.users["ali"]) == {
        "report": "True",
        "review": "False",
        "cases": "False",
        "victims": "False",
        "organisation": "False",
        "signed_in": "True",
    }
    investigator = nav(world.users["ibrahim"])
    assert (
        investigator["cases"] == "True"
        and investigator["victims"] == "True"
        and investigator["review"] == "False"
    )
    Membership.objects.create(user=world.users["bakary"], organisation=world.beta, role=Role.ADMIN)
    assert nav(world.users["bakary"])["organisation"] == "True"


def test_the_menu_links_the_pages_that_exist(client, world):
    anonymous = client.get("/en/").content.decode()
    assert 'href="/en/incidents/"' in anonymous and 'href="/en/methodology/"' in anonymous
    assert (
        'href="/en/open-data/"' in anonymous
        and "Log in" in anonymous
        and "Dashboard" not in anonymous
    )
    client.force_login(world.users["awa"])
    member = client.get("/en/incidents/").content.decode()
    assert (
        "Dashboard" in member and "Log out" in member and 'aria-current="page">Incidents' in member
    )
    # The language switch works without JavaScript: one submit button per language.
    assert 'name="language" value="fr"' in member and 'name="language" value="en"' in member
