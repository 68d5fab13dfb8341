"""Canaries: unique strings planted in a victim's name, other name, contact and testimony never reach
a page that an outsider, a monitor or an analyst can request (every route of the project, filled
with every record's id), nor the pages of the incident the victim is linked to, nor a title, a
redirect or a log line; the victim's own page shows them only to its readers, after a purpose."""

import logging
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vigie.victims.models import Victim

from .conftest import CANARIES, ROLES, open_record

pytestmark = pytest.mark.django_db

VALUES = {"format_name": ["csv", "geojson"], "model": ["incident", "victim", "case"]}


def named_routes(patterns=None, namespace: str = ""):
    """(name, parameter names) of every named route outside the admin."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            if inner != "admin":
                yield from named_routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (
                f"{namespace}:{entry.name}".strip(":"),
                list(entry.pattern.converters) or re.findall(r"\(\?P<(\w+)>", str(entry.pattern)),
            )


def every_page(world) -> list[str]:
    ids = sorted(
        {
            world.incident.pk,
            world.beta_incident.pk,
            world.case.pk,
            world.item.pk,
            world.victim.pk,
            world.assistance.pk,
        }
    )
    urls = []
    for name, parameters in named_routes():
        combinations = [{}]
        for parameter in parameters:
            values = VALUES.get(parameter, ids)
            combinations = [{**done, parameter: value} for done in combinations for value in values]
        for kwargs in combinations:
            try:
                urls.append(reverse(name, kwargs=kwargs or None))
            except Exception:  # a route whose parameters are not record ids (none today)
                continue
    return urls


def assert_no_canary(response, where: str) -> None:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    text = body.decode("utf-8", errors="replace") + " ".join(
        f"{k}: {v}" for k, v in response.items()
    )
    leaked = [canary for canary in CANARIES if canary in text]
    assert not leaked, f"{where}: {leaked}"


@pytest.mark.slow  # every page as eight visitors
def test_no_page_an_outsider_or_a_monitor_can_request_shows_the_canaries(world, english, caplog):
    caplog.set_level(logging.DEBUG)
    urls = every_page(world)
    assert reverse("victims:victim_detail", kwargs={"pk": world.victim.pk}) in urls
    assert reverse("api:victim-detail", kwargs={"pk": world.victim.pk}) in urls and len(urls) > 100
    visitors = ["anonymous", "A:monitor", "A:analyst", *(f"B:{role}" for role in ROLES)]
    for who in visitors:
        client = world.client(None if who == "anonymous" else who)
        for url in urls:
            response = client.get(url + "?purpose=canary-test", HTTP_ACCEPT="text/html")
            assert response.status_code < 500, (url, who)
            assert_no_canary(response, f"GET {url} as {who}")
        search = client.post(
            reverse("victims:victim_list"),
            {"name": "Kadiatou Zq7-canari-nom Sidibé", "purpose": "assistance"},
        )
        assert_no_canary(search, f"search as {who}")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [canary for canary in CANARIES if canary in logged]


def test_the_linked_incident_pages_never_show_the_victim(world, english, caplog):
    caplog.set_level(logging.DEBUG)
    incident_pages = [
        reverse("web:incident_detail", kwargs={"pk": world.incident.pk}),
        reverse("web:incident_list"),
        reverse("web:dashboard"),
        reverse("victims:victim_list"),
        reverse("cases:case_detail", kwargs={"pk": world.case.pk}),
    ]
    for who in ("A:investigator", "A:assistance_officer", "A:coordinator", "A:admin", "operator"):
        client = world.client(who)
        if who != "A:admin":
            open_record(client, world.victim.pk)  # even while the record is open to them
        for url in incident_pages:
            response = client.get(url)
            assert response.status_code in (200, 404), (url, who)
            assert_no_canary(response, f"GET {url} as {who}")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [canary for canary in CANARIES if canary in logged]


def test_readers_see_the_canaries_only_on_the_open_record_never_in_titles_or_addresses(
    world, english, caplog
):
    caplog.set_level(logging.DEBUG)
    client = world.client("A:assistance_officer")
    victim = world.victim.pk
    for url in (
        reverse("victims:victim_detail", kwargs={"pk": victim}),
        reverse("victims:victim_edit", kwargs={"pk": victim}),
        reverse("victims:victim_withdraw", kwargs={"pk": victim}),
    ):
        assert_no_canary(client.get(url), f"{url} before a purpose")
    response = open_record(client, victim, "assistance")
    assert_no_canary(response, "the answer to the purpose")
    for url in (
        reverse("victims:victim_detail", kwargs={"pk": victim}),
        reverse("victims:victim_edit", kwargs={"pk": victim}),
    ):
        page = client.get(url).content.decode()
        assert "Zq7-canari-nom" in page and "Zq7-canari-alias" in page
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert not [canary for canary in CANARIES if canary in title]
        assert not [canary for canary in CANARIES if canary in url]
    edited = client.post(
        reverse("victims:victim_edit", kwargs={"pk": victim}),
        {
            "name": "Kadiatou Zq7-canari-nom Sidibé",
            "sex": "female",
            "age_group": "adult",
            "civilian_status": "unknown",
            "relation": "direct_victim",
            "testimony": "Zq7-canari-temoin encore",
        },
    )
    assert edited.status_code == 302
    assert_no_canary(edited, "the answer to an edit")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [canary for canary in CANARIES if canary in logged]
    assert Victim.objects.get(pk=victim).testimony == "Zq7-canari-temoin encore"
