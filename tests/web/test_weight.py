"""Each page weighs under 500 KB with everything it loads (counted uncompressed: the wire carries less)."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogues")]

BUDGET = 500_000
ASSET = re.compile(r'(?:src|href|data-[a-z-]+-url)="(/static/[^"]+)"')


def weight(html: bytes) -> tuple[int, list[str]]:
    assets = sorted(set(ASSET.findall(html.decode())))
    total = len(html)
    for url in assets:
        path = finders.find(url.removeprefix("/" + settings.STATIC_URL.strip("/") + "/"))
        assert path, f"{url} is referenced but not shipped"
        with open(path, "rb") as handle:
            total += len(handle.read())
    return total, assets


@pytest.mark.parametrize("who", [None, "awa"])
def test_every_page_stays_under_the_budget(client, world, who):
    if who:
        client.force_login(world.users[who])
    pages = [
        "/",
        "/public/",
        "/incidents/",
        f"/incidents/{world.incidents['boni'].pk}/",
        "/methodology/",
        "/open-data/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        total, assets = weight(response.content)
        assert total < BUDGET, (page, total, assets)


def test_the_dashboard_loads_the_map_and_the_charts_and_still_fits(client, world):
    client.force_login(world.users["awa"])
    total, assets = weight(client.get("/").content)
    assert any("leaflet.js" in asset for asset in assets) and any(
        "uPlot" in asset for asset in assets
    )
    assert any(asset.endswith(".geojson") for asset in assets)
    assert total < BUDGET
